const MAX_LINES = 60;
const MAX_DEPTH = 3;
const MAX_KEYS_LISTED = 8;

function kind(value: unknown): string {
  if (value === null) return "None";
  if (Array.isArray(value)) return `list[${value.length}]`;
  switch (typeof value) {
    case "string":
      return `str (${value.length} chars)`;
    case "number":
      return Number.isInteger(value) ? "int" : "float";
    case "boolean":
      return "bool";
    case "object": {
      const keys = Object.keys(value as object);
      return `dict with ${keys.length} key${keys.length === 1 ? "" : "s"}`;
    }
    default:
      return typeof value;
  }
}

function describe(value: unknown, path: string, depth: number, lines: string[]): void {
  if (lines.length >= MAX_LINES) return;
  lines.push(`${"  ".repeat(depth)}- ${path}: ${kind(value)}`);
  if (depth + 1 >= MAX_DEPTH) return;
  if (Array.isArray(value)) {
    // One element stands for the list: its shape, not its contents.
    if (value.length > 0) describe(value[0], `${path}[0]`, depth + 1, lines);
    return;
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [key, child] of entries.slice(0, MAX_KEYS_LISTED)) {
      describe(child, `${path}[${JSON.stringify(key)}]`, depth + 1, lines);
    }
    if (entries.length > MAX_KEYS_LISTED) {
      lines.push(`${"  ".repeat(depth + 1)}- … ${entries.length - MAX_KEYS_LISTED} more keys`);
    }
  }
}

/**
 * A compact description of the context data for the prompt: keys, types and sizes, never the values. The model
 * needs the shape to write code against it; the values may be large or private and are read at run time from
 * `context.json`.
 */
export function describeContextData(data: Record<string, unknown> | undefined | null): string {
  if (!data || Object.keys(data).length === 0) return "No context data is available.";
  const lines: string[] = [];
  for (const [key, value] of Object.entries(data))
    describe(value, `context[${JSON.stringify(key)}]`, 0, lines);
  if (lines.length >= MAX_LINES) lines.push("- … (description truncated)");
  return lines.join("\n");
}
