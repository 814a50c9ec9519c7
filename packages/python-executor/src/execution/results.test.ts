import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseTolerantJson, readResultsFile } from "./results";

describe("parseTolerantJson", () => {
  it("parses plain JSON on the fast path", () => {
    expect(parseTolerantJson('{"a": [1, 2.5, "x", null, true]}')).toEqual({ a: [1, 2.5, "x", null, true] });
  });

  it("turns Python's NaN, Infinity and -Infinity into numbers", () => {
    const value = parseTolerantJson(
      '{"n": NaN, "i": Infinity, "m": -Infinity, "l": [NaN, 1, -Infinity]}',
    ) as {
      n: number;
      i: number;
      m: number;
      l: number[];
    };
    expect(value.n).toBeNaN();
    expect(value.i).toBe(Number.POSITIVE_INFINITY);
    expect(value.m).toBe(Number.NEGATIVE_INFINITY);
    expect(value.l[0]).toBeNaN();
    expect(value.l.slice(1)).toEqual([1, Number.NEGATIVE_INFINITY]);
  });

  it("never touches the tokens inside strings, escaped quotes included", () => {
    const value = parseTolerantJson('{"s": "NaN \\" Infinity -Infinity", "NaN": NaN, "t": "\\\\"}') as Record<
      string,
      unknown
    >;
    expect(value.s).toBe('NaN " Infinity -Infinity');
    expect(value.NaN).toBeNaN();
    expect(value.t).toBe("\\");
  });

  it("still rejects text that is not JSON", () => {
    expect(() => parseTolerantJson("{NaN: 1}")).toThrow(SyntaxError);
    expect(() => parseTolerantJson("{'a': 1}")).toThrow(SyntaxError);
    expect(() => parseTolerantJson("NaNx")).toThrow(SyntaxError);
  });
});

describe("readResultsFile", () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it("reports a missing file as not found and parses an existing one", async () => {
    const dir = await mkdtemp(join(tmpdir(), "execkit-results-"));
    dirs.push(dir);
    expect(await readResultsFile(join(dir, "results.json"))).toEqual({ found: false, value: undefined });
    await writeFile(join(dir, "results.json"), '{"mean": NaN}');
    const read = await readResultsFile(join(dir, "results.json"));
    expect(read.found).toBe(true);
    expect((read.value as { mean: number }).mean).toBeNaN();
  });
});
