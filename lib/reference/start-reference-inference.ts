// Start-up hook: register the built-in models and start the reference worker of this server
// process (one per process, kept on globalThis). `wakeReferenceWorker()` lets the capture upload
// nudge it without waiting for anything. The compression-probe runner is this process's too,
// created on first use (a researcher asking for a study's probe).
import "server-only";
import { uploadsInFlight } from "@/lib/captures/upload-activity";
import { getDatabase, getPrisma } from "@/lib/db/database";
import { getServerEnv } from "@/lib/env/server-env";
import { ensureBuiltinModels } from "@/lib/models/builtin-models";
import { getBlobStore } from "@/lib/storage/get-blob-store";
import { createCompressionProbeRunner, type CompressionProbeRunner } from "./compression-probe-queue";
import { startReferenceWorker, type ReferenceWorker } from "./reference-worker";

type ReferenceState = { worker?: ReferenceWorker; probe?: Promise<CompressionProbeRunner> };
const state: ReferenceState = ((globalThis as { __parallaxReferenceWorker?: ReferenceState }).__parallaxReferenceWorker ??= {});

export async function startModelsAndReferenceInference(): Promise<void> {
  const prisma = await getPrisma();
  const store = getBlobStore();
  await ensureBuiltinModels(prisma, store);
  if (state.worker) return;
  const env = getServerEnv();
  state.worker = startReferenceWorker({
    prisma,
    readBlob: (key) => store.get(key),
    readModelBytes: (sha256) => store.get(sha256),
    concurrency: env.REFERENCE_CONCURRENCY,
    maxPixels: env.MAX_IMAGE_PIXELS,
    log: (message) => console.warn(message),
    // Phones uploading come first; the backlog is worked off when they are done (or a job a second meanwhile).
    isBusy: () => uploadsInFlight() > 0,
  });
}

/** Tell the worker there is new work (no-op when it is not running, e.g. in tests or scripts). */
export function wakeReferenceWorker(): void {
  state.worker?.wake();
}

/** This process's compression-probe runner (created on first use; below the reference worker in priority). */
export function getCompressionProbeRunner(): Promise<CompressionProbeRunner> {
  state.probe ??= (async () => {
    const { prisma, sql } = await getDatabase();
    const store = getBlobStore();
    const env = getServerEnv();
    return createCompressionProbeRunner({
      prisma,
      sql,
      readBlob: (key) => store.get(key),
      readModelBytes: (sha256) => store.get(sha256),
      maxPixels: env.MAX_IMAGE_PIXELS,
      log: (message) => console.warn(message),
    });
  })();
  state.probe.catch(() => {
    state.probe = undefined;
  });
  return state.probe;
}
