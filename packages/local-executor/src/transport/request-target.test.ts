import { describe, expect, it } from "vitest";
import { toRequestTarget } from "./request-target";

/** What undici would have sent had it parsed the URL itself. */
function viaUrl(url: string) {
  const parsed = new URL(url);
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

describe("toRequestTarget", () => {
  it.each([
    "http://127.0.0.1:8080/api/items?limit=100",
    "https://api.example.com/v1/customers/cus_1%2F2?expand%5B%5D=x&a=b",
    "https://API.Example.com:443/v1",
    "http://example.com:80/x",
    "https://example.com",
    "https://example.com?x=1",
    "https://example.com/a/./b/../c",
    "https://example.com/a/..",
    "https://example.com/has space/é?q=a b",
    "https://example.com/a#fragment",
    "https://user:pass@example.com/private",
    'https://example.com/quote"<>`{}',
    "https://example.com\\evil/path",
    "HTTPS://EXAMPLE.COM/Upper?Q=1",
    "https://example.com/a'b?c='d'",
    "http://[::1]:8080/v1/items?cursor=abc%3D%3D",
    "https://example.com/v1/items?filter[status]=open",
  ])("gives what new URL() gives for %s", (url) => {
    expect(toRequestTarget(url)).toEqual(viaUrl(url));
  });

  it("rejects what URL rejects", () => {
    expect(() => toRequestTarget("not a url")).toThrow(TypeError);
    expect(() => toRequestTarget("/relative/path")).toThrow(TypeError);
  });
});
