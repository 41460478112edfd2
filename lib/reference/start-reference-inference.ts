// Start-up hook: register the built-in models and start the reference worker of this server
// process (one per process, kept on globalThis). `wakeReferenceWorker()` lets the capture upload
// nudge it without waiting for anything.
import "server-only";
import { getPrisma } from "@/lib/db/database";
import { getServerEnv } from "@/lib/env/server-env";
import { ensureBuiltinModels } from "@/lib/models/builtin-models";
import { getBlobStore } from "@/lib/storage/get-blob-store";
import { startReferenceWorker, type ReferenceWorker } from "./reference-worker";

const state: { worker?: ReferenceWorker } = ((globalThis as { __parallaxReferenceWorker?: { worker?: ReferenceWorker } }).__parallaxReferenceWorker ??= {});

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
  });
}

/** Tell the worker there is new work (no-op when it is not running, e.g. in tests or scripts). */
export function wakeReferenceWorker(): void {
  state.worker?.wake();
}
