// biome-ignore-all lint/suspicious/noTemplateCurlyInString: auth_mapping templates are literal `${var}` text.
import { Secret } from "@execkit/core";
import { InvalidConfigurationError, MissingCredentialsError, Redactor } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { acmeModel } from "../../test/acme-spec";
import { AuthSession } from "./auth-session";
import {
  assertCredentialsComplete,
  mapCredentials,
  revealCredentials,
  selectSecurityScheme,
} from "./credentials";

const multi = acmeModel("http://127.0.0.1:1", { type: "multi" });

describe("auth mapping", () => {
  it("renders ${var} templates and reveals Secrets", () => {
    const [, basic] = multi.securitySchemes;
    const provided = revealCredentials({ email: "me@x.io", api_token: new Secret("tok-1"), unused: null });
    expect(provided).toEqual({ email: "me@x.io", api_token: "tok-1" });
    expect(mapCredentials(basic!, provided)).toEqual({ username: "me@x.io/token", password: "tok-1" });
  });

  it("skips optional OAuth fields and keeps properties used only by additional headers", () => {
    const oauth = acmeModel("http://127.0.0.1:1", { type: "oauth2", refreshUrl: "http://127.0.0.1:1/t" })
      .securitySchemes[0]!;
    expect(mapCredentials(oauth, { refresh_token: "r" })).toEqual({ refresh_token: "r" });
    const withHeaders = {
      ...oauth,
      authConfig: { ...oauth.authConfig!, additionalHeaders: { "developer-token": "{{ developer_token }}" } },
    };
    expect(mapCredentials(withHeaders, { refresh_token: "r", developer_token: "d", stray: "s" })).toEqual({
      refresh_token: "r",
      developer_token: "d",
    });
  });

  it("names missing required credentials", () => {
    const [bearer] = multi.securitySchemes;
    expect(() => mapCredentials(bearer!, {})).toThrow(MissingCredentialsError);
    expect(() => assertCredentialsComplete(bearer!, {})).toThrow(/missing credentials: api_key/);
  });
});

describe("multi-auth selection", () => {
  it("picks by the credentials given, or by authScheme", () => {
    expect(selectSecurityScheme(multi, { api_key: "k" }, undefined).name).toBe("bearerAuth");
    expect(selectSecurityScheme(multi, { email: "e", api_token: "t" }, undefined).name).toBe("basicAuth");
    expect(selectSecurityScheme(multi, { api_key: "k", email: "e", api_token: "t" }, "basicAuth").name).toBe(
      "basicAuth",
    );
  });

  it("explains ambiguity, no match and unknown names", () => {
    expect(() =>
      selectSecurityScheme(multi, { api_key: "k", email: "e", api_token: "t" }, undefined),
    ).toThrow(/match several auth schemes \(bearerAuth, basicAuth\)/);
    expect(() => selectSecurityScheme(multi, { other: "x" }, undefined)).toThrow(
      /bearerAuth \(needs api_key\); basicAuth \(needs email, api_token\)/,
    );
    expect(() => selectSecurityScheme(multi, {}, "nope")).toThrow(InvalidConfigurationError);
  });
});

describe("AuthSession headers", () => {
  it("applies additional headers after the main one (they may override Authorization)", async () => {
    const oauth = acmeModel("http://127.0.0.1:1", { type: "oauth2", refreshUrl: "http://127.0.0.1:1/t" })
      .securitySchemes[0]!;
    const scheme = {
      ...oauth,
      authConfig: {
        ...oauth.authConfig!,
        additionalHeaders: { Authorization: "Zoho-oauthtoken {{ access_token }}", "X-Missing": "{{ nope }}" },
      },
    };
    const session = new AuthSession({
      scheme,
      secrets: { access_token: "at-1" },
      configValues: {},
      redactor: new Redactor(),
      sendTokenRequest: async () => ({ status: 500, headers: {}, text: "" }),
    });
    expect((await session.material()).headers).toEqual({
      Authorization: "Zoho-oauthtoken at-1",
      "X-Missing": "",
    });
  });
});
