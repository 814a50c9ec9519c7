import { applyBrands, brandFor, hasBrand } from "./brand";
import { defaultRedactor, type Redactor } from "./redaction";

/** Options every ExecKit error accepts. */
export interface ExecKitErrorOptions {
  /** The error that led to this one. Stored after redaction when `redactor` is given. */
  cause?: unknown;
  /**
   * Removes secrets from the message and from the whole `cause` chain. Executors pass the redactor that knows
   * their credentials; without one, only credential-shaped strings are removed.
   */
  redactor?: Redactor;
}

/** The JSON form of an error, as `toJSON()` returns it. */
export interface SerializedError {
  name: string;
  code: string;
  message: string;
  cause?: SerializedError | { name: string; message: string };
  [field: string]: unknown;
}

const MAX_CAUSE_DEPTH = 8;

/**
 * The root of every error ExecKit throws or returns.
 *
 * - `code` is a stable SCREAMING_SNAKE string to branch on; messages may change, codes do not.
 * - `isInstance()` (and `instanceof`) work across duplicate installs of this package, through a
 *   `Symbol.for` brand.
 * - Messages and causes are redacted when the error is built, so a secret never reaches a log.
 *
 * @example
 * ```ts
 * try { await executor.execute("customers", "list"); }
 * catch (error) { if (RateLimitError.isInstance(error)) await sleep(error.retryAfterMs ?? 1000); }
 * ```
 */
export class ExecKitError extends Error {
  /** The brand of this class; every subclass declares its own. */
  static readonly brand: symbol = brandFor("ExecKitError");
  /** The code used when a subclass does not pass its own. */
  static readonly defaultCode: string = "EXECKIT_ERROR";

  /** A stable machine-readable code, e.g. `RATE_LIMITED`. */
  readonly code: string;
  declare readonly cause?: unknown;
  readonly #redactor: Redactor;

  constructor(message: string, options: ExecKitErrorOptions & { code?: string } = {}) {
    const redactor = options.redactor ?? defaultRedactor;
    super(redactor.redact(message));
    this.#redactor = redactor;
    const ctor = new.target as typeof ExecKitError;
    this.name = ctor.name;
    this.code = options.code ?? ctor.defaultCode;
    if (options.cause !== undefined) {
      Object.defineProperty(this, "cause", {
        value: sanitizeCause(options.cause, redactor, 0),
        enumerable: false,
        writable: false,
        configurable: true,
      });
    }
    applyBrands(this, ctor);
  }

  /**
   * True when `error` is an instance of the class this is called on, even if it was created by another copy of
   * `@execkit/errors`.
   */
  // `this` is typed by shape (any constructor with a brand) so subclasses whose constructors take other
  // arguments (e.g. `CodeRuntimeError`) can call it too.
  static isInstance<T extends abstract new (...args: never[]) => ExecKitError>(
    this: T & { readonly brand: symbol },
    error: unknown,
  ): error is InstanceType<T> {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass isInstance was called on; that is the point.
    return hasBrand(error, this.brand);
  }

  /** Makes `instanceof` agree with `isInstance()`, so it too survives duplicate installs. */
  static override [Symbol.hasInstance](instance: unknown): boolean {
    return (
      // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of `instanceof`.
      Function.prototype[Symbol.hasInstance].call(this, instance) ||
      // biome-ignore lint/complexity/noThisInStatic: as above.
      hasBrand(instance, (this as typeof ExecKitError).brand)
    );
  }

  /** Whether the same request may succeed if sent again unchanged. */
  get isRetryable(): boolean {
    return false;
  }

  /** Subclasses pass every free-text field they keep through this, so it is redacted like the message. */
  protected redactText(text: string): string;
  protected redactText(text: string | undefined): string | undefined;
  protected redactText(text: string | undefined): string | undefined {
    return text === undefined ? undefined : this.#redactor.redact(text);
  }

  /** The fields a subclass adds to `toJSON()`; overridden by subclasses. */
  protected jsonFields(): Record<string, unknown> {
    return {};
  }

  /** A plain JSON object: name, code, message, the subclass's fields and the (redacted) cause chain. */
  toJSON(): SerializedError {
    const json: SerializedError = {
      name: this.name,
      code: this.code,
      message: this.message,
      isRetryable: this.isRetryable,
      ...this.jsonFields(),
    };
    if (this.cause !== undefined) json.cause = serializeCause(this.cause, 0);
    return json;
  }
}

function serializeCause(cause: unknown, depth: number): SerializedError | { name: string; message: string } {
  if (ExecKitError.isInstance(cause)) return (cause as ExecKitError).toJSON();
  if (cause instanceof Error) {
    const out: { name: string; message: string; code?: string; cause?: unknown } = {
      name: cause.name,
      message: cause.message,
    };
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string") out.code = code;
    if (cause.cause !== undefined && depth < MAX_CAUSE_DEPTH)
      out.cause = serializeCause(cause.cause, depth + 1);
    return out;
  }
  return { name: typeof cause, message: String(cause) };
}

/**
 * Causes often come from libraries (a socket error quoting a URL with an API key in it). We keep the cause's
 * type, name and code, but rebuild foreign errors with redacted messages so the chain cannot leak.
 * Our own errors were redacted when they were built and are kept as they are.
 */
function sanitizeCause(cause: unknown, redactor: Redactor, depth: number): unknown {
  if (depth >= MAX_CAUSE_DEPTH) return undefined;
  if (ExecKitError.isInstance(cause)) return cause;
  if (cause instanceof Error) {
    const copy = new Error(redactor.redact(cause.message));
    copy.name = cause.name;
    if (cause.stack) copy.stack = redactor.redact(cause.stack);
    const code = (cause as { code?: unknown }).code;
    if (code !== undefined) Object.defineProperty(copy, "code", { value: code, enumerable: true });
    if (cause.cause !== undefined) {
      Object.defineProperty(copy, "cause", {
        value: sanitizeCause(cause.cause, redactor, depth + 1),
        enumerable: false,
      });
    }
    return copy;
  }
  if (typeof cause === "string") return redactor.redact(cause);
  if (cause !== null && typeof cause === "object") return redactor.redactValue(cause);
  return cause;
}
