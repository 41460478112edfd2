import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "./test-database";

// Named (prepared) statements: the same rows as a plain query, on either database kind, and on the
// embedded database in its worker thread (where they are prepared; in-process they run unprepared).
describe.each(testDatabaseUrl() ? [{ thread: false }] : [{ thread: false }, { thread: true }])("SqlExecutor.query with a statement name (worker thread: $thread)", ({ thread }) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false, thread });
    await db.sql.exec(`CREATE TABLE named_test (id int PRIMARY KEY, label text, doc jsonb, at timestamptz, flag boolean)`);
  });
  afterAll(async () => {
    await db?.close();
  });

  const INSERT = `INSERT INTO named_test (id, label, doc, at, flag) VALUES ($1, $2, $3::jsonb, $4::timestamptz, $5) RETURNING id, label, doc, at, flag`;

  it("returns what a plain query returns, every time it runs, nulls and types included", async () => {
    for (let id = 1; id <= 7; id++) {
      const named = await db.sql.query(INSERT, [id, id % 2 ? `label ${id}` : null, JSON.stringify({ id, list: [1, 2] }), "2026-11-25T12:00:00.000Z", id % 3 === 0], { name: "named_test_insert" });
      const plain = await db.sql.query(`SELECT id, label, doc, at, flag FROM named_test WHERE id = $1`, [id]);
      expect(named).toEqual(plain);
      expect(named[0]).toMatchObject({ id, doc: { id, list: [1, 2] }, flag: id % 3 === 0 });
      expect(new Date(named[0]!.at as string | Date).toISOString()).toBe("2026-11-25T12:00:00.000Z");
    }
    expect(await db.sql.query(`SELECT id FROM named_test WHERE id > $1 ORDER BY id`, [100], { name: "named_test_empty" })).toEqual([]);
  });

  it("reports a failing execution and keeps working afterwards", async () => {
    await expect(db.sql.query(INSERT, [1, "again", "{}", null, false], { name: "named_test_insert" })).rejects.toThrow(/duplicate key/);
    const rows = await db.sql.query(INSERT, [50, "after the error", "{}", null, null], { name: "named_test_insert" });
    expect(rows).toEqual([{ id: 50, label: "after the error", doc: {}, at: null, flag: null }]);
    expect(await db.sql.query(`SELECT count(*)::int AS n FROM named_test`)).toEqual([{ n: 8 }]);
  });

  it("never runs inside another caller's open transaction", async () => {
    let named: Promise<unknown> | undefined;
    await expect(
      db.sql.transaction(async (tx) => {
        await tx.query(`INSERT INTO named_test (id, label) VALUES (60, 'rolled back')`);
        // Started while the transaction is open: must wait for it, not join it.
        named = db.sql.query(INSERT, [61, "committed on its own", "{}", null, null], { name: "named_test_insert" });
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await named;
    const ids = (await db.sql.query<{ id: number }>(`SELECT id FROM named_test WHERE id IN (60, 61) ORDER BY id`)).map((row) => row.id);
    expect(ids).toEqual([61]);
  });

  it("runs inside a transaction as a plain statement of that transaction", async () => {
    await expect(
      db.sql.transaction(async (tx) => {
        await tx.query(INSERT, [70, "in the transaction", "{}", null, null], { name: "named_test_insert" });
        expect(await tx.query(`SELECT id FROM named_test WHERE id = 70`)).toEqual([{ id: 70 }]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await db.sql.query(`SELECT id FROM named_test WHERE id = 70`)).toEqual([]);
  });
});
