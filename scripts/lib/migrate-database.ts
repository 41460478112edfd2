// Open the configured database just long enough to apply pending migrations.
import { applyMigrations, type MigrationResult } from "@/lib/db/migrate";
import { openDatabase } from "@/lib/db/open-database";
import type { ServerEnv } from "@/lib/env/server-env";

export async function migrateDatabase(env: ServerEnv): Promise<MigrationResult> {
  const database = await openDatabase(
    env.DATABASE_URL ? { kind: "postgresql", url: env.DATABASE_URL, maxConnections: 1 } : { kind: "embedded", dataDir: env.dataDir },
  );
  try {
    return await applyMigrations(database.sql);
  } finally {
    await database.close();
  }
}
