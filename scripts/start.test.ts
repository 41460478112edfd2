import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "./lib/free-port";

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/start.ts"], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
}

describe("npm start with bad configuration", { timeout: 150_000 }, () => {
  it.each([
    [{ DATABASE_URL: "::not a url::" }, /^Parallax cannot start: DATABASE_URL is not a URL/],
    [{ DATABASE_URL: "mysql://root@localhost/x" }, /^Parallax cannot start: DATABASE_URL must start with postgresql:\/\//],
    [{ PORT: "http" }, /^Parallax cannot start: PORT /],
  ])("stops with one sentence naming the variable (%o)", (env, pattern) => {
    const result = start(env);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(pattern);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("stops with one sentence when DATA_DIR is not writable", () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "parallax-start-")), "file");
    writeFileSync(file, "");
    const result = start({ DATA_DIR: path.join(file, "data"), DATABASE_URL: "" });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^Parallax cannot start: DATA_DIR ".*" cannot be used as the data folder/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("npm run dev", () => {
  it("migrates, starts Next.js's dev server and answers", { timeout: 200_000 }, async () => {
    const port = await freePort();
    const dataDir = mkdtempSync(path.join(tmpdir(), "parallax-dev-"));
    const child = spawn(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/start.ts", "--dev"], {
      env: { ...process.env, PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, DATABASE_URL: "", PARALLAX_DEMO: "0", PARALLAX_ADMIN_PASSWORD: "dev-test-password" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    try {
      let health: { status?: string; database?: string } | undefined;
      for (let tries = 0; tries < 180 && !health && child.exitCode === null; tries++) {
        health = await fetch(`http://127.0.0.1:${port}/api/health`)
          .then((response) => (response.ok ? response.json() : undefined))
          .catch(() => undefined);
        if (!health) await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      expect(health, output).toMatchObject({ status: "ok", database: "embedded" });
      expect(output).toMatch(/migration\(s\) applied/);
    } finally {
      process.kill(-child.pid!, "SIGTERM");
    }
  });
});
