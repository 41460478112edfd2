// Command-line tools read the same configuration as the server: variables from the environment,
// then from .env in the working directory (never overriding), validated by lib/env.
import { existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { getServerEnv, type ServerEnv } from "@/lib/env/server-env";

export function loadDotEnv(file = ".env"): void {
  if (!existsSync(file)) return;
  for (const [name, value] of Object.entries(parseEnv(readFileSync(file, "utf8")))) {
    if (process.env[name] === undefined) process.env[name] = value;
  }
}

export function loadServerEnvForScript(): ServerEnv {
  loadDotEnv();
  return getServerEnv();
}
