import { Redactor, ResponseFormatError } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import type { TransportResponse } from "./http-transport";
import { parseJsonResponse } from "./parse-response";

const response = (text: string, contentType?: string): TransportResponse => ({
  status: 200,
  url: "https://api.test/x",
  headers: contentType === undefined ? {} : ({ "content-type": contentType } as Record<string, string>),
  text,
});

describe("parseJsonResponse", () => {
  const redactor = new Redactor();
  it("follows the reference's content-type rules", () => {
    expect(parseJsonResponse(response("  "), "GET", redactor)).toEqual({});
    expect(parseJsonResponse(response('{"a":1}', "application/vnd.api+json"), "GET", redactor)).toEqual({
      a: 1,
    });
    expect(parseJsonResponse(response("[1]"), "GET", redactor)).toEqual([1]);
    expect(parseJsonResponse(response('{"a":1}', "text/plain"), "GET", redactor)).toEqual({ a: 1 });
    expect(() =>
      parseJsonResponse(response("<html></html>", "text/html; charset=utf-8"), "GET", redactor),
    ).toThrow(/Expected JSON response from GET https:\/\/api.test\/x, got text\/html/);
    expect(() => parseJsonResponse(response("{oops", "application/json"), "GET", redactor)).toThrow(
      ResponseFormatError,
    );
  });
});
