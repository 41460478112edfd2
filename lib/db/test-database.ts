// Databases for tests: in-memory PGlite by default (in-process, or in its worker thread as the
// server runs it with `thread: true`), or a fresh schema on the PostgreSQL server named by
// TEST_DATABASE_URL (dropped again on close), migrated with the real migrations.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { applyMigrations } from "./migrate";
import { openDatabase, type Database } from "./open-database";

export type TestDatabase = Database & { label: string };

export function testDatabaseUrl(): string | undefined {
  return process.env.TEST_DATABASE_URL || undefined;
}

export async function createTestDatabase(options: { migrate?: boolean; thread?: boolean } = {}): Promise<TestDatabase> {
  const url = testDatabaseUrl();
  let database: Database;
  let label: string;
  let dropSchema = async () => {};
  if (url) {
    const schema = `test_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
    await admin.end();
    database = await openDatabase({ kind: "postgresql", url, schema, maxConnections: 4 });
    label = `postgresql (${schema})`;
    dropSchema = async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      await client.end();
    };
  } else {
    database = await openDatabase({ kind: "memory", thread: options.thread ?? false });
    label = options.thread ? "pglite (memory, worker thread)" : "pglite (memory)";
  }
  if (options.migrate !== false) await applyMigrations(database.sql);
  return {
    ...database,
    label,
    async close() {
      await database.close();
      await dropSchema();
    },
  };
}
