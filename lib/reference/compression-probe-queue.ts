// Running the compression probe over a study's captures, in the background and below the normal
// reference inference in priority: a researcher asks for it per study (the attribution page's
// button or POST /api/v1/studies/{id}/analytics/attribution/probe); one capture at a time, and
// whenever any capture is waiting for its normal reference prediction the probe pauses, so uploads
// and the reference queue of a big study never wait behind it. Each probed capture gets one
// `reference` prediction per setting (variants "jpeg-q50", "jpeg-q75", "jpeg-q95", "lossless")
// next to its "original" one; a capture already probed is skipped, so asking again only does
// the new captures. What is queued lives in this process (a restart forgets the request; asking
// again resumes where the database says it stopped).
import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { SqlExecutor } from "@/lib/db/sql-driver";
import { toModelInfo } from "@/lib/models/model-info";
import { predictionRowData } from "./reference-worker";
import { COMPRESSION_PROBE_VARIANTS, runCompressionProbe } from "./run-compression-probe";
import type { ReferenceOptions } from "./run-reference-inference";

export type CompressionProbeOptions = {
  prisma: PrismaClient;
  sql: SqlExecutor;
  readBlob: (key: string) => Promise<Uint8Array>;
  readModelBytes?: ReferenceOptions["readModelBytes"];
  maxPixels?: number;
  /** True while the normal reference inference has work: the probe waits (default: any capture pending or running). */
  isReferenceBusy?: () => Promise<boolean>;
  /** How long to wait before looking again while the reference is busy (default 1 s). */
  busyWaitMs?: number;
  log?: (message: string) => void;
};

type Cursor = { createdAt: Date; id: string };

/**
 * Captures of a study that have their original reference prediction (by the study's current model) but not every probe variant,
 * oldest first, after `cursor` (so a capture whose probe failed is not picked again in one pass).
 */
export async function listCapturesToProbe(sql: SqlExecutor, studyId: string, cursor: Cursor | null, limit: number): Promise<Cursor[]> {
  const rows = await sql.query<{ id: string; createdAt: Date | string }>(
    `SELECT c.id, c."createdAt"
     FROM "Capture" c JOIN "Prediction" r ON r."captureId" = c.id AND r.source = 'reference' AND r.variant = 'original'
     JOIN "Study" s ON s.id = c."studyId" JOIN "Model" m ON m.id = s."modelId" AND m.sha256 = r."modelSha256"
     WHERE c."studyId" = $1 AND ($2::timestamptz IS NULL OR (c."createdAt", c.id) > ($2::timestamptz, $3::text))
       AND (SELECT count(*) FROM "Prediction" v WHERE v."captureId" = c.id AND v.source = 'reference' AND v.variant = ANY($4::text[])) < $5
     ORDER BY c."createdAt", c.id
     LIMIT $6`,
    [studyId, cursor?.createdAt.toISOString() ?? null, cursor?.id ?? "", [...COMPRESSION_PROBE_VARIANTS], COMPRESSION_PROBE_VARIANTS.length, limit],
  );
  return rows.map((row) => ({ id: row.id, createdAt: new Date(row.createdAt) }));
}

/**
 * How far the probe is in a study: captures that can be probed (a reference prediction of the
 * study's current model on their stored bytes) and those probed at every setting.
 */
export async function countProbedCaptures(sql: SqlExecutor, studyId: string): Promise<{ probeable: number; probed: number; referencePending: number }> {
  const [row] = await sql.query<{ probeable: number; probed: number; pending: number }>(
    `SELECT
       (SELECT count(*)::int FROM "Prediction" r JOIN "Study" s ON s.id = r."studyId" JOIN "Model" m ON m.id = s."modelId" AND m.sha256 = r."modelSha256"
          WHERE r."studyId" = $1 AND r.source = 'reference' AND r.variant = 'original') AS probeable,
       (SELECT count(*)::int FROM (
          SELECT v."captureId" FROM "Prediction" v
          JOIN "Prediction" r ON r."captureId" = v."captureId" AND r.source = 'reference' AND r.variant = 'original'
          JOIN "Study" s ON s.id = r."studyId" JOIN "Model" m ON m.id = s."modelId" AND m.sha256 = r."modelSha256"
          WHERE v."studyId" = $1 AND v.source = 'reference' AND v.variant = ANY($2::text[])
          GROUP BY v."captureId" HAVING count(*) = $3) probed) AS probed,
       (SELECT count(*)::int FROM "Capture" WHERE "studyId" = $1 AND "referenceStatus" IN ('pending', 'running')) AS pending`,
    [studyId, [...COMPRESSION_PROBE_VARIANTS], COMPRESSION_PROBE_VARIANTS.length],
  );
  return { probeable: Number(row?.probeable ?? 0), probed: Number(row?.probed ?? 0), referencePending: Number(row?.pending ?? 0) };
}

/** Probe one capture and store a reference prediction per setting. "skipped" when it has no original reference prediction of the study's model. */
export async function probeCapture(options: CompressionProbeOptions, captureId: string): Promise<"done" | "skipped"> {
  const { prisma } = options;
  const capture = await prisma.capture.findUnique({
    where: { id: captureId },
    include: { study: { include: { model: true } }, predictions: { where: { source: "reference", variant: "original" } } },
  });
  const original = capture?.predictions[0];
  if (!capture || !original) return "skipped";
  const model = toModelInfo(capture.study.model);
  // Flip rates compare with the original's reference top-1: only meaningful for the same model.
  if (original.modelSha256 !== model.sha256) return "skipped";
  const bytes = await options.readBlob(capture.blobKey);
  const results = await runCompressionProbe(model, bytes, { readModelBytes: options.readModelBytes, maxPixels: options.maxPixels });
  await prisma.$transaction(
    results.map(({ prediction }) => {
      const data = predictionRowData(prediction);
      return prisma.prediction.upsert({
        where: { captureId_source_variant: { captureId, source: "reference", variant: prediction.variant } },
        create: { ...data, captureId, studyId: capture.studyId },
        update: data,
      });
    }),
  );
  return "done";
}

export type CompressionProbeState = "idle" | "queued" | "running";

export type CompressionProbeRunner = {
  /** Queue a study (no-op when it is already queued or running). */
  request(studyId: string): void;
  /** This process's view of a study's probe: queued/running, and captures whose probe failed in its last run. */
  status(studyId: string): { state: CompressionProbeState; failed: number; lastError: string | null };
  /** Resolves when nothing is queued or running. */
  idle(): Promise<void>;
  stop(): Promise<void>;
};

const BATCH = 20;

export function createCompressionProbeRunner(options: CompressionProbeOptions): CompressionProbeRunner {
  const queue: string[] = [];
  const failures = new Map<string, { count: number; lastError: string | null }>();
  let current: string | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const busyWaitMs = options.busyWaitMs ?? 1000;
  const isReferenceBusy =
    options.isReferenceBusy ??
    (async () => (await options.sql.query(`SELECT 1 FROM "Capture" WHERE "referenceStatus" IN ('pending', 'running') LIMIT 1`)).length > 0);

  const waitForReference = async () => {
    while (!stopped && (await isReferenceBusy())) await new Promise((resolve) => setTimeout(resolve, busyWaitMs));
  };

  const probeStudy = async (studyId: string) => {
    const failed = { count: 0, lastError: null as string | null };
    failures.set(studyId, failed);
    let cursor: Cursor | null = null;
    let probed = 0;
    for (;;) {
      await waitForReference();
      if (stopped) return;
      const batch = await listCapturesToProbe(options.sql, studyId, cursor, BATCH);
      if (batch.length === 0) break;
      for (const capture of batch) {
        await waitForReference();
        if (stopped) return;
        cursor = capture;
        try {
          if ((await probeCapture(options, capture.id)) === "done") probed += 1;
        } catch (error) {
          failed.count += 1;
          failed.lastError = (error instanceof Error ? error.message : String(error)).slice(0, 500);
          options.log?.(`compression probe of capture ${capture.id} failed: ${failed.lastError}`);
        }
      }
    }
    if (probed || failed.count) options.log?.(`compression probe of study ${studyId}: ${probed} capture(s) probed, ${failed.count} failed`);
  };

  const drain = () => {
    if (running || stopped) return;
    running = (async () => {
      while (!stopped && queue.length) {
        current = queue.shift()!;
        try {
          await probeStudy(current);
        } catch (error) {
          options.log?.(`compression probe of study ${current}: ${error instanceof Error ? error.message : String(error)}`);
        }
        current = undefined;
      }
    })().finally(() => {
      running = undefined;
    });
  };

  return {
    request(studyId) {
      if (stopped || current === studyId || queue.includes(studyId)) return;
      queue.push(studyId);
      drain();
    },
    status(studyId) {
      const state: CompressionProbeState = current === studyId ? "running" : queue.includes(studyId) ? "queued" : "idle";
      const failed = failures.get(studyId);
      return { state, failed: failed?.count ?? 0, lastError: failed?.lastError ?? null };
    },
    async idle() {
      while (running) await running;
    },
    async stop() {
      stopped = true;
      queue.length = 0;
      while (running) await running;
    },
  };
}
