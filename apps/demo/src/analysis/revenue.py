# Revenue per month and top customers of the Acme Shop sandbox, from the charges the demo fetched.
# The Python service saves `context` (the demo's capabilityContextData: `charges` and `customers`) as
# context.json and hands it to this code; it reads back `results` and saves every open matplotlib figure.
import matplotlib.pyplot as plt
import pandas as pd

charges = pd.DataFrame(context["charges"])
names = {customer["id"]: customer["name"] for customer in context["customers"]}

# Only money that arrived counts: failed charges never did, refunded ones went back.
paid = charges[charges["status"] == "succeeded"].copy()
paid["month"] = pd.to_datetime(paid["created"], unit="s", utc=True).dt.strftime("%Y-%m")
paid["usd"] = paid["amount"] / 100

by_month = paid.groupby("month")["usd"].sum().round(2)
top = paid.groupby("customer")["usd"].sum().nlargest(5).round(2)
best_month = str(by_month.idxmax())

fig, ax = plt.subplots(figsize=(9, 4.5))
ax.bar(by_month.index, by_month.values, color="#3b6ea8")
ax.set_title("Acme Shop: revenue per month (succeeded charges, USD)")
ax.set_ylabel("USD")
ax.yaxis.set_major_formatter(lambda value, _: f"${value:,.0f}")
ax.tick_params(axis="x", rotation=45)
fig.tight_layout()

print(f"{len(charges)} charges, {len(paid)} succeeded, revenue ${by_month.sum():,.2f}")
print(f"best month {best_month}: ${by_month[best_month]:,.2f}")

results = {
    "charge_count": int(len(charges)),
    "succeeded_count": int(len(paid)),
    "total_revenue_usd": round(float(by_month.sum()), 2),
    "revenue_by_month": {month: float(value) for month, value in by_month.items()},
    "best_month": best_month,
    "top_customers": [
        {"id": customer, "name": names.get(customer, customer), "revenue_usd": float(value)}
        for customer, value in top.items()
    ],
}
