// `npm start`: check the configuration, build the app if its sources changed, migrate the
// database, then serve it with `next start` (or `next dev` with --dev) and say where to open it.
// The build check and the migrations run in a child process of their own (this script again, with
// --prepare): they load the database (PGlite's WebAssembly PostgreSQL, Prisma) and hash the build's
// sources, and this process, which waits on the server as long as it runs, would otherwise keep
// that memory — 280 MB on a usual start, 390 MB on the first (creating the database) — for nothing.
import { spawn } from "node:child_process";
import { networkInterfaces } from "node:os";
import { ConfigError, ensureDataDir, type ServerEnv } from "@/lib/env/server-env";
import { loadServerEnvForScript } from "./lib/load-env";
import { serverProcessArgs, serverProcessEnv } from "./lib/server-process-env";

const isDev = process.argv.includes("--dev");

async function waitForHealth(url: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      const body = (await response.json()) as Record<string, unknown>;
      if (response.ok) return body;
      lastError = String(body.error ?? response.status);
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`the server did not become healthy: ${lastError}`);
}

function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((entry) => entry && entry.family === "IPv4" && !entry.internal)
    .map((entry) => entry!.address);
}

/** The build (unless --dev) and the migrations; run in the child process started with --prepare. */
async function prepare(env: ServerEnv): Promise<void> {
  const { buildIfNeeded } = await import("./lib/build-if-needed");
  const { migrateDatabase } = await import("./lib/migrate-database");
  if (!isDev) await buildIfNeeded();
  const migrations = await migrateDatabase(env);
  console.log(
    `Database: ${env.databaseKind === "embedded" ? `embedded PostgreSQL (PGlite) in ${env.dataDir}` : "PostgreSQL server from DATABASE_URL"}` +
      ` — ${migrations.applied.length} migration(s) applied, ${migrations.alreadyApplied.length} already there.`,
  );
}

/** Runs a child process, passing this process's SIGINT/SIGTERM on to it; resolves to its exit code. */
function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const child = spawn(process.execPath, args, { stdio: "inherit", env });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, forward);
  return new Promise<number>((resolve) =>
    child.on("exit", (code, signal) => {
      for (const name of ["SIGINT", "SIGTERM"] as const) process.off(name, forward);
      resolve(code ?? (signal ? 1 : 0));
    }),
  );
}

async function main() {
  const env = loadServerEnvForScript();
  ensureDataDir(env);
  // Checked here, before the build and the migrations.
  const args = serverProcessArgs([isDev ? "dev" : "start", "-p", String(env.PORT), "-H", env.HOST]);
  if (process.argv.includes("--prepare")) return prepare(env);
  // This script again, under the same loader (tsx's flags are in execArgv); it prints its own errors.
  const prepared = await runChild([...process.execArgv, process.argv[1]!, "--prepare", ...(isDev ? ["--dev"] : [])], process.env);
  if (prepared !== 0) process.exit(prepared);

  // Idle keep-alive connections stay open 65 s instead of Node's 5 s: phones between captures and
  // scripts between requests reuse them, and a server closing an idle socket just as a client
  // sends on it is a reset connection the client has to recover from.
  if (!isDev) args.push("--keepAliveTimeout", "65000");
  void runChild(args, serverProcessEnv(process.env, { NODE_ENV: isDev ? "development" : "production" })).then((code) => process.exit(code));

  const local = `http://localhost:${env.PORT}`;
  const health = await waitForHealth(`${local}/api/health`, 120_000);
  console.log(`\nParallax is running (${health.database} database): ${local}`);
  for (const address of lanAddresses()) console.log(`  phones on this network: http://${address}:${env.PORT}`);
}

main().catch((error) => {
  // Configuration, busy-database and migration errors carry a sentence meant for people.
  const known = error instanceof ConfigError || ["DatabaseBusyError", "MigrationError"].includes((error as Error).name);
  console.error(`Parallax cannot start: ${(error as Error).message ?? error}`);
  if (!known && process.env.DEBUG) console.error(error);
  process.exit(1);
});
