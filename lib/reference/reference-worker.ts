// Background reference inference: captures whose referenceStatus is 'pending' are claimed
// ('running'), the study's model runs on the stored bytes, the result is stored as the capture's
// `reference` prediction and the capture becomes 'done' (or 'failed' after its attempts). Bounded
// concurrency; state lives in the database, so a restart resumes (stale 'running' rows go back to
// 'pending'). Uploads never wait for it: they only wake it. Uploads come first: while some are in
// flight (`isBusy`) a lane starts no new job, except one every `maxDeferMs`, so that a burst of
// phones gets the CPU and the backlog is worked off as soon as the burst ends.
import "server-only";
import type { Prisma, PrismaClient } from "@/lib/db/generated/client";
import { ImageFormatError } from "@/lib/inference/image-metadata";
import { ImageTooLargeError } from "@/lib/inference/decode-image";
import { toModelInfo } from "@/lib/models/model-info";
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import { runReferenceInference, type ReferenceOptions } from "./run-reference-inference";

export const REFERENCE_MAX_ATTEMPTS = 3;

export type ReferenceWorkerOptions = {
  prisma: PrismaClient;
  /** The stored bytes of a capture, by its blob key. */
  readBlob: (key: string) => Promise<Uint8Array>;
  readModelBytes?: ReferenceOptions["readModelBytes"];
  concurrency: number;
  /** How often to look for work when nobody wakes the worker (default 5 s). */
  pollIntervalMs?: number;
  maxPixels?: number;
  log?: (message: string) => void;
  /** Whether work that must not wait is running (uploads in flight); new jobs are postponed while it is. */
  isBusy?: () => boolean;
  /** The longest a lane postpones its next job for `isBusy` (default 1 s): the backlog never stalls. */
  maxDeferMs?: number;
};

export const REFERENCE_MAX_DEFER_MS = 1000;
const BUSY_POLL_MS = 25;

/** Wait until nothing is busy, or until `maxDeferMs` have passed since `since`. */
async function waitForQuiet(options: ReferenceWorkerOptions, since: number): Promise<void> {
  const { isBusy } = options;
  if (!isBusy) return;
  const until = since + (options.maxDeferMs ?? REFERENCE_MAX_DEFER_MS);
  while (isBusy() && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, Math.min(BUSY_POLL_MS, Math.max(1, until - Date.now()))));
}

/** After a crash or restart, captures left 'running' are pending again. Returns how many. */
export async function resetStaleReferenceJobs(prisma: PrismaClient): Promise<number> {
  const { count } = await prisma.capture.updateMany({ where: { referenceStatus: "running" }, data: { referenceStatus: "pending" } });
  return count;
}

/** Atomically move up to `limit` pending captures to 'running' and return their ids (oldest first). */
export async function claimPendingCaptures(prisma: PrismaClient, limit: number): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    UPDATE "Capture" SET "referenceStatus" = 'running', "referenceAttempts" = "referenceAttempts" + 1
    WHERE id IN (
      SELECT id FROM "Capture" WHERE "referenceStatus" = 'pending'
      ORDER BY "createdAt", id LIMIT ${limit} FOR UPDATE SKIP LOCKED
    )
    RETURNING id`;
  return rows.map((row) => row.id);
}

/** The Prediction row fields for a payload (shared by every writer of predictions). */
export function predictionRowData(payload: PredictionPayload) {
  const top1 = payload.top[0]!;
  return {
    source: payload.source,
    variant: payload.variant,
    backend: payload.backend,
    runtime: payload.runtime,
    runtimeVersion: payload.runtimeVersion ?? null,
    runtimeBundle: payload.runtimeBundle ?? null,
    threads: payload.threads ?? null,
    webgpuFailure: payload.webgpuFailure ?? null,
    modelSha256: payload.modelSha256,
    top: payload.top as Prisma.InputJsonValue,
    top1Index: top1.index,
    top1Prob: top1.prob,
    decodeMs: payload.timings.decodeMs ?? null,
    preprocessMs: payload.timings.preprocessMs ?? null,
    inferenceMs: payload.timings.inferenceMs ?? null,
    preprocessingId: payload.preprocessingId,
    tensorSha256: payload.tensorSha256 ?? null,
    tensorSummary: (payload.tensorSummary ?? undefined) as Prisma.InputJsonValue | undefined,
  };
}

function isPermanent(error: unknown): boolean {
  return error instanceof ImageFormatError || error instanceof ImageTooLargeError;
}

/** Run the reference for one claimed capture and record the outcome. */
export async function processReferenceCapture(options: ReferenceWorkerOptions, captureId: string): Promise<"done" | "failed" | "pending"> {
  const { prisma } = options;
  const capture = await prisma.capture.findUnique({ where: { id: captureId }, include: { study: { include: { model: true } } } });
  if (!capture) return "failed";
  try {
    const model = toModelInfo(capture.study.model);
    const bytes = await options.readBlob(capture.blobKey);
    const payload = await runReferenceInference(model, bytes, { readModelBytes: options.readModelBytes, maxPixels: options.maxPixels });
    const data = predictionRowData(payload);
    await prisma.$transaction([
      prisma.prediction.upsert({
        where: { captureId_source_variant: { captureId, source: "reference", variant: payload.variant } },
        create: { ...data, captureId, studyId: capture.studyId },
        update: data,
      }),
      prisma.capture.update({ where: { id: captureId }, data: { referenceStatus: "done", referenceError: null } }),
    ]);
    return "done";
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    const status = isPermanent(error) || capture.referenceAttempts >= REFERENCE_MAX_ATTEMPTS ? "failed" : "pending";
    await prisma.capture.update({ where: { id: captureId }, data: { referenceStatus: status, referenceError: message } });
    options.log?.(`reference inference for capture ${captureId} ${status === "failed" ? "failed" : "will be retried"}: ${message}`);
    return status;
  }
}

/** Process pending captures until none is left, `concurrency` at a time. Returns how many were handled. */
export async function drainReferenceQueue(options: ReferenceWorkerOptions): Promise<number> {
  let handled = 0;
  const concurrency = Math.max(1, options.concurrency);
  const lane = async () => {
    let lastJobAt = Date.now();
    for (;;) {
      await waitForQuiet(options, lastJobAt);
      lastJobAt = Date.now();
      const [id] = await claimPendingCaptures(options.prisma, 1);
      if (!id) return;
      await processReferenceCapture(options, id);
      handled += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return handled;
}

export type ReferenceWorker = {
  /** Look for work now (call after storing a capture; returns at once). */
  wake(): void;
  /** Resolves when the queue is empty and nothing is running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
};

/** Start the background loop: resets stale jobs, then drains the queue whenever woken or every poll interval. */
export function startReferenceWorker(options: ReferenceWorkerOptions): ReferenceWorker {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const ready = resetStaleReferenceJobs(options.prisma).then(
    (count) => {
      if (count) options.log?.(`reference inference: ${count} interrupted capture(s) queued again`);
    },
    (error: unknown) => options.log?.(`reference inference: could not reset stale jobs: ${String(error)}`),
  );

  const schedule = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => worker.wake(), options.pollIntervalMs ?? 5000);
    timer.unref?.();
  };

  const worker: ReferenceWorker = {
    wake() {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        await ready;
        do {
          again = false;
          try {
            await drainReferenceQueue(options);
          } catch (error) {
            options.log?.(`reference inference: ${error instanceof Error ? error.message : String(error)}`);
          }
        } while (again && !stopped);
      })().finally(() => {
        running = undefined;
        schedule();
      });
    },
    async idle() {
      await ready;
      while (running) await running;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      while (running) await running;
    },
  };
  worker.wake();
  return worker;
}
