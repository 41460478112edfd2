// What /api/health reports: whether the database answers, which kind it is, and what is migrated.
import "server-only";
import { describeDatabase } from "@/lib/db/database";

export type ServerHealth =
  | { status: "ok"; database: "embedded" | "postgresql"; migrations: string[]; version: string }
  | { status: "error"; error: string; version: string };

export async function describeServerHealth(): Promise<ServerHealth> {
  const version = process.env.PARALLAX_VERSION ?? "dev";
  try {
    const database = await describeDatabase();
    return { status: "ok", database: database.kind, migrations: database.migrations, version };
  } catch (error) {
    return { status: "error", error: (error as Error).message, version };
  }
}
