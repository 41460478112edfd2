// The server's configuration: every environment variable Parallax reads is parsed here, once,
// with zod. Nothing else reads process.env (scripts and tests pass overrides explicitly).
import { existsSync, mkdirSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/** A configuration problem, described in one sentence that names the variable. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

const booleanFlag = z
  .enum(["0", "1", "true", "false", "yes", "no", "on", "off", ""])
  .transform((v) => ["1", "true", "yes", "on"].includes(v));

const positiveInt = z.coerce.number().int().positive();

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((v) => (v === "" ? undefined : v))
    .superRefine((value, ctx) => {
      if (value === undefined) return;
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: "is not a URL" });
        return;
      }
      if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
        ctx.addIssue({ code: "custom", message: `must start with postgresql:// (got ${url.protocol}//)` });
      }
    }),
  DATA_DIR: z.string().min(1).default("./data"),
  PUBLIC_URL: z.url().optional(),
  PARALLAX_ADMIN_EMAIL: z.email().default("admin@parallax.local"),
  PARALLAX_ADMIN_PASSWORD: z.string().min(8).optional(),
  PARALLAX_ADMIN_TOKEN: z.string().min(16).optional(),
  PARALLAX_DEMO: booleanFlag.default(true),
  MAX_UPLOAD_BYTES: positiveInt.default(25 * 1024 * 1024),
  MAX_IMAGE_PIXELS: positiveInt.default(50_000_000),
  REFERENCE_CONCURRENCY: positiveInt.default(1),
  // Requests per minute (also the burst size); 0 turns a limit off. Per device token, per client IP
  // (X-Forwarded-For as set by Next.js or a proxy in front), and joins per client IP.
  RATE_LIMIT_DEVICE_PER_MINUTE: z.coerce.number().int().min(0).default(120),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(0).default(1200),
  RATE_LIMIT_JOIN_PER_MINUTE: z.coerce.number().int().min(0).default(120),
});

export type ServerEnv = z.infer<typeof envSchema> & {
  /** Absolute path of DATA_DIR. */
  dataDir: string;
  databaseKind: "embedded" | "postgresql";
};

/** Parse and check a set of environment variables; throws ConfigError with one clear sentence. */
export function parseServerEnv(source: Record<string, string | undefined>): ServerEnv {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const variable = String(issue.path[0] ?? "environment");
    const shown = source[variable];
    const secret = /PASSWORD|TOKEN/.test(variable) || variable === "DATABASE_URL";
    throw new ConfigError(
      `${variable} ${issue.message.replace(/^Invalid input: /, "")}` +
        (shown !== undefined && !secret ? ` (value: "${shown}")` : "") +
        "; fix it in the environment or .env and start again.",
    );
  }
  const env = result.data;
  return {
    ...env,
    dataDir: path.resolve(env.DATA_DIR),
    databaseKind: env.DATABASE_URL ? "postgresql" : "embedded",
  };
}

/** Make sure DATA_DIR exists and is writable (by writing a probe file); throws ConfigError otherwise. */
export function ensureDataDir(env: Pick<ServerEnv, "dataDir">): void {
  try {
    makeDirectories(env.dataDir);
    const probe = path.join(env.dataDir, `.write-probe-${process.pid}`);
    writeFileSync(probe, "");
    unlinkSync(probe);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "not writable";
    throw new ConfigError(`DATA_DIR "${env.dataDir}" cannot be used as the data folder (${reason}); point DATA_DIR at a writable folder.`);
  }
}

/** mkdir -p, one level at a time: Node's recursive mkdirSync never returns on some paths (e.g. under /proc). */
function makeDirectories(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    return;
  }
  makeDirectories(path.dirname(dir));
  mkdirSync(dir);
}

let cached: ServerEnv | undefined;

/** The process's configuration, parsed once. */
export function getServerEnv(): ServerEnv {
  cached ??= parseServerEnv(process.env);
  return cached;
}
