import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

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
