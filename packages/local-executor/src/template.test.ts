import { describe, expect, it } from "vitest";
import { renderStrict, UndefinedTemplateVariableError } from "./template";

const record = { isPrivate: false, meta: { owner: "ana", tags: ["a"], empty: null }, "odd key": 3 };
const render = (source: string) => renderStrict(source, { record, config: { region: "eu" } });
const failure = (source: string) => {
  try {
    render(source);
  } catch (error) {
    return error;
  }
  throw new Error(`expected ${source} to fail`);
};

describe("renderStrict", () => {
  it("fails on a missing field, however it is used, as Jinja's StrictUndefined does", () => {
    for (const source of ["{{ not record.missing }}", "{{ record.missing }}", "{{ record.missing == 1 }}"]) {
      const error = failure(source);
      expect(error, source).toBeInstanceOf(UndefinedTemplateVariableError);
      expect((error as Error).message).toContain("missing");
    }
    expect(render("{{ not record.isPrivate }}")).toBe("true");
  });

  it("lets `| default(…)` and `| d(…)` supply a missing last step, and keeps present values, null included", () => {
    expect(render("{{ not (record.missing | default(false)) }}")).toBe("true");
    expect(render("{{ record.meta.nickname | d('none') }}")).toBe("none");
    expect(render("{{ record.meta.owner | default('x') }}")).toBe("ana");
    expect(render("{{ record['odd key'] | default(0) }}")).toBe("3");
    expect(render("{{ record.meta.tags[0] | default('z') }}")).toBe("a");
    expect(render("{{ record.meta.tags[5] | default('z') }}")).toBe("z");
    expect(render("{{ record.meta.empty | default('x') is none }}")).toBe("true");
    expect(render("{{ config.zone | default(config.region) }}")).toBe("eu");
  });

  it("answers `is defined` and `is undefined` for a missing last step instead of failing", () => {
    expect(render("{{ record.missing is defined }}")).toBe("false");
    expect(render("{{ record.meta.owner is defined }}")).toBe("true");
    expect(render("{{ record.missing is undefined }}")).toBe("true");
    expect(render("{{ 'yes' if record.meta.owner is defined else 'no' }}")).toBe("yes");
  });

  it("still fails when a step before the last is missing, as Jinja does without ChainableUndefined", () => {
    const error = failure("{{ record.nothing.here | default(1) }}");
    expect(error).toBeInstanceOf(UndefinedTemplateVariableError);
    expect((error as Error).message).toBe("'record' has no attribute 'nothing'");
  });

  it("keeps a defaulted object strict below it", () => {
    const error = failure("{{ (record.meta | default({})).missing }}");
    expect(error).toBeInstanceOf(UndefinedTemplateVariableError);
  });

  it("leaves text that only looks like a lookup alone", () => {
    expect(render("{{ 'record.missing | default' }}")).toBe("record.missing | default");
  });
});

describe("renderStrict rewriting", () => {
  it("leaves text outside tags and string literals alone", () => {
    expect(renderStrict("record.a | default(1) {{ record.meta.owner }}", { record })).toBe(
      "record.a | default(1) ana",
    );
    expect(render('{{ "it\'s record.x | d(1)" }}')).toBe("it's record.x | d(1)");
  });
});
