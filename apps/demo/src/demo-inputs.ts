/** The customer the demo looks up with `customers/get` and bills with `invoices/create`. */
export const DEMO_CUSTOMER_ID = "cus_0042";

/** The body of the invoice the demo creates; the test re-creates it in a fresh sandbox to predict the PDF. */
export const DEMO_INVOICE = {
  customer: DEMO_CUSTOMER_ID,
  lines: [
    { description: "Analytics workshop (2 days)", unit_amount: 120_000, quantity: 1 },
    { description: "Extra seats", unit_amount: 1_500, quantity: 10 },
  ],
  days_until_due: 14,
  memo: "Thank you for your business.",
} as const;

/** Page size of the paginated lists (the API allows 1 to 100). */
export const PAGE_SIZE = 100;

/** In-flight requests of the batch of gets. */
export const BATCH_CONCURRENCY = 16;
