import { abortError, raceWithSignal } from "./abort-signals";
import { SingleFlight } from "./single-flight";

const WHAT = "Looking up the Airbyte connector";

/**
 * Knows the connector id: the one given at construction, or the result of the cloud lookup, fetched once and
 * kept for the executor's life. Concurrent first calls share one lookup; a failed lookup is not kept, so a
 * connector created later is found on the next call.
 *
 * Differs from the reference: it repeats the lookup before every `execute()`.
 */
export class ConnectorResolver {
  readonly #lookup: () => Promise<string>;
  readonly #flight = new SingleFlight<string>();
  #id: string | undefined;

  constructor(lookup: () => Promise<string>, connectorId?: string) {
    this.#lookup = lookup;
    this.#id = connectorId;
  }

  /** The connector id when known (given, or looked up already), else undefined. */
  get current(): string | undefined {
    return this.#id;
  }

  /** The connector id, looking it up the first time when it was not given. */
  resolve(signal?: AbortSignal): Promise<string> {
    if (this.#id !== undefined) return Promise.resolve(this.#id);
    if (signal?.aborted) return Promise.reject(abortError(signal, WHAT));
    return raceWithSignal(
      this.#flight.run(async () => {
        const id = await this.#lookup();
        this.#id = id;
        return id;
      }),
      signal,
      WHAT,
    );
  }
}
