import { InvalidParameterError, Redactor } from "@execkit/errors";
import { describe, expect, it } from "vitest";
import { acmeModel } from "../../test/acme-spec";
import { buildQuery, buildRequest, collectBodyFields } from "./build-request";
import { flattenFormFields, quotePathSegment } from "./encode";
import { buildGraphqlBody, expandFieldSelection } from "./graphql-body";
import { buildMultipartRelated } from "./multipart";

const model = acmeModel("http://127.0.0.1:1");
const op = (entity: string, action: string) =>
  model.operations.find((o) => o.entity === entity && o.action === action)!;
const redactor = new Redactor();

describe("encoding", () => {
  it("quotes path segments like Python's quote(safe='')", () => {
    expect(quotePathSegment("a/b c!*'()~._-")).toBe("a%2Fb%20c%21%2A%27%28%29~._-");
    expect(quotePathSegment("ü")).toBe("%C3%BC");
  });

  it("flattens form bodies into bracket keys", () => {
    expect(
      flattenFormFields({ metadata: { k: "v" }, items: [{ price: "p", qty: 2 }], flag: true, skip: null }),
    ).toEqual([
      ["metadata[k]", "v"],
      ["items[0][price]", "p"],
      ["items[0][qty]", "2"],
      ["flag", "true"],
    ]);
  });
});

describe("buildRequest", () => {
  it("omits null query values (fix 7), repeats arrays and expands deepObject", () => {
    const list = op("items", "list");
    expect(
      buildQuery(list, { limit: 3, cursor: null, status: undefined, created: { gte: 1, lte: 5 } }, {}),
    ).toEqual([
      ["limit", "3"],
      ["created[gte]", "1"],
      ["created[lte]", "5"],
    ]);
  });

  it("sends the default of a required query param the caller left out, never of an optional one", () => {
    const list = op("items", "list");
    const withRequired = {
      ...list,
      parameters: [
        ...list.parameters,
        {
          name: "q",
          in: "query" as const,
          required: true,
          schema: { type: "string" },
          default: "search",
          pointer: "",
        },
      ],
    };
    expect(buildQuery(withRequired, { limit: 1 }, {})).toEqual([
      ["limit", "1"],
      ["q", "search"],
    ]);
    expect(buildQuery(withRequired, { q: "custom" }, {})).toEqual([["q", "custom"]]);
  });

  it("fills header params from defaults and overlays body defaults", () => {
    const get = buildRequest(op("items", "get"), { item_id: "x/y" }, { configValues: {}, redactor });
    expect(get).toEqual({
      method: "GET",
      path: "/items/x%2Fy",
      query: [],
      headers: { "X-Api-Version": "2024-01-01" },
    });
    expect(collectBodyFields(op("items", "create"), { name: "n", owner: null, unknown: 1 })).toEqual({
      kind: "basic",
      name: "n",
    });
  });

  it("builds multipart/related uploads and rejects bad base64", () => {
    const body = buildMultipartRelated({ name: "a" }, Buffer.from("hi"), "text/plain", "B");
    expect(body.toString()).toBe(
      '--B\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{"name":"a"}\r\n--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n--B--\r\n',
    );
    const upload = {
      ...op("items", "create"),
      requestBody: {
        ...op("items", "create").requestBody!,
        contentType: "multipart/related",
        fields: ["name", "owner", "file_content"],
      },
    };
    const built = buildRequest(
      upload,
      { name: "n", owner: "o", file_content: Buffer.from("bytes").toString("base64") },
      { configValues: {}, redactor, boundary: "XX" },
    );
    expect(built.headers["Content-Type"]).toBe("multipart/related; boundary=XX");
    expect(String(built.body)).toContain("\r\n\r\nbytes\r\n--XX--");
    expect(() =>
      buildRequest(
        upload,
        { name: "n", owner: "o", file_content: "not base64!" },
        { configValues: {}, redactor },
      ),
    ).toThrow(InvalidParameterError);
  });
});

describe("GraphQL bodies", () => {
  const base = op("items", "list");
  const graphqlOp = {
    ...base,
    requestBody: {
      contentType: "application/json",
      contentTypes: ["application/json"],
      required: false,
      fields: [],
      requiredFields: [],
      defaults: {},
      graphql: {
        type: "graphql" as const,
        query: "query($id: ID!, $first: Int, $assignee: ID) { item(id: $id) { {{ fields }} } }",
        variables: {
          id: "{{ item_id }}",
          first: "{{ limit }}",
          assignee: "{{ assignee }}",
          label: "item-{{ item_id }}",
        },
        defaultFields: ["id", "owner.login", "owner.id"],
        nullableVariables: ["assignee"],
      },
    },
  };

  it("expands field selections and keeps typed variables", () => {
    expect(expandFieldSelection(["id", "owner.login", "owner.id"])).toBe("id owner { login id }");
    expect(buildGraphqlBody(graphqlOp, graphqlOp.requestBody.graphql, { item_id: "i1", limit: 5 })).toEqual({
      query: "query($id: ID!, $first: Int, $assignee: ID) { item(id: $id) { id owner { login id } } }",
      variables: { id: "i1", first: 5, label: "item-i1" },
    });
  });

  it("sends nullable variables as null when their param is null (fix 5), drops other nulls", () => {
    const body = buildGraphqlBody(graphqlOp, graphqlOp.requestBody.graphql, {
      item_id: "i1",
      assignee: null,
      limit: null,
      fields: ["name"],
    });
    expect(body).toEqual({
      query: "query($id: ID!, $first: Int, $assignee: ID) { item(id: $id) { name } }",
      variables: { id: "i1", assignee: null, label: "item-i1" },
    });
  });

  it("keeps GraphQL params out of the URL (fix 8)", () => {
    const built = buildRequest(graphqlOp, { item_id: "i1", limit: 2 }, { configValues: {}, redactor });
    expect(built.query).toEqual([]);
    expect(built.headers["Content-Type"]).toBe("application/json");
  });
});
