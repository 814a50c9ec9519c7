import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ConnectorSpecError } from "@execkit/errors";
import { type Document, parseDocument, type YAMLError } from "yaml";
import type { ModelWarning } from "./model";
import { type Locator, yamlLocator } from "./yaml-locator";

/**
 * What `loadConnectorModel()` accepts: a path (or `file:` URL) to a connector.yaml, the YAML text itself, or a
 * document that was already parsed (from YAML or JSON).
 */
export type ConnectorSource = string | URL | Readonly<Record<string, unknown>>;

/** The parsed document and where it came from. */
export interface SpecDocument {
  readonly document: unknown;
  readonly file: string | undefined;
  readonly warnings: ModelWarning[];
  /** Finds a node's line and column; only for sources that were YAML text. */
  readonly locate?: Locator;
}

/**
 * Tells a path from YAML text. YAML text has a line break, starts a flow mapping, or opens with `key:`; a path
 * has none of these (a Windows drive letter `C:\` is followed by a backslash, not by a space).
 */
export function looksLikeYamlText(text: string): boolean {
  if (text.includes("\n")) return true;
  const start = text.trimStart();
  return start.startsWith("{") || /^[^\s:]+:(\s|$)/.test(start);
}

/** Reads and parses the source. Every failure is a `ConnectorSpecError`. */
export function readSpecSource(source: ConnectorSource, name: string | undefined): SpecDocument {
  if (source instanceof URL) {
    if (source.protocol !== "file:") {
      throw new ConnectorSpecError(
        `Only file: URLs can be loaded (got ${source.protocol}); fetch the definition yourself and pass its text.`,
        { file: source.href, pointer: "" },
      );
    }
    const path = fileURLToPath(source);
    return parseYamlText(readSpecFile(path), path);
  }
  if (typeof source === "string") {
    if (looksLikeYamlText(source)) return parseYamlText(source, name);
    return parseYamlText(readSpecFile(source), name ?? source);
  }
  return { document: cloneDocument(source, name), file: name, warnings: [] };
}

function readSpecFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "the file does not exist" : `it could not be read (${code ?? String(error)})`;
    throw new ConnectorSpecError(
      `Cannot load the connector definition: ${why}. Check the path.`,
      { file: path, pointer: "" },
      { cause: error },
    );
  }
}

const YAML_OPTIONS = {
  // `<<` merge keys are YAML 1.1, but PyYAML (which the reference uses) honours them, so real specs may too.
  merge: true,
  prettyErrors: true,
  // Errors and warnings are collected on the document (warnings become model warnings), never printed.
  // "silent" would drop the errors too.
  logLevel: "error",
} as const;

function parseYamlText(text: string, file: string | undefined): SpecDocument {
  const warnings: ModelWarning[] = [];
  let doc = parseDocument(text, YAML_OPTIONS);
  if (doc.errors.length > 0 && doc.errors.every((error) => error.code === "DUPLICATE_KEY")) {
    // PyYAML keeps the last of duplicated keys without a word, so real specs with one load in the reference.
    // Load them too (the last value wins, as there) but say so, since a duplicated path key hides operations.
    for (const error of doc.errors) warnings.push(yamlWarning("DUPLICATE_YAML_KEY", error));
    doc = parseDocument(text, { ...YAML_OPTIONS, uniqueKeys: false });
  }
  const error = doc.errors[0];
  if (error) throw syntaxError(error, file);
  for (const warning of doc.warnings) warnings.push(yamlWarning("YAML_WARNING", warning));
  return { document: toJs(doc, file), file, warnings, locate: yamlLocator(doc, text) };
}

function toJs(doc: Document.Parsed, file: string | undefined): unknown {
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // Alias bombs (`maxAliasCount`) and unresolvable aliases surface only here.
    throw new ConnectorSpecError(
      `The YAML cannot be turned into data: ${(error as Error).message}`,
      { file, pointer: "" },
      { cause: error },
    );
  }
}

function syntaxError(error: YAMLError, file: string | undefined): ConnectorSpecError {
  const where = error.linePos ? ` at line ${error.linePos[0].line}, column ${error.linePos[0].col}` : "";
  const reason = firstLine(error.message).replace(/ at line \d+, column \d+:?$/, "");
  return new ConnectorSpecError(
    `YAML syntax error${where}: ${reason}. Fix the YAML (a YAML linter shows the exact spot).`,
    { file, pointer: "" },
    { cause: error },
  );
}

function yamlWarning(code: string, error: YAMLError): ModelWarning {
  const where = error.linePos ? ` (line ${error.linePos[0].line}, column ${error.linePos[0].col})` : "";
  const reason = firstLine(error.message).replace(/ at line \d+, column \d+:?$/, "");
  const message =
    code === "DUPLICATE_YAML_KEY"
      ? `A YAML mapping repeats a key${where}; the last value wins: ${reason}`
      : `${reason}${where}`;
  return { code, message, pointer: "" };
}

function firstLine(text: string): string {
  const end = text.indexOf("\n");
  return end === -1 ? text : text.slice(0, end);
}

/**
 * Copies a caller's document so that freezing the model never freezes (or later sees changes to) the caller's
 * objects. `structuredClone` also rejects what is not data (functions, symbols) with a clear error.
 */
function cloneDocument(source: Readonly<Record<string, unknown>>, file: string | undefined): unknown {
  if (source === null || typeof source !== "object") return source;
  try {
    return structuredClone(source);
  } catch (error) {
    throw new ConnectorSpecError(
      `The connector definition object is not plain data (${(error as Error).message}); pass the parsed JSON or YAML.`,
      { file, pointer: "" },
      { cause: error },
    );
  }
}
