// Opens Parallax's database: embedded PGlite (file-backed under DATA_DIR, or in memory for tests)
// or a PostgreSQL server through node-postgres, and puts Prisma Client on top of either. The
// file-backed embedded database runs in a worker thread (./threaded-pglite.ts), so its statements
// never hold up the server's main thread; in-memory ones (tests, throw-away work) run in-process
// unless asked otherwise.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "./generated/client";
import { pgliteDriver, pgPoolDriver, type SqlDriver } from "./sql-driver";
import { ThreadedPGlite } from "./threaded-pglite";

export type DatabaseKind = "embedded" | "postgresql";

export type DatabaseTarget =
  | { kind: "embedded"; dataDir: string; thread?: boolean }
  | { kind: "memory"; thread?: boolean }
  | { kind: "postgresql"; url: string; schema?: string; maxConnections?: number };

export type Database = {
  kind: DatabaseKind;
  prisma: PrismaClient;
  /** Raw SQL on the same database (multi-statement exec, parameterised queries, transactions). */
  sql: SqlDriver;
  close(): Promise<void>;
};

/** Another process holds the embedded database (two PGlite instances must never share a folder). */
export class DatabaseBusyError extends Error {
  constructor(readonly dataDir: string, readonly pid: number) {
    super(
      `The embedded database in ${dataDir} is in use by another Parallax process (pid ${pid}); ` +
        "stop that process, or talk to it through its API with --server URL --token TOKEN.",
    );
    this.name = "DatabaseBusyError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Take the data folder's lock file, or throw DatabaseBusyError. Stale locks (dead pid) are taken over. */
function lockDataDir(dataDir: string): () => void {
  const lockFile = path.join(dataDir, "database.lock");
  if (existsSync(lockFile)) {
    const pid = Number.parseInt(readFileSync(lockFile, "utf8"), 10);
    if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) throw new DatabaseBusyError(dataDir, pid);
  }
  writeFileSync(lockFile, String(process.pid));
  const release = () => {
    try {
      if (readFileSync(lockFile, "utf8") === String(process.pid)) rmSync(lockFile);
    } catch {
      // already gone
    }
  };
  process.once("exit", release);
  return release;
}

/**
 * PGlite's PostgreSQL settings. shared_buffers: PostgreSQL's default of 128 MB is touched at start
 * and stays resident in the WebAssembly memory (which never shrinks), more than doubling the idle
 * server's RSS; data files are read through the operating system's page cache anyway, so 16 MB costs
 * no measurable speed (instability report over 200 000 predictions: same time at 16 MB and 128 MB).
 */
export const PGLITE_START_PARAMS: readonly string[] = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];

async function openPGlite(dataDir: string | undefined, thread: boolean): Promise<Database> {
  let release = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    release = lockDataDir(dataDir);
  }
  try {
    const folder = dataDir ? path.join(dataDir, "pglite") : undefined;
    const client = thread
      ? await ThreadedPGlite.create(folder, { startParams: PGLITE_START_PARAMS })
      : await PGlite.create(folder, { startParams: [...PGLITE_START_PARAMS] });
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(client) });
    return {
      kind: "embedded",
      prisma,
      sql: pgliteDriver(client),
      async close() {
        await prisma.$disconnect();
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

async function openPostgres(url: string, schema?: string, maxConnections = 10): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
  });
  // Fail now, with the server's reason, rather than on the first request.
  const probe = await pool.connect();
  probe.release();
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, schema ? { schema } : undefined) });
  return {
    kind: "postgresql",
    prisma,
    sql: pgPoolDriver(pool),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

export function openDatabase(target: DatabaseTarget): Promise<Database> {
  switch (target.kind) {
    case "embedded":
      return openPGlite(target.dataDir, target.thread ?? true);
    case "memory":
      return openPGlite(undefined, target.thread ?? false);
    case "postgresql":
      return openPostgres(target.url, target.schema, target.maxConnections);
  }
}

