import { readFile } from "node:fs/promises";

/**
 * Reading `results.json`, which Python's `json` module writes with the bare tokens `NaN`, `Infinity` and
 * `-Infinity` (they are how a float result such as `df.mean()` of an empty column comes out). Strict
 * `JSON.parse` rejects them, so this reader turns them into the JavaScript numbers they stand for.
 *
 * Differs from the reference: the reference read the file with a strict parser and failed on such results.
 */

const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};

/**
 * Parses JSON that may hold `NaN`, `Infinity` and `-Infinity` outside strings, as Python writes them.
 * Plain JSON takes the fast path through `JSON.parse`. Text inside strings is never touched.
 *
 * @throws SyntaxError when the text is not JSON even with those tokens allowed.
 */
export function parseTolerantJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (!/NaN|Infinity/.test(text)) throw error;
  }
  // A sentinel that is provably absent from the text, so no string value of the user's can be mistaken for it.
  let tag = `execkit_nonfinite_${Math.random().toString(36).slice(2)}`;
  while (text.includes(tag)) tag += "x";
  const replaced = replaceBareTokens(text, tag);
  return JSON.parse(replaced, (_key, value: unknown) => {
    if (typeof value === "string" && value.startsWith(tag)) {
      const token = value.slice(tag.length + 1);
      const number = NON_FINITE[token];
      if (number !== undefined) return number;
    }
    return value;
  });
}

// `-Infinity` first, so its minus sign is not left behind as a lone `-`.
const BARE_TOKENS = ["-Infinity", "Infinity", "NaN"] as const;

/** Replaces `NaN`, `Infinity` and `-Infinity` found outside string literals with tagged strings. */
function replaceBareTokens(text: string, tag: string): string {
  const out: string[] = [];
  let index = 0;
  let start = 0;
  const length = text.length;
  while (index < length) {
    const char = text[index];
    if (char === '"') {
      // Skip the whole string literal, honouring backslash escapes.
      index++;
      while (index < length && text[index] !== '"') index += text[index] === "\\" ? 2 : 1;
      index++;
      continue;
    }
    if (char !== "N" && char !== "I" && char !== "-") {
      index++;
      continue;
    }
    const token = BARE_TOKENS.find((candidate) => text.startsWith(candidate, index));
    if (token === undefined) {
      index++;
      continue;
    }
    // Only in value position (after `:`, `,`, `[` or at the start, before `,`, `}`, `]` or the end): a bare
    // token anywhere else is not JSON, and must still fail.
    if (!isValuePosition(text, index, index + token.length)) {
      index++;
      continue;
    }
    out.push(text.slice(start, index), `"${tag}:${token}"`);
    index += token.length;
    start = index;
  }
  out.push(text.slice(start));
  return out.join("");
}

function isValuePosition(text: string, from: number, to: number): boolean {
  let before = from - 1;
  while (before >= 0 && /\s/.test(text[before]!)) before--;
  let after = to;
  while (after < text.length && /\s/.test(text[after]!)) after++;
  const previous = before < 0 ? "" : text[before];
  const next = after >= text.length ? "" : text[after];
  return (
    (previous === "" || previous === ":" || previous === "," || previous === "[") &&
    (next === "" || next === "," || next === "}" || next === "]")
  );
}

/** What {@link readResultsFile} found. */
export interface ResultsFileContent {
  /** False when the file does not exist (the code did not assign `results`). */
  found: boolean;
  /** The parsed value; `undefined` when not found. */
  value: unknown;
}

/**
 * Reads and parses a `results.json` written by the wrapper, tolerating `NaN`/`Infinity`.
 *
 * @throws SyntaxError when the file exists but is not JSON; other read errors (permissions) as thrown by `fs`.
 */
export async function readResultsFile(path: string): Promise<ResultsFileContent> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { found: false, value: undefined };
    throw error;
  }
  return { found: true, value: parseTolerantJson(text) };
}
