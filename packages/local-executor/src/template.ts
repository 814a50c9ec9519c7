import nunjucks from "nunjucks";

/**
 * Jinja templates of connector specs, rendered with nunjucks. Two environments: the lenient one renders a missing
 * variable as "" (what the reference's plain `jinja2.Template` does for `additional_headers` and refresh URLs);
 * the strict one is for record filters and transforms, where a missing field must fail rather than silently
 * keep or drop a record.
 */
const lenient = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });
const strictEnv = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: false });

/** Thrown when a strict template reads a field the record does not have. */
export class UndefinedTemplateVariableError extends Error {
  override name = "UndefinedTemplateVariableError";
}

const compiled = new Map<string, nunjucks.Template>();
function compile(env: nunjucks.Environment, key: string, source: string): nunjucks.Template {
  const cacheKey = `${key}\u0000${source}`;
  let template = compiled.get(cacheKey);
  if (!template) {
    template = nunjucks.compile(source, env);
    compiled.set(cacheKey, template);
  }
  return template;
}

/** Renders `source` over `context`; undefined variables become "". */
export function renderLenient(source: string, context: Record<string, unknown>): string {
  if (!source.includes("{{") && !source.includes("{%")) return source;
  return compile(lenient, "lenient", source).render(context);
}

/**
 * Renders `source` with Jinja's StrictUndefined semantics: reading a missing variable or a missing field of a
 * record throws {@link UndefinedTemplateVariableError}. nunjucks' own `throwOnUndefined` only checks the final
 * output value (so `not record.missing` would pass), hence the context objects are wrapped in proxies that throw
 * on the read itself.
 */
export function renderStrict(source: string, context: Record<string, unknown>): string {
  const guarded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(context)) guarded[key] = strictProxy(value, key);
  const template = compile(strictEnv, "strict", source);
  try {
    return template.render(guarded);
  } catch (error) {
    const inner = findUndefinedError(error);
    if (inner) throw inner;
    throw error;
  }
}

function findUndefinedError(error: unknown): UndefinedTemplateVariableError | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof UndefinedTemplateVariableError) return current;
    const message = (current as { message?: unknown }).message;
    if (typeof message === "string" && message.includes("UndefinedTemplateVariableError")) {
      const match = /UndefinedTemplateVariableError: ([^\n]*)/.exec(message);
      return new UndefinedTemplateVariableError(match?.[1] ?? message);
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

const PASS_THROUGH = new Set([
  "toJSON",
  "then",
  "constructor",
  "length",
  "__keywords",
  "valueOf",
  "toString",
]);

function strictProxy(value: unknown, path: string): unknown {
  if (value === null || typeof value !== "object") return value;
  return new Proxy(value as object, {
    get(target, property, receiver) {
      if (typeof property === "symbol" || PASS_THROUGH.has(property) || property in target) {
        const inner = Reflect.get(target, property, receiver);
        return typeof property === "string" && !PASS_THROUGH.has(property)
          ? strictProxy(inner, `${path}.${property}`)
          : inner;
      }
      throw new UndefinedTemplateVariableError(`'${path}' has no attribute '${property}'`);
    },
  });
}

/** True when the rendered text of a filter means "drop the record" (the reference's falsy strings). */
export function isFalsyRendering(text: string): boolean {
  return FALSY.has(text.trim());
}
const FALSY = new Set(["False", "false", "0", "None", "none", "null", ""]);

/**
 * Replaces `${name}` references of an `auth_mapping` template. Returns the names that had no value, so the caller
 * can decide whether the mapping entry is skipped or the credentials are incomplete.
 */
export function renderDollarTemplate(
  template: string,
  values: Readonly<Record<string, string>>,
): { value: string; missing: string[] } {
  const missing: string[] = [];
  const value = template.replace(/\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g, (_match, name: string) => {
    const found = values[name];
    if (found === undefined) {
      missing.push(name);
      return "";
    }
    return found;
  });
  return { value, missing };
}

/** The variable names a `${name}` template refers to. */
export function dollarTemplateVariables(template: string): string[] {
  return [...template.matchAll(/\$\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/g)].map((match) => match[1]!);
}

/** The variable names a Jinja `{{ name }}` template refers to (top-level names only). */
export function jinjaTemplateVariables(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);
}
