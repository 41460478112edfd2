// `npm run db:migrate`: apply pending SQL migrations to the configured database.
import { ConfigError, ensureDataDir } from "@/lib/env/server-env";
import { loadServerEnvForScript } from "./lib/load-env";
import { migrateDatabase } from "./lib/migrate-database";

try {
  const env = loadServerEnvForScript();
  ensureDataDir(env);
  const result = await migrateDatabase(env);
  for (const name of result.applied) console.log(`applied ${name}`);
  console.log(`${result.applied.length} migration(s) applied, ${result.alreadyApplied.length} already applied.`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).message}`);
  process.exit(1);
}
