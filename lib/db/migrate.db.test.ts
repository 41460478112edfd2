import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { applyMigrations, listAppliedMigrations, MigrationError, readMigrations, type Migration } from "./migrate";
import { createTestDatabase, type TestDatabase } from "./test-database";

const migration = (name: string, sql: string): Migration => ({ name, sql, checksum: createHash("sha256").update(sql).digest("hex") });

describe("applyMigrations", () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it("applies the project's migrations once and nothing on a second run", async () => {
    db = await createTestDatabase({ migrate: false });
    const all = readMigrations();
    expect(all.length).toBeGreaterThan(0);
    const first = await applyMigrations(db.sql, all);
    expect(first.applied).toEqual(all.map((m) => m.name));
    const second = await applyMigrations(db.sql, all);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(all.map((m) => m.name));
    expect(await listAppliedMigrations(db.sql)).toEqual(all.map((m) => m.name));
  });

  it("records migrations in Prisma's _prisma_migrations layout with sha256 checksums", async () => {
    db = await createTestDatabase({ migrate: false });
    const steps = [migration("001_a", 'CREATE TABLE "A" (id int)')];
    await applyMigrations(db.sql, steps);
    const rows = await db.sql.query<{ migration_name: string; checksum: string; applied_steps_count: number }>(
      `SELECT migration_name, checksum, applied_steps_count FROM "_prisma_migrations"`,
    );
    expect(rows).toEqual([{ migration_name: "001_a", checksum: steps[0]!.checksum, applied_steps_count: 1 }]);
  });

  it("refuses to run when an applied migration was edited", async () => {
    db = await createTestDatabase({ migrate: false });
    await applyMigrations(db.sql, [migration("001_a", 'CREATE TABLE "A" (id int)')]);
    await expect(applyMigrations(db.sql, [migration("001_a", 'CREATE TABLE "A" (id bigint)')])).rejects.toThrow(
      /001_a\/migration.sql was changed after it was applied/,
    );
  });

  it("applies nothing when one pending migration fails", async () => {
    db = await createTestDatabase({ migrate: false });
    const steps = [migration("001_ok", 'CREATE TABLE "Ok" (id int)'), migration("002_bad", "CREATE TABLE broken (")];
    await expect(applyMigrations(db.sql, steps)).rejects.toBeInstanceOf(MigrationError);
    expect(await listAppliedMigrations(db.sql)).toEqual([]);
    const tables = await db.sql.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'Ok'`);
    expect(tables).toHaveLength(0);
  });

  it("refuses a database that has a migration this version does not know", async () => {
    db = await createTestDatabase({ migrate: false });
    await applyMigrations(db.sql, [migration("001_a", "SELECT 1"), migration("002_future", "SELECT 2")]);
    await expect(applyMigrations(db.sql, [migration("001_a", "SELECT 1")])).rejects.toThrow(/002_future/);
  });
});
