// Runs the orphan-blob collector in the server process: a few minutes after start (collecting
// what a crash left behind) and then every hour. The timer never keeps the process alive.
import "server-only";
import { getDatabase } from "@/lib/db/database";
import { collectOrphanBlobs, DEFAULT_ORPHAN_GRACE_MS, type OrphanCollection } from "./collect-orphan-blobs";
import { getBlobStore } from "./get-blob-store";

const FIRST_RUN_DELAY_MS = 5 * 60 * 1000;
const INTERVAL_MS = 60 * 60 * 1000;
const state: { timer?: NodeJS.Timeout; running?: Promise<OrphanCollection> } = ((globalThis as { __parallaxBlobCleanup?: object }).__parallaxBlobCleanup ??= {});

/** Collect orphan blobs now (one run at a time). graceMs 0 collects everything unreferenced. */
export async function runBlobCleanup(graceMs = DEFAULT_ORPHAN_GRACE_MS): Promise<OrphanCollection> {
  while (state.running) await state.running.catch(() => {});
  state.running = (async () => collectOrphanBlobs((await getDatabase()).sql, getBlobStore(), { graceMs }))();
  try {
    return await state.running;
  } finally {
    state.running = undefined;
  }
}

export function startBlobCleanupSchedule(): void {
  if (state.timer) return;
  const run = () => {
    runBlobCleanup()
      .then((result) => {
        if (result.deleted || result.temporaryFilesRemoved) {
          console.log(`Blob cleanup: removed ${result.deleted} orphan blob(s) (${result.deletedBytes} bytes) and ${result.temporaryFilesRemoved} temporary file(s).`);
        }
      })
      .catch((error) => console.error("Blob cleanup failed:", error));
  };
  state.timer = setTimeout(function tick() {
    run();
    state.timer = setTimeout(tick, INTERVAL_MS);
    state.timer.unref();
  }, FIRST_RUN_DELAY_MS);
  state.timer.unref();
}
