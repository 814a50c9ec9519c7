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
function compile(
  env: nunjucks.Environment,
  key: string,
  source: string,
  rewrite: (source: string) => string = (same) => same,
): nunjucks.Template {
  const cacheKey = `${key}\u0000${source}`;
  let template = compiled.get(cacheKey);
  if (!template) {
    template = nunjucks.compile(rewrite(source), env);
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
 * record throws {@link UndefinedTemplateVariableError}, except where Jinja allows it: the subject of
 * `| default(…)` and of `is defined` / `is undefined`. nunjucks' own `throwOnUndefined` only checks the final
 * output value (so `not record.missing` would pass), hence the context objects are wrapped in proxies that throw
 * on the read itself.
 */
export function renderStrict(source: string, context: Record<string, unknown>): string {
  const guarded: Record<string, unknown> = { [SOFT_LOOKUP_FUNCTION]: softLookup(context) };
  for (const [key, value] of Object.entries(context)) guarded[key] = strictProxy(value, key);
  const template = compile(strictEnv, "strict", source, allowDefaults);
  try {
    return template.render(guarded);
  } catch (error) {
    const inner = findUndefinedError(error);
    if (inner) throw inner;
    throw error;
  }
}

/**
 * The lookups Jinja's StrictUndefined lets through: a dotted path (`record.a.b`, `record["x"]`, `record.items[0]`)
 * that is the subject of `| default(…)` / `| d(…)` or of `is defined` / `is undefined`. Only the last step may be
 * missing, as in Jinja, where a missing step before it still fails.
 */
const SOFT_LOOKUP =
  /(?<![\w.\]])([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*|\[\s*(?:\d+|'[^']*'|"[^"]*")\s*\])+)(?=\s*\|\s*d(?:efault)?\b|\s+is\s+(?:not\s+)?(?:un)?defined\b)/;
/** A string literal inside a tag (left as it is), or a soft lookup (rewritten). */
const LITERAL_OR_SOFT_LOOKUP = new RegExp(
  `'(?:[^'\\\\]|\\\\.)*'|"(?:[^"\\\\]|\\\\.)*"|${SOFT_LOOKUP.source}`,
  "g",
);
/** The `{{ … }}` and `{% … %}` tags of a template: text outside them is output, never rewritten. */
const TAG = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}/g;
const PATH_STEP = /\.([A-Za-z_]\w*)|\[\s*(\d+|'[^']*'|"[^"]*")\s*\]/g;
/** The context name of the soft lookup; a double underscore keeps it clear of spec variables. */
const SOFT_LOOKUP_FUNCTION = "__execkit_soft_lookup";

/** Rewrites the soft lookups of a strict template into calls that yield `undefined` for a missing last step. */
function allowDefaults(source: string): string {
  return source.replace(TAG, (tag) =>
    tag.replace(LITERAL_OR_SOFT_LOOKUP, (match, root: string | undefined, steps: string | undefined) => {
      if (root === undefined || steps === undefined) return match;
      const keys = [...steps.matchAll(PATH_STEP)].map(([, name, bracket]) =>
        name !== undefined ? name : /^\d+$/.test(bracket!) ? Number(bracket) : bracket!.slice(1, -1),
      );
      return `${SOFT_LOOKUP_FUNCTION}(${JSON.stringify(root)}, ${JSON.stringify(keys)})`;
    }),
  );
}

/** Walks `root` then `keys` over the raw context: strict on every step but the last, which may be missing. */
function softLookup(context: Record<string, unknown>) {
  return (root: string, keys: Array<string | number>): unknown => {
    if (!(root in context)) throw new UndefinedTemplateVariableError(`'${root}' is undefined`);
    let current: unknown = context[root];
    let path = root;
    for (const [index, key] of keys.entries()) {
      const holder =
        current !== null && typeof current === "object" ? (current as Record<string, unknown>) : undefined;
      if (holder === undefined || !(key in holder)) {
        if (index === keys.length - 1) return undefined;
        throw new UndefinedTemplateVariableError(`'${path}' has no attribute '${key}'`);
      }
      current = holder[key];
      path = `${path}.${key}`;
    }
    return strictProxy(current, path);
  };
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
