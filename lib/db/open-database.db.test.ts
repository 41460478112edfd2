import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyMigrations } from "./migrate";
import { DatabaseBusyError, openDatabase } from "./open-database";
import { testDatabaseUrl } from "./test-database";

// These are about the embedded database itself: nothing to repeat on a PostgreSQL server run.
const embeddedOnly = Boolean(testDatabaseUrl());

const tempDir = () => mkdtempSync(path.join(tmpdir(), "parallax-db-"));

describe.skipIf(embeddedOnly)("embedded database (PGlite on disk)", () => {
  it("keeps its data across a close and a reopen", async () => {
    const dataDir = tempDir();
    const first = await openDatabase({ kind: "embedded", dataDir });
    await applyMigrations(first.sql);
    await first.prisma.researcher.create({ data: { email: "a@example.org", name: "A", passwordHash: "x" } });
    await first.close();

    const second = await openDatabase({ kind: "embedded", dataDir });
    expect(await second.prisma.researcher.count()).toBe(1);
    expect((await applyMigrations(second.sql)).applied).toEqual([]);
    await second.close();
  });

  it("keeps PostgreSQL's shared buffers small (they stay resident in PGlite's memory), also over a data folder made with the default", async () => {
    const dataDir = tempDir();
    const database = await openDatabase({ kind: "embedded", dataDir });
    const [row] = await database.sql.query<{ shared_buffers: string }>("SHOW shared_buffers");
    await database.close();
    expect(row?.shared_buffers).toBe("16MB");
    // initdb wrote PostgreSQL's default into the folder's postgresql.conf; the start parameters win.
    expect(readFileSync(path.join(dataDir, "pglite", "postgresql.conf"), "utf8")).toMatch(/^shared_buffers = 128MB/m);
  });

  it("refuses a data folder that another live process holds, naming the way out", async () => {
    const dataDir = tempDir();
    const holder = spawnSync("sh", ["-c", "sleep 30 >/dev/null 2>&1 & echo $!"]).stdout.toString().trim();
    writeFileSync(path.join(dataDir, "database.lock"), holder);
    try {
      await expect(openDatabase({ kind: "embedded", dataDir })).rejects.toBeInstanceOf(DatabaseBusyError);
      await expect(openDatabase({ kind: "embedded", dataDir })).rejects.toThrow(/in use by another Parallax process .*--server URL/);
    } finally {
      process.kill(Number(holder));
    }
  });

  it("takes over a lock left by a process that died (kill -9)", async () => {
    const dataDir = tempDir();
    writeFileSync(path.join(dataDir, "database.lock"), "999999");
    const db = await openDatabase({ kind: "embedded", dataDir });
    await db.close();
  });
});

describe.skipIf(embeddedOnly)("npm run db:migrate on the embedded database", () => {
  it("applies the migrations once; a second run applies nothing", () => {
    const dataDir = tempDir();
    const run = () =>
      spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/db-migrate.ts"], {
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: "" },
        encoding: "utf8",
      });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^[1-9]\d* migration\(s\) applied, 0 already applied\./m);
    const second = run();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^0 migration\(s\) applied, [1-9]\d* already applied\./m);
  });
});
