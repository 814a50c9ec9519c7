import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ContainerConfigurationError } from "@execkit/errors";
import type { SqliteSaver } from "@langchain/langgraph-checkpoint-sqlite";

const PACKAGE = "@langchain/langgraph-checkpoint-sqlite";

/**
 * Opens a SQLite checkpointer on `path`. The SQLite package (and its native better-sqlite3 build) is an optional
 * peer dependency, loaded only by services that ask for a SQLite file, so users of the in-memory default never
 * install a native module.
 */
export function openSqliteCheckpointer(path: string): SqliteSaver {
  let module: typeof import("@langchain/langgraph-checkpoint-sqlite");
  try {
    module = requireFromHere()(PACKAGE);
  } catch (error) {
    throw new ContainerConfigurationError(
      `checkpointer.sqlitePath needs the optional package ${PACKAGE}: install it next to @execkit/python-executor ` +
        `(e.g. \`pnpm add ${PACKAGE}\`).`,
      { configKey: "checkpointer.sqlitePath", cause: error },
    );
  }
  try {
    return module.SqliteSaver.fromConnString(path);
  } catch (error) {
    throw new ContainerConfigurationError(
      `Cannot open the SQLite checkpoint file ${path}: ${(error as Error).message}`,
      {
        configKey: "checkpointer.sqlitePath",
        cause: error,
      },
    );
  }
}

/** A `require` that resolves from this package: from `__filename` in both builds (see tsup's `shims`), else `import.meta.url`. */
function requireFromHere(): NodeJS.Require {
  if (typeof __filename === "string" && __filename.length > 0) return createRequire(__filename);
  return createRequire(import.meta.url ?? pathToFileURL(join(process.cwd(), "index.js")).href);
}
