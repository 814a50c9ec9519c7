import { type Document, isNode } from "yaml";
import { splitPointer } from "./json-pointer";

/** A 1-based line and column in the YAML text. */
export interface TextPosition {
  readonly line: number;
  readonly column: number;
}

/** Finds where a JSON pointer's node is written in the YAML text. */
export type Locator = (pointer: string) => TextPosition | undefined;

/**
 * Builds a locator over a parsed YAML document. It is used only when a load fails, so its work (walking the
 * syntax tree and counting line breaks) costs nothing on the success path. A pointer to a missing key is located
 * at its nearest existing ancestor, which is where the key has to be added.
 */
export function yamlLocator(doc: Document.Parsed, text: string): Locator {
  return (pointer) => {
    const segments = splitPointer(pointer);
    for (let length = segments.length; length >= 0; length--) {
      let node: unknown;
      try {
        node = length === 0 ? doc.contents : doc.getIn(segments.slice(0, length), true);
      } catch {
        continue;
      }
      if (isNode(node) && node.range) return positionOf(text, node.range[0]);
    }
    return undefined;
  };
}

function positionOf(text: string, offset: number): TextPosition {
  let line = 1;
  let lineStart = 0;
  for (
    let index = text.indexOf("\n");
    index !== -1 && index < offset;
    index = text.indexOf("\n", index + 1)
  ) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
