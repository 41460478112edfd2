import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
// Tests whose file name ends in .db.test.ts talk to a database: they run on in-memory PGlite,
// and again on a PostgreSQL server when TEST_DATABASE_URL is set (`npm run test:db`).
export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      "server-only": path.join(root, "lib/testing/empty-module.ts"),
      "client-only": path.join(root, "lib/testing/empty-module.ts"),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["{lib,app,components,scripts,bench}/**/*.test.{ts,tsx}"], exclude: ["**/*.db.test.ts", "**/node_modules/**"] },
      },
      {
        extends: true,
        test: { name: "db", include: ["{lib,app,scripts}/**/*.db.test.ts"], testTimeout: 60_000, hookTimeout: 60_000 },
      },
    ],
    testTimeout: 30_000,
    reporters: ["default", "json"],
    outputFile: { json: "test-results/vitest.json" },
  },
});
