import { createPrng, type Prng } from "./prng";

/** A customer of the sandbox shop, as the API returns it. */
export interface Customer {
  id: string;
  name: string;
  email: string;
  country: string;
  plan: "starter" | "growth" | "enterprise";
  created: number;
}

/** A card charge. Amounts are in cents. */
export interface Charge {
  id: string;
  customer: string;
  amount: number;
  currency: "usd";
  status: "succeeded" | "failed" | "refunded";
  description: string;
  created: number;
}

/** One line of an invoice. */
export interface InvoiceLine {
  description: string;
  unit_amount: number;
  quantity: number;
}

/** An invoice. */
export interface Invoice {
  id: string;
  number: string;
  customer: string;
  status: "draft" | "open" | "paid" | "void";
  currency: string;
  lines: InvoiceLine[];
  total: number;
  memo: string | null;
  created: number;
  due_date: string;
}

/** Everything the sandbox serves. Lists are sorted oldest first, as the API pages through them. */
export interface Dataset {
  customers: Customer[];
  charges: Charge[];
  invoices: Invoice[];
}

/** Options of {@link generateDataset}. */
export interface DatasetOptions {
  /** Seed of the generator; the same seed always gives the same data. Default 2025. */
  seed?: number;
  /** How many customers. Default 200. */
  customers?: number;
}

/**
 * The sandbox's clock stands still at 2026-01-01T00:00:00Z: the data covers the 12 months of 2025, and anything
 * created through the API is stamped with this time, so its bytes (an invoice PDF) are the same on every run.
 */
export const SANDBOX_NOW = Date.UTC(2026, 0, 1) / 1000;

const YEAR_START = Date.UTC(2025, 0, 1) / 1000;
const DAY = 86_400;
const PLAN_PRICE = { starter: 2_900, growth: 9_900, enterprise: 49_900 } as const;
const FIRST = [
  "North",
  "Blue",
  "Bright",
  "Cedar",
  "Silver",
  "Iron",
  "Maple",
  "Harbor",
  "Summit",
  "Golden",
  "River",
  "Pine",
];
const SECOND = [
  "wind",
  "field",
  "stone",
  "light",
  "brook",
  "gate",
  "ridge",
  "works",
  "leaf",
  "point",
  "path",
  "crest",
];
const KIND = [
  "Traders",
  "Labs",
  "Studio",
  "Foods",
  "Logistics",
  "Health",
  "Outfitters",
  "Analytics",
  "Media",
  "Goods",
];
const COUNTRIES = ["US", "US", "US", "GB", "DE", "FR", "CA", "NL", "SE", "JP", "AU", "BR"];
const ADD_ONS: ReadonlyArray<readonly [string, number, number]> = [
  ["Extra seats", 1_500, 12_000],
  ["Priority support", 4_900, 4_900],
  ["Data export", 2_000, 8_000],
  ["Onboarding session", 25_000, 25_000],
  ["API overage", 500, 30_000],
];

/** Builds the sandbox's customers, charges and invoices deterministically from a seed. */
export function generateDataset(options: DatasetOptions = {}): Dataset {
  const random = createPrng(options.seed ?? 2025);
  const customers = generateCustomers(random, options.customers ?? 200);
  const charges = generateCharges(random, customers);
  const invoices = generateInvoices(customers, charges);
  return { customers, charges, invoices };
}

function generateCustomers(random: Prng, count: number): Customer[] {
  const used = new Set<string>();
  const customers: Customer[] = [];
  for (let index = 1; index <= count; index++) {
    let name = `${random.pick(FIRST)}${random.pick(SECOND)} ${random.pick(KIND)}`;
    if (used.has(name)) name = `${name} ${index}`;
    used.add(name);
    const plan = random.chance(0.15) ? "enterprise" : random.chance(0.45) ? "growth" : "starter";
    // A third signed up before 2025; the rest over the year, so revenue grows month by month.
    const created = random.chance(0.33)
      ? YEAR_START - random.int(30, 700) * DAY
      : YEAR_START + random.int(0, 330) * DAY;
    customers.push({
      id: `cus_${String(index).padStart(4, "0")}`,
      name,
      email: `billing@${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}.example`,
      country: random.pick(COUNTRIES),
      plan,
      created,
    });
  }
  return customers.sort((a, b) => a.created - b.created || a.id.localeCompare(b.id));
}

function generateCharges(random: Prng, customers: readonly Customer[]): Charge[] {
  const drafts: Array<Omit<Charge, "id">> = [];
  for (const customer of customers) {
    for (let month = 0; month < 12; month++) {
      const monthStart = Date.UTC(2025, month, 1) / 1000;
      const monthEnd = Date.UTC(2025, month + 1, 1) / 1000;
      if (customer.created >= monthEnd) continue;
      const billingDay = monthStart + (Math.max(customer.created, YEAR_START) % (28 * DAY));
      drafts.push({
        customer: customer.id,
        amount: PLAN_PRICE[customer.plan],
        currency: "usd",
        status: status(random),
        description: `${customer.plan[0]!.toUpperCase()}${customer.plan.slice(1)} plan, ${monthName(month)} 2025`,
        created: Math.max(billingDay, customer.created) + random.int(0, 3_600),
      });
      const addOns = random.int(0, customer.plan === "starter" ? 1 : 3);
      for (let n = 0; n < addOns; n++) {
        const [label, min, max] = random.pick(ADD_ONS);
        drafts.push({
          customer: customer.id,
          amount: Math.round(random.int(min, max) / 100) * 100,
          currency: "usd",
          status: status(random),
          description: label,
          created: Math.max(customer.created, monthStart) + random.int(0, monthEnd - monthStart - 3_601),
        });
      }
    }
  }
  drafts.sort((a, b) => a.created - b.created || a.customer.localeCompare(b.customer));
  return drafts.map((charge, index) => ({ id: `ch_${String(index + 1).padStart(6, "0")}`, ...charge }));
}

/** Enterprise customers get a monthly invoice for their plan and add-ons; everyone else pays by card only. */
function generateInvoices(customers: readonly Customer[], charges: readonly Charge[]): Invoice[] {
  const enterprise = new Set(customers.filter((c) => c.plan === "enterprise").map((c) => c.id));
  const byKey = new Map<string, Charge[]>();
  for (const charge of charges) {
    if (!enterprise.has(charge.customer) || charge.status !== "succeeded") continue;
    const key = `${charge.customer}|${new Date(charge.created * 1000).toISOString().slice(0, 7)}`;
    byKey.set(key, [...(byKey.get(key) ?? []), charge]);
  }
  const invoices = [...byKey.entries()].map(([key, group]) => {
    const created = Math.max(...group.map((c) => c.created));
    const lines = group.map((c) => ({ description: c.description, unit_amount: c.amount, quantity: 1 }));
    return {
      id: "",
      number: "",
      customer: key.split("|")[0]!,
      status: "paid" as const,
      currency: "usd",
      lines,
      total: lines.reduce((sum, line) => sum + line.unit_amount * line.quantity, 0),
      memo: null,
      created,
      due_date: isoDate(created + 30 * DAY),
    };
  });
  invoices.sort((a, b) => a.created - b.created || a.customer.localeCompare(b.customer));
  return invoices.map((invoice, index) => ({ ...invoice, ...invoiceIds(index + 1, invoice.created) }));
}

/** The id and number of the `sequence`-th invoice. */
export function invoiceIds(sequence: number, created: number): { id: string; number: string } {
  const year = new Date(created * 1000).getUTCFullYear();
  return {
    id: `in_${String(sequence).padStart(6, "0")}`,
    number: `ACME-${year}-${String(sequence).padStart(4, "0")}`,
  };
}

/** `YYYY-MM-DD` of a unix time. */
export function isoDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 10);
}

function status(random: Prng): Charge["status"] {
  const roll = random.next();
  return roll < 0.93 ? "succeeded" : roll < 0.97 ? "failed" : "refunded";
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

function monthName(month: number): string {
  return MONTHS[month]!;
}
