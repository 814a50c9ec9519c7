/**
 * The actions an operation can declare with `x-airbyte-action`. `authorize` exists in the reference's enum but
 * cannot be declared in a spec; `context_store_search` is only served by the hosted API.
 */
export const Action = {
  GET: "get",
  LIST: "list",
  CREATE: "create",
  UPDATE: "update",
  DELETE: "delete",
  API_SEARCH: "api_search",
  DOWNLOAD: "download",
  AUTHORIZE: "authorize",
  CONTEXT_STORE_SEARCH: "context_store_search",
} as const;

/** One of the {@link Action} values. */
export type Action = (typeof Action)[keyof typeof Action];

/** The actions a connector.yaml may declare (the loader rejects any other). */
export const SPEC_ACTIONS: readonly Action[] = Object.freeze([
  Action.GET,
  Action.LIST,
  Action.CREATE,
  Action.UPDATE,
  Action.DELETE,
  Action.API_SEARCH,
  Action.DOWNLOAD,
]);

/** Actions whose repetition cannot change anything on the server, so a transport failure may be retried. */
export const READ_ONLY_ACTIONS: ReadonlySet<Action> = new Set<Action>([
  Action.GET,
  Action.LIST,
  Action.API_SEARCH,
  Action.DOWNLOAD,
]);

/** True when `value` is one of the {@link Action} values. */
export function isAction(value: unknown): value is Action {
  return typeof value === "string" && (Object.values(Action) as string[]).includes(value);
}
