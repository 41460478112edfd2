// Start-up of the server process: open and migrate the database, make sure the things a fresh
// install needs exist, and start background workers. Each step is a function of its own module.
import { getDatabase } from "@/lib/db/database";

export async function startServerServices(): Promise<void> {
  await getDatabase();
}
