// Start-up step: the demo study (PARALLAX_DEMO, on by default). It is created on a database without
// studies, then filled in the background by the phone-fleet simulator through this server's own
// public API once the server answers, with a short-lived researcher token removed afterwards.
// Start-up never waits for the fleet and never fails because of it.
import "server-only";
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
  void fillInBackground(demo.studyId, adminId, ownServerUrl(env.HOST, env.PORT));
}

async function fillInBackground(studyId: string, adminId: string, serverUrl: string): Promise<void> {
  const prisma = await getPrisma();
  const token = await createApiToken(prisma, adminId, { name: "demo fleet (start-up, removed when done)", expiresInSeconds: 3600 });
  try {
    const { fillDemoStudy } = await import("@/lib/simulator/fill-demo-study");
    console.log("Demo study: simulated phones are photographing its 24 scenes…");
    const result = await fillDemoStudy({ serverUrl, token: token.token, studyId, waitForServerMs: 600_000, log: (message) => console.log(`Demo study: ${message}`) });
    if (!result.skipped) console.log(`Demo study ready: ${result.captures} captures from ${result.devices} simulated phones (${result.seconds.toFixed(0)} s).`);
  } catch (error) {
    console.warn(`Demo study: the simulated phones could not fill it (${(error as Error).message}); run \`npm run simulate -- --demo --study ${studyId}\` to try again.`);
  } finally {
    await prisma.apiToken.delete({ where: { id: token.id } }).catch(() => {});
  }
}
