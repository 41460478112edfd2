// `npm run token -- create NAME [--expires-days N] | list | revoke ID`, with [--server URL --token T]
// [--email E]. Prints a new token once (only its hash is stored). Talks to the running server's API
// when one holds the embedded database (with --token or PARALLAX_ADMIN_TOKEN), else opens the
// database directly (acting as --email, default the first admin).
import { parseArgs } from "node:util";
import { ZodError } from "zod";
import { createApiTokenInputSchema, type ApiTokenView } from "@/lib/auth/api-tokens";
import { createApiTokenAdmin, createDirectTokenAdmin, TokenApiError, type TokenAdmin } from "@/lib/auth/token-admin";
import { applyMigrations } from "@/lib/db/migrate";
import { DatabaseBusyError, openDatabase, type Database } from "@/lib/db/open-database";
import { ConfigError } from "@/lib/env/server-env";
import { loadServerEnvForScript } from "./lib/load-env";

const USAGE = `usage:
  npm run token -- create NAME [--expires-days N]   create a token and print it (shown only once)
  npm run token -- list                              list tokens (never their secrets)
  npm run token -- revoke ID                         revoke a token
options: --server URL --token TOKEN  use a running server's API (TOKEN: a researcher token)
         --email EMAIL               act as this researcher (direct database access only)`;

class UsageError extends Error {}

function formatToken(token: ApiTokenView): string {
  const state = token.revokedAt ? "revoked" : token.expiresAt && new Date(token.expiresAt) <= new Date() ? "expired" : "active";
  return [token.id, token.prefix + "…", state.padEnd(7), token.createdAt.slice(0, 10), token.lastUsedAt ? `used ${token.lastUsedAt.slice(0, 16).replace("T", " ")}` : "never used", token.name].join("  ");
}

async function run(admin: TokenAdmin, command: string | undefined, args: string[], expiresDays: string | undefined, via: string): Promise<void> {
  switch (command) {
    case "create": {
      const name = args.join(" ").trim();
      if (!name) throw new UsageError("create needs a NAME.");
      const created = await admin.create(createApiTokenInputSchema.parse({ name, ...(expiresDays ? { expiresInDays: Number(expiresDays) } : {}) }));
      console.log(created.token);
      console.error(`Created API token "${created.name}" (id ${created.id}${created.expiresAt ? `, expires ${created.expiresAt.slice(0, 10)}` : ""}) ${via}.`);
      console.error("It is shown only now: store it somewhere safe. Use it as `Authorization: Bearer <token>`.");
      return;
    }
    case "list": {
      const tokens = await admin.list();
      if (tokens.length === 0) console.log("No API tokens yet: npm run token -- create NAME");
      for (const token of tokens) console.log(formatToken(token));
      return;
    }
    case "revoke": {
      const id = args[0];
      if (!id) throw new UsageError("revoke needs a token ID (see `npm run token -- list`).");
      const token = await admin.revoke(id);
      console.log(`Revoked ${token.id} (${token.name}).`);
      return;
    }
    default:
      throw new UsageError(command ? `unknown command ${command}.` : "a command is needed.");
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { server: { type: "string" }, token: { type: "string" }, email: { type: "string" }, "expires-days": { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, ...args] = positionals;
  if (!["create", "list", "revoke"].includes(command ?? "")) throw new UsageError(command ? `unknown command ${command}.` : "a command is needed.");
  const env = loadServerEnvForScript();
  const bearer = values.token ?? env.PARALLAX_ADMIN_TOKEN;
  if (values.server) {
    if (!bearer) throw new UsageError("--server needs --token (a researcher token) or PARALLAX_ADMIN_TOKEN.");
    return run(createApiTokenAdmin(values.server, bearer), command, args, values["expires-days"], `on ${values.server}`);
  }
  let database: Database;
  try {
    database = await openDatabase(env.DATABASE_URL ? { kind: "postgresql", url: env.DATABASE_URL, maxConnections: 2 } : { kind: "embedded", dataDir: env.dataDir });
  } catch (error) {
    if (!(error instanceof DatabaseBusyError)) throw error;
    const server = `http://127.0.0.1:${env.PORT}`;
    if (!bearer) {
      throw new UsageError(`${error.message}\nPass --token TOKEN (or set PARALLAX_ADMIN_TOKEN) to manage tokens through the server at ${server}.`);
    }
    return run(createApiTokenAdmin(server, bearer), command, args, values["expires-days"], `through the running server at ${server}`);
  }
  try {
    await applyMigrations(database.sql);
    const admin = await createDirectTokenAdmin(database.prisma, { email: values.email, adminEmail: env.PARALLAX_ADMIN_EMAIL, adminPassword: env.PARALLAX_ADMIN_PASSWORD, log: console.error });
    await run(admin, command, args, values["expires-days"], "in the database");
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  if (error instanceof UsageError) console.error(`token: ${error.message}\n\n${USAGE}`);
  else if (error instanceof ZodError) console.error(`token: ${error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ")}`);
  else if (error instanceof ConfigError || error instanceof TokenApiError || error instanceof DatabaseBusyError) console.error(`token: ${error.message}`);
  else console.error(`token: ${(error as Error).message ?? error}`);
  process.exit(1);
});
