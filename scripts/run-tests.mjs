// `npm test`: unit and database tests (Vitest), then browser tests (Playwright), then one line
// "N passed, N failed, N skipped" over both. Options: --unit-only, --db-only (Vitest's db project).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";

const args = new Set(process.argv.slice(2));
const dbOnly = args.has("--db-only");
const unitOnly = args.has("--unit-only") || dbOnly;
const label = process.env.PARALLAX_TEST_LABEL ?? (dbOnly ? "db" : "all");
const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

if (!unitOnly && !existsSync(chromium)) {
  console.error(
    `Chromium is missing at ${chromium}: the browser tests need it. Install it with\n` +
      "  sudo apt-get install -y chromium\n" +
      "or point CHROMIUM_PATH at a Chromium binary (Playwright cannot download browsers here).",
  );
  process.exit(1);
}

mkdirSync("test-results", { recursive: true });
const run = (command, commandArgs, extraEnv = {}) =>
  spawnSync(process.execPath, [command, ...commandArgs], { stdio: "inherit", env: { ...process.env, ...extraEnv } }).status ?? 1;
const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined);

const totals = { passed: 0, failed: 0, skipped: 0 };
let exitCode = 0;

rmSync("test-results/vitest.json", { force: true });
const vitestStatus = run("node_modules/vitest/vitest.mjs", ["run", ...(dbOnly ? ["--project", "db"] : [])]);
const vitest = readJson("test-results/vitest.json");
if (vitest) {
  totals.passed += vitest.numPassedTests;
  totals.failed += vitest.numFailedTests + (vitest.numFailedTestSuites > 0 && vitest.numFailedTests === 0 ? vitest.numFailedTestSuites : 0);
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests;
} else if (vitestStatus !== 0) totals.failed += 1;
if (vitestStatus !== 0) exitCode = 1;

if (!unitOnly) {
  rmSync("test-results/playwright.json", { force: true });
  const playwrightStatus = run("node_modules/@playwright/test/cli.js", ["test"]);
  const report = readJson("test-results/playwright.json");
  if (report) {
    totals.passed += report.stats.expected + report.stats.flaky;
    totals.failed += report.stats.unexpected;
    totals.skipped += report.stats.skipped;
    if (report.errors?.length && report.stats.unexpected === 0) totals.failed += report.errors.length;
  } else if (playwrightStatus !== 0) totals.failed += 1;
  if (playwrightStatus !== 0) exitCode = 1;
}

writeFileSync(`test-results/summary-${label}.json`, JSON.stringify(totals));
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(exitCode || (totals.failed > 0 ? 1 : 0));
