// Builds the Next.js app when there is no build yet or its sources changed since the last one.
// The stamp is a hash over every input of the build, so a fresh clone builds once and later
// starts are immediate.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const INPUTS = ["app", "components", "lib", "public", "instrumentation.ts", "next.config.js", "package-lock.json", "tsconfig.json", "prisma/schema.prisma"];
const SKIP = new Set(["node_modules", ".next", "generated"]);

function* walk(entry: string): Generator<string> {
  if (!existsSync(entry)) return;
  if (statSync(entry).isFile()) {
    if (!/\.test\.tsx?$/.test(entry)) yield entry;
    return;
  }
  for (const name of readdirSync(entry).sort()) {
    if (!SKIP.has(name)) yield* walk(path.join(entry, name));
  }
}

export function hashBuildInputs(root = process.cwd()): string {
  const hash = createHash("sha256");
  for (const input of INPUTS) {
    for (const file of walk(path.join(root, input))) {
      hash.update(path.relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
    }
  }
  return hash.digest("hex");
}

export function distDir(): string {
  return process.env.PARALLAX_DIST_DIR || ".next";
}

export async function buildIfNeeded(): Promise<void> {
  const stampFile = path.join(distDir(), "parallax-build-stamp");
  const expected = hashBuildInputs();
  const built = existsSync(path.join(distDir(), "BUILD_ID")) && existsSync(stampFile) && readFileSync(stampFile, "utf8") === expected;
  if (built) return;
  console.log("Building the app (first start or changed sources; takes a minute or two)…");
  const nextBin = path.join("node_modules", "next", "dist", "bin", "next");
  const result = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) throw new Error("`next build` failed (see its output above).");
  writeFileSync(stampFile, expected);
}
