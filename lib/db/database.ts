// The server process's one database: opened on first use from the validated environment,
// migrated, and kept on globalThis so that every bundle Next.js builds (route handlers,
// instrumentation) shares the same PGlite instance — two must never open one data folder.
import "server-only";
import { ensureDataDir, getServerEnv } from "@/lib/env/server-env";
import { applyMigrations, listAppliedMigrations } from "./migrate";
import { openDatabase, type Database, type DatabaseTarget } from "./open-database";

type DatabaseState = { database?: Promise<Database> };
const state: DatabaseState = ((globalThis as { __parallaxDatabase?: DatabaseState }).__parallaxDatabase ??= {});

export function databaseTargetFromEnv(): DatabaseTarget {
  const env = getServerEnv();
  if (env.DATABASE_URL) return { kind: "postgresql", url: env.DATABASE_URL };
  ensureDataDir(env);
  return { kind: "embedded", dataDir: env.dataDir };
}

/** The migrated database of this process. */
export function getDatabase(): Promise<Database> {
  state.database ??= (async () => {
    const database = await openDatabase(databaseTargetFromEnv());
    try {
      await applyMigrations(database.sql);
    } catch (error) {
      await database.close();
      throw error;
    }
    return database;
  })().catch((error) => {
    state.database = undefined;
    throw error;
  });
  return state.database;
}

export async function getPrisma() {
  return (await getDatabase()).prisma;
}

export async function describeDatabase() {
  const database = await getDatabase();
  return { kind: database.kind, migrations: await listAppliedMigrations(database.sql) };
}
