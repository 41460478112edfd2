// Browser tests: real Chromium (Debian's /usr/bin/chromium, or CHROMIUM_PATH), against the app
// served by `npm start` on a free port with a throw-away DATA_DIR, on a desktop and two phone profiles.
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { defineConfig, devices } from "@playwright/test";

// Chosen once in the main process; workers inherit the environment.
process.env.PARALLAX_E2E_PORT ??= execFileSync(process.execPath, [
  "-e",
  "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})",
])
  .toString()
  .trim();
process.env.PARALLAX_E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), "parallax-e2e-"));

export const E2E_ADMIN_PASSWORD = "e2e-admin-password";
export const E2E_ADMIN_TOKEN = "e2e-admin-token-0123456789abcdef";
const port = Number(process.env.PARALLAX_E2E_PORT);
const baseURL = `http://127.0.0.1:${port}`;
const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

const iPhoneOnChromium = {
  ...devices["iPhone 14"],
  defaultBrowserType: "chromium" as const,
  browserName: "chromium" as const,
};

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results/e2e-artifacts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: { executablePath: chromium, args: CHROMIUM_ARGS },
  },
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], viewport: { width: 1440, height: 900 } } },
    { name: "android", use: { ...devices["Pixel 7"] }, grep: /@phone/ },
    { name: "iphone", use: iPhoneOnChromium, grep: /@phone/ },
  ],
  webServer: {
    command: "node node_modules/tsx/dist/cli.mjs --conditions=react-server scripts/start.ts",
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 600_000,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: process.env.PARALLAX_E2E_DATA_DIR,
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? "",
      PARALLAX_ADMIN_PASSWORD: E2E_ADMIN_PASSWORD,
      PARALLAX_ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
