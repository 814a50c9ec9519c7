import { describe, expect, it } from "vitest";
import { parseJsonPath, queryJsonPath, readDotPath, setJsonPath, writeDotPath } from "./json-path";

describe("queryJsonPath", () => {
  const body = {
    data: [
      { id: 1, tags: ["a"] },
      { id: 2, tags: ["b"] },
    ],
    meta: { next: "n" },
    list: [{ customer: { id: "c" } }],
  };

  it("selects names, indexes and wildcards", () => {
    expect(queryJsonPath(body, "$")).toEqual([body]);
    expect(queryJsonPath(body, "$.meta.next")).toEqual(["n"]);
    expect(queryJsonPath(body, "$.data[*].id")).toEqual([1, 2]);
    expect(queryJsonPath(body, "$.data[1].tags[0]")).toEqual(["b"]);
    expect(queryJsonPath(body, "$.list[*].customer")).toEqual([{ id: "c" }]);
    expect(queryJsonPath(body, "$['meta']['next']")).toEqual(["n"]);
    expect(queryJsonPath(body, "$.missing.deeper")).toEqual([]);
  });

  it("treats [*] on an object as the object itself and .* as its values, like jsonpath-ng", () => {
    const grouped = { ip_address: [{ id: 1 }], visitor: [{ id: 2 }] };
    expect(queryJsonPath(grouped, "$[*][*]")).toEqual([grouped]);
    expect(queryJsonPath(grouped, "$.*")).toEqual([[{ id: 1 }], [{ id: 2 }]]);
  });

  it("rejects paths outside the supported subset", () => {
    expect(parseJsonPath("data.id")).toBeUndefined();
    expect(parseJsonPath("$..id")).toBeUndefined();
    expect(queryJsonPath(body, "$[?(@.id)]")).toEqual([]);
  });
});

describe("setJsonPath and dot paths", () => {
  it("creates the objects on the way and refuses wildcards", () => {
    const target: Record<string, unknown> = {};
    expect(setJsonPath(target, "$.data.page.cursor", "c1")).toBe(true);
    expect(target).toEqual({ data: { page: { cursor: "c1" } } });
    expect(setJsonPath(target, "$.items[*].id", 1)).toBe(false);
  });

  it("reads and writes x-airbyte-file-url paths with [n] steps", () => {
    const target: Record<string, unknown> = {};
    writeDotPath(target, "calls[0].media.audioUrl", "https://f/x");
    expect(target).toEqual({ calls: [{ media: { audioUrl: "https://f/x" } }] });
    expect(readDotPath(target, "calls[0].media.audioUrl")).toBe("https://f/x");
    expect(readDotPath(target, "calls[1].media")).toBeUndefined();
  });

  it("writes a file-url path that starts with an index into a top-level array (greenhouse's [0].url)", () => {
    const list: unknown[] = [];
    writeDotPath(list, "[0].url", "https://f/y");
    expect(list).toEqual([{ url: "https://f/y" }]);
    expect(readDotPath(list, "[0].url")).toBe("https://f/y");
  });
});
