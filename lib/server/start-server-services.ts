// Start-up of the server process: open and migrate the database, make sure the things a fresh
// install needs exist, and start background workers. Each step is a function of its own module.
import { getDatabase } from "@/lib/db/database";
import { startModelsAndReferenceInference } from "@/lib/reference/start-reference-inference";

export async function startServerServices(): Promise<void> {
  await getDatabase();
  await startModelsAndReferenceInference(); // built-in models (before any default study), then the reference worker
}
