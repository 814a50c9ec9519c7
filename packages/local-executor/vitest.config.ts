import { defineProject } from "vitest/config";
import { workspaceSourceAliases } from "../../vitest.shared";

export default defineProject({
  resolve: { alias: workspaceSourceAliases },
  test: { name: "@execkit/local-executor", testTimeout: 30_000, hookTimeout: 60_000 },
});
