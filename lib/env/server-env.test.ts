import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, ensureDataDir, parseServerEnv } from "./server-env";

describe("parseServerEnv", () => {
  it("defaults to the embedded database under ./data on port 3000", () => {
    const env = parseServerEnv({});
    expect(env.databaseKind).toBe("embedded");
    expect(env.PORT).toBe(3000);
    expect(env.dataDir).toBe(path.resolve("./data"));
    expect(env.PARALLAX_DEMO).toBe(true);
  });

  it("uses PostgreSQL when DATABASE_URL names a server", () => {
    const env = parseServerEnv({ DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/test" });
    expect(env.databaseKind).toBe("postgresql");
  });

  it.each([
    ["DATABASE_URL", "not a url at all", /DATABASE_URL is not a URL/],
    ["DATABASE_URL", "mysql://root@localhost/db", /DATABASE_URL must start with postgresql:\/\//],
    ["PORT", "eighty", /^PORT .*\(value: "eighty"\)/],
    ["PARALLAX_DEMO", "maybe", /^PARALLAX_DEMO /],
  ])("rejects %s=%s with one sentence naming the variable", (name, value, pattern) => {
    let caught: unknown;
    try {
      parseServerEnv({ [name]: value });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as Error).message).toMatch(pattern);
    expect((caught as Error).message.split("\n")).toHaveLength(1);
  });

  it("never echoes a database URL (it may hold a password)", () => {
    expect(() => parseServerEnv({ DATABASE_URL: "mysql://u:secret@h/db" })).toThrow(/^(?!.*secret).*$/);
  });
});

describe("ensureDataDir", () => {
  it("creates the folder", () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "parallax-env-")), "a", "b");
    ensureDataDir({ dataDir: dir });
  });

  it("names DATA_DIR when the folder cannot be created", () => {
    const parent = mkdtempSync(path.join(tmpdir(), "parallax-env-"));
    const file = path.join(parent, "file");
    writeFileSync(file, "x");
    expect(() => ensureDataDir({ dataDir: path.join(file, "data") })).toThrow(/^DATA_DIR .* cannot be used .*\(ENOTDIR\)/);
    expect(() => ensureDataDir({ dataDir: file })).toThrow(/^DATA_DIR .* cannot be used/);
  });

  it("returns (with a clear error) on paths where recursive mkdir would never return", () => {
    expect(() => ensureDataDir({ dataDir: "/proc/parallax-nope/data" })).toThrow(/^DATA_DIR .* cannot be used/);
  });
});
