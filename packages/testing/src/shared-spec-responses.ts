import type { MockApiOptions } from "./mock-api";

/**
 * Three response schemas of the shared specs contradict their own operation (airbyte-golden/README.md), so a
 * response synthesised from the schema is not what the API sends. These overrides serve the real shape, as the
 * golden traffic does:
 * - google-ads `accessible_customers.list`: the schema describes records after the record transform; the API
 *   sends `resourceNames` strings;
 * - gong `library_folder_content.list`: the record filter reads `isPrivate`, which the schema lacks (every other
 *   record is private, so the filter has something to drop);
 * - amazon-seller-partner `orders.get`: the record extractor reads `$.payload`, which the schema omits.
 */
const RESPONSES: Readonly<Record<string, NonNullable<MockApiOptions["responses"]>>> = {
  "google-ads": {
    "accessible_customers.list": { resourceNames: ["customers/1234567890", "customers/2345678901"] },
  },
  gong: {
    "library_folder_content.list": (_page: number, synthesized: unknown) => {
      const body = synthesized as { calls?: Record<string, unknown>[] };
      body.calls = (body.calls ?? []).map((call, i) => ({ ...call, isPrivate: i % 2 === 0 }));
      return body;
    },
  },
  "amazon-seller-partner": {
    "orders.get": { payload: { AmazonOrderId: "AmazonOrderId-0", OrderStatus: "Shipped" } },
  },
};

/** The `responses` option of {@link startMockApi} a shared spec needs, or undefined when none. */
export function sharedSpecResponses(specName: string): MockApiOptions["responses"] {
  return RESPONSES[specName];
}
