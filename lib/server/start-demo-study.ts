// Start-up step: the demo study (PARALLAX_DEMO, on by default). It is created on a database without
// studies, then filled in the background by the phone-fleet simulator through this server's own
// public API once the server answers (a child process), with a short-lived researcher token removed afterwards.
// Start-up never waits for the fleet and never fails because of it.
import "server-only";
import { spawn } from "node:child_process";
import { createApiToken } from "@/lib/auth/api-tokens";
import { getAdminResearcherId } from "@/lib/auth/ensure-admin-account";
import { getPrisma } from "@/lib/db/database";
import { getServerEnv } from "@/lib/env/server-env";
import { getBlobStore } from "@/lib/storage/get-blob-store";
import { ensureDemoStudy } from "@/lib/studies/ensure-demo-study";

/** Where this process can reach its own HTTP server. */
export function ownServerUrl(host: string, port: number): string {
  const local = host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host;
  return `http://${local.includes(":") ? `[${local}]` : local}:${port}`;
}

export async function startDemoStudy(): Promise<void> {
  const env = getServerEnv();
  if (!env.PARALLAX_DEMO) return;
  const prisma = await getPrisma();
  const adminId = await getAdminResearcherId(prisma, { email: env.PARALLAX_ADMIN_EMAIL, password: env.PARALLAX_ADMIN_PASSWORD });
  const demo = await ensureDemoStudy(prisma, getBlobStore(), { createdById: adminId });
  if (!demo || demo.captures > 0) return;
  void fillInBackground(demo.studyId, adminId, ownServerUrl(env.HOST, env.PORT)).catch((error: Error) => console.warn(`Demo study: ${error.message}`));
}

/**
 * The fleet runs in a child process (`npm run simulate -- --demo`): its image rendering never
 * blocks this server's event loop, and it talks to the server exactly like any outside script.
 */
async function fillInBackground(studyId: string, adminId: string, serverUrl: string): Promise<void> {
  const prisma = await getPrisma();
  const token = await createApiToken(prisma, adminId, { name: "demo fleet (start-up, removed when done)", expiresInSeconds: 3600 });
  try {
    console.log("Demo study: simulated phones are photographing its 24 scenes…");
    const args = ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/simulate.ts", "--demo", "--study", studyId, "--server", serverUrl, "--seed", "demo"];
    // The token goes through the environment, never the command line (other users can read that).
    const child = spawn(process.execPath, args, { cwd: process.cwd(), env: { ...process.env, PARALLAX_ADMIN_TOKEN: token.token }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.on("error", () => resolve(null));
      child.on("close", resolve);
    });
    const lastLine = output.trim().split("\n").filter((line) => !line.startsWith("npm warn")).pop() ?? "";
    if (code === 0) console.log(`Demo study ready. ${lastLine}`);
    else console.warn(`Demo study: the simulated phones could not fill it (${lastLine || `exit ${code}`}); run \`npm run simulate -- --demo --study ${studyId}\` to try again.`);
  } finally {
    await prisma.apiToken.delete({ where: { id: token.id } }).catch(() => {});
  }
}
