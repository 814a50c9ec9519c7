import type { ConnectorModel, OperationModel } from "@execkit/core";

/** One operation's route: its method and a regex of its request path. */
export interface OperationRoute {
  readonly operation: OperationModel;
  readonly method: string;
  readonly pattern: RegExp;
  readonly pathParams: readonly string[];
  /** Literal characters of the template: more literal text means a more specific route. */
  readonly specificity: number;
  /** For GraphQL operations: a regex of the query text with `{{ fields }}` as a wildcard. */
  readonly graphqlQuery?: RegExp;
}

/** A route that matched a request, with the decoded path params. */
export interface RouteMatch {
  readonly route: OperationRoute;
  readonly pathParams: Record<string, string>;
}

/** Builds a route per operation of the model. */
export function buildRoutes(model: ConnectorModel): OperationRoute[] {
  return model.operations.map((operation) => {
    const template = operation.requestPath.split("?")[0]!.replace(/\/+$/, "") || "/";
    const pathParams: string[] = [];
    let source = "";
    let specificity = 0;
    for (const part of template.split(/(\{\w+\})/)) {
      const placeholder = /^\{(\w+)\}$/.exec(part);
      if (placeholder) {
        pathParams.push(placeholder[1]!);
        source += "([^/]+?)";
      } else {
        specificity += part.length;
        source += escapeRegex(part);
      }
    }
    const graphql = operation.requestBody?.graphql;
    return {
      operation,
      method: operation.method,
      pattern: new RegExp(`^${source}/?$`),
      pathParams,
      specificity,
      ...(graphql ? { graphqlQuery: graphqlQueryPattern(graphql.query) } : {}),
    };
  });
}

/** Every route whose method and path match, trying the path with and without each base path prefix. */
export function matchRoutes(
  routes: readonly OperationRoute[],
  method: string,
  pathname: string,
  basePaths: readonly string[],
): RouteMatch[] {
  const candidates = new Set<string>();
  for (const base of basePaths) {
    if (base && (pathname === base || pathname.startsWith(`${base}/`)))
      candidates.add(pathname.slice(base.length) || "/");
  }
  candidates.add(pathname);
  const matches: RouteMatch[] = [];
  for (const path of candidates) {
    for (const route of routes) {
      if (route.method !== method.toUpperCase()) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const pathParams: Record<string, string> = {};
      route.pathParams.forEach((name, i) => {
        pathParams[name] = safeDecode(found[i + 1]!);
      });
      if (!matches.some((m) => m.route === route)) matches.push({ route, pathParams });
    }
    if (matches.length > 0) break;
  }
  return matches.sort((a, b) => b.route.specificity - a.route.specificity);
}

function graphqlQueryPattern(query: string): RegExp {
  const parts = query.split(/\{\{\s*fields\s*\}\}/);
  const source = parts
    .map((part) => escapeRegex(normalizeWhitespace(part)).replace(/ /g, "\\s*"))
    .join("[\\s\\S]*?");
  return new RegExp(`^\\s*${source}\\s*$`);
}

/** Collapses runs of whitespace, so a query re-indented by the executor still matches. */
export function normalizeWhitespace(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
