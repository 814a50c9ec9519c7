import { inspect } from "node:util";

const HIDDEN = "[REDACTED]";

/**
 * Wraps a credential so that it cannot be printed, logged or serialised by accident: `String()`, JSON and
 * `console.log` all show `[REDACTED]`. Call `reveal()` where the value is really needed.
 *
 * @example
 * ```ts
 * new LocalExecutor({ configPath, authConfig: { api_key: new Secret(process.env.STRIPE_KEY!) } });
 * ```
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The wrapped value. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return HIDDEN;
  }

  toJSON(): string {
    return HIDDEN;
  }

  [inspect.custom](): string {
    return `Secret(${HIDDEN})`;
  }

  /** True for a {@link Secret} from any copy of this package. */
  static isSecret(value: unknown): value is Secret {
    return (
      value instanceof Secret ||
      (typeof value === "object" &&
        value !== null &&
        typeof (value as { reveal?: unknown }).reveal === "function")
    );
  }
}

/** A credential given as a plain string or wrapped in a {@link Secret}. */
export type SecretValue = string | Secret;

/** The plain value of a credential, whichever way it was given. */
export function revealSecret(value: SecretValue): string;
export function revealSecret(value: SecretValue | undefined): string | undefined;
export function revealSecret(value: SecretValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Secret.isSecret(value) ? value.reveal() : String(value);
}
