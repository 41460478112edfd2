// The embedded database in its worker thread (./threaded-pglite.ts) must behave as an in-process
// PGlite for everything Parallax does with it — Prisma, raw SQL, named statements, transactions,
// PostgreSQL's errors with their codes — while its statements run off the main thread.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { messages } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "./migrate";
import { openDatabase, PGLITE_START_PARAMS, type Database } from "./open-database";
import { testDatabaseUrl } from "./test-database";
import { ThreadedPGlite } from "./threaded-pglite";

describe.skipIf(Boolean(testDatabaseUrl()))("embedded database in a worker thread", () => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase({ kind: "memory", thread: true });
    await applyMigrations(db.sql);
  }, 60_000);
  afterAll(() => db?.close());

  it("serves Prisma and raw SQL, with PGlite's type parsers (arrays, dates, JSON)", async () => {
    await db.prisma.researcher.create({ data: { email: "t@example.org", name: "T", passwordHash: "x" } });
    expect(await db.prisma.researcher.findUnique({ where: { email: "t@example.org" }, select: { name: true } })).toEqual({ name: "T" });
    const [row] = await db.sql.query<{ a: number[]; d: Date; j: unknown }>(`SELECT ARRAY[1, 2, NULL]::int[] AS a, timestamptz '2026-01-02 03:04:05Z' AS d, '{"k": [1]}'::jsonb AS j`);
    expect(row).toEqual({ a: [1, 2, null], d: new Date("2026-01-02T03:04:05Z"), j: { k: [1] } });
    // Results of any size (an instability report reads hundreds of thousands of predictions).
    const many = await db.sql.query<{ g: number }>(`SELECT g FROM generate_series(1, 300000) g`);
    expect(many).toHaveLength(300000);
    expect(many[299999]).toEqual({ g: 300000 });
    // Named statements (the upload's hot path) are prepared once and reused.
    for (const n of [1, 2, 3]) expect(await db.sql.query(`SELECT $1::int + 1 AS n`, [n], { name: "threaded-test" })).toEqual([{ n: n + 1 }]);
  });

  it("commits and rolls back transactions", async () => {
    await db.sql.exec(`CREATE TABLE threaded_t (v int PRIMARY KEY)`);
    await db.sql.transaction(async (tx) => {
      await tx.query(`INSERT INTO threaded_t VALUES (1)`);
    });
    await expect(
      db.sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO threaded_t VALUES (2)`);
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await expect(
      db.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`INSERT INTO threaded_t VALUES (3)`);
        throw new Error("again");
      }),
    ).rejects.toThrow("again");
    expect(await db.sql.query(`SELECT v FROM threaded_t ORDER BY v`)).toEqual([{ v: 1 }]);
  });

  it("raises PostgreSQL's errors with their fields, as Prisma and our callers read them", async () => {
    const error = await db.sql.query(`INSERT INTO threaded_t VALUES (1)`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(messages.DatabaseError);
    expect(error).toMatchObject({ code: "23505", constraint: "threaded_t_pkey", severity: "ERROR" });
    await expect(db.prisma.researcher.create({ data: { email: "t@example.org", name: "again", passwordHash: "x" } })).rejects.toMatchObject({ code: "P2002" });
    const prepared = await db.sql.query(`INSERT INTO threaded_t VALUES ($1)`, [1], { name: "threaded-error" }).catch((e: unknown) => e);
    expect(prepared).toBeInstanceOf(messages.DatabaseError);
    expect(prepared).toMatchObject({ code: "23505", constraint: "threaded_t_pkey", query: `INSERT INTO threaded_t VALUES ($1)`, params: [1] });
    await expect(db.sql.exec(`SELECT * FROM no_such_table`)).rejects.toMatchObject({ code: "42P01" });
    // The session is usable afterwards.
    expect(await db.sql.query(`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
  });

  it("runs statements in the order they were sent, never inside another caller's open transaction", async () => {
    await db.sql.exec(`CREATE TABLE threaded_order (pos int GENERATED ALWAYS AS IDENTITY, label text NOT NULL)`);
    const insert = `INSERT INTO threaded_order (label) VALUES ($1) RETURNING label`;
    let during: Array<Promise<unknown>> = [];
    await expect(
      db.sql.transaction(async (tx) => {
        await tx.query(insert, ["rolled back"]);
        // Sent while the transaction is open: they wait for it instead of joining it.
        during = [db.sql.query(insert, ["after the transaction, plain"]), db.sql.query(insert, ["after the transaction, prepared"], { name: "threaded-order" })];
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await Promise.all(during);
    // Forty at once, plain and prepared, none awaited before the next is sent; Prisma's in between
    // (its engine sends them a little later).
    const labels = Array.from({ length: 40 }, (_, i) => `statement ${i}`);
    const viaPrisma = Array.from({ length: 10 }, (_, i) => `through Prisma ${i}`);
    const answers = await Promise.all([
      ...labels.map((label, i) => db.sql.query<{ label: string }>(insert, [label], i % 2 ? { name: "threaded-order" } : {}).then((rows) => rows[0]!.label)),
      ...viaPrisma.map((label) => db.prisma.$queryRawUnsafe<Array<{ label: string }>>(insert, label).then((rows) => rows[0]!.label)),
    ]);
    expect(answers).toEqual([...labels, ...viaPrisma]);
    const stored = (await db.sql.query<{ label: string }>(`SELECT label FROM threaded_order ORDER BY pos`)).map((row) => row.label);
    expect(stored.slice(0, 2)).toEqual(["after the transaction, plain", "after the transaction, prepared"]);
    expect(stored.filter((label) => label.startsWith("statement"))).toEqual(labels);
    expect(stored.filter((label) => label.startsWith("through Prisma")).sort()).toEqual([...viaPrisma].sort());
  });

  it("sends a statement while the one before it still runs, and closes after both", async () => {
    const client = (await ThreadedPGlite.create(undefined, { startParams: PGLITE_START_PARAMS })) as unknown as ThreadedPGlite;
    let slowDone = false;
    const slow = client.query(`SELECT pg_sleep(1)`).then(() => (slowDone = true));
    const quick = client.query<{ one: number }>(`SELECT 1 AS one`);
    for (let i = 0; i < 200 && client.callsInFlight < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    // Both are in the worker's queue: the second was not held back until the first answered.
    expect(slowDone).toBe(false);
    expect(client.callsInFlight).toBe(2);
    const closed = client.close();
    await slow;
    expect((await quick).rows).toEqual([{ one: 1 }]);
    await closed;
  });

  it("leaves the main thread free while a statement runs", async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    try {
      const started = performance.now();
      await db.sql.query(`SELECT count(*) FROM generate_series(1, 3000000) g WHERE g % 7 = 0`);
      const elapsed = performance.now() - started;
      // In-process, the statement would hold the event loop for all of `elapsed`: no tick at all.
      expect(elapsed).toBeGreaterThan(100);
      expect(ticks).toBeGreaterThanOrEqual(Math.floor(elapsed / 10 / 4));
    } finally {
      clearInterval(timer);
    }
  });
});

describe.skipIf(Boolean(testDatabaseUrl()))("embedded database in a worker thread, on disk", () => {
  it("keeps its data across a close and a reopen, and rejects calls once closed", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "parallax-threaded-"));
    const first = await openDatabase({ kind: "embedded", dataDir });
    await first.sql.exec(`CREATE TABLE kept (v text); INSERT INTO kept VALUES ('across a restart')`);
    await first.close();
    await expect(first.sql.query(`SELECT 1`)).rejects.toThrow(/closed/);
    const second = await openDatabase({ kind: "embedded", dataDir });
    expect(await second.sql.query(`SELECT v FROM kept`)).toEqual([{ v: "across a restart" }]);
    await second.close();
  });

  it("lets a script that never closes it exit", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "parallax-threaded-"));
    const script = path.join(dir, "forgets-to-close.mts");
    writeFileSync(
      script,
      `import { openDatabase } from ${JSON.stringify(path.resolve("lib/db/open-database.ts"))};
       const db = await openDatabase({ kind: "embedded", dataDir: ${JSON.stringify(dir)} });
       console.log(JSON.stringify(await db.sql.query("SELECT 40 + 2 AS answer")));`,
    );
    const run = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", script], { encoding: "utf8", timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('[{"answer":42}]');
  }, 90_000);
});
