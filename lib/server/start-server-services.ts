// Start-up of the server process: open and migrate the database, make sure the things a fresh
// install needs exist, and start background workers. Each step is a function of its own module.
import { ensureAdminAccount } from "@/lib/auth/ensure-admin-account";
import { getDatabase } from "@/lib/db/database";
import { startBlobCleanupSchedule } from "@/lib/storage/schedule-blob-cleanup";
import { startModelsAndReferenceInference } from "@/lib/reference/start-reference-inference";
import { startDemoStudy } from "./start-demo-study";

export async function startServerServices(): Promise<void> {
  await getDatabase();
  await ensureAdminAccount(); // the first researcher account (one-time password printed once)
  startBlobCleanupSchedule(); // hourly: blobs no row references, leftovers of interrupted uploads
  await startModelsAndReferenceInference(); // built-in models (before any default study), then the reference worker
  await startDemoStudy(); // first start: the demo study, filled by simulated phones once the server answers
}
