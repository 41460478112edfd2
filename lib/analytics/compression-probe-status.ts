// A study's compression probe as the API shows it (how many captures are probed, whether this
// server is probing it now) and the request to run it. The probe itself runs in the background
// (lib/reference/compression-probe-queue.ts); these only look and enqueue.
import "server-only";
import type { z } from "zod";
import { AppError } from "@/lib/api/app-error";
import type { SqlExecutor } from "@/lib/db/sql-driver";
import type { CompressionProbeRunner } from "@/lib/reference/compression-probe-queue";
import { countProbedCaptures } from "@/lib/reference/compression-probe-queue";
import { COMPRESSION_PROBE_VARIANTS } from "@/lib/reference/run-compression-probe";
import type { compressionProbeStatusSchema } from "./analytics-schemas";

export type CompressionProbeStatus = z.infer<typeof compressionProbeStatusSchema>;

async function requireStudy(sql: SqlExecutor, studyId: string): Promise<void> {
  const [study] = await sql.query(`SELECT 1 FROM "Study" WHERE id = $1`, [studyId]);
  if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
}

export async function getCompressionProbeStatus(sql: SqlExecutor, runner: CompressionProbeRunner, studyId: string): Promise<CompressionProbeStatus> {
  await requireStudy(sql, studyId);
  const counts = await countProbedCaptures(sql, studyId);
  const own = runner.status(studyId);
  return {
    studyId,
    variants: [...COMPRESSION_PROBE_VARIANTS],
    state: own.state,
    probeableCaptures: counts.probeable,
    probedCaptures: counts.probed,
    remainingCaptures: Math.max(0, counts.probeable - counts.probed),
    referencePending: counts.referencePending,
    failedCaptures: own.failed,
    lastError: own.lastError,
  };
}

/** Queue the study's captures that are not probed yet (idempotent), then report. */
export async function requestCompressionProbe(sql: SqlExecutor, runner: CompressionProbeRunner, studyId: string): Promise<CompressionProbeStatus> {
  await requireStudy(sql, studyId);
  runner.request(studyId);
  return getCompressionProbeStatus(sql, runner, studyId);
}
