import { type Redactor, ResponseFormatError } from "@execkit/errors";

/**
 * Reads the file URL of a two-step download from the metadata response: `x-airbyte-file-url` is a dot path with
 * `name[index]` segments (not JSONPath), whose `{param}` placeholders are first filled from the params.
 */
export function resolveFileUrl(
  template: string,
  params: Readonly<Record<string, unknown>>,
  metadata: unknown,
  context: { entity: string; redactor: Redactor },
): string {
  const path = template.replace(/\{\s*(\w+)\s*\}/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) {
      throw new ResponseFormatError(
        `The download of ${context.entity} needs the '${name}' param to locate the file URL (${template}).`,
        { redactor: context.redactor },
      );
    }
    return String(value);
  });
  let current: unknown = metadata;
  for (const segment of path.split(".")) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(segment);
    if (!match) throw fileUrlError(path, `the segment '${segment}' is not a name or name[index]`, context);
    const [, name, indexes] = match;
    if (name) {
      if (current === null || typeof current !== "object" || Array.isArray(current) || !(name in current)) {
        throw fileUrlError(path, `'${name}' is missing`, context);
      }
      current = (current as Record<string, unknown>)[name];
    }
    for (const index of indexes!.matchAll(/\[(\d+)\]/g)) {
      const position = Number(index[1]);
      if (!Array.isArray(current) || position >= current.length) {
        throw fileUrlError(path, `index ${position} of '${name}' is out of range`, context);
      }
      current = current[position];
    }
  }
  if (typeof current !== "string" || current === "")
    throw fileUrlError(path, "the value is not a URL string", context);
  return current;
}

function fileUrlError(
  path: string,
  detail: string,
  context: { entity: string; redactor: Redactor },
): ResponseFormatError {
  return new ResponseFormatError(
    `Could not read the file URL of the ${context.entity} download at '${path}': ${detail}.`,
    {
      redactor: context.redactor,
    },
  );
}
