// Everything known about one scene of a study: its ground truth, every capture of it (device,
// method, time, size, EXIF, reference status) with every prediction (phone, server reference,
// compression-probe variants), and — under the dashboard's filters — each device model's vote and
// the scene's status (eligible, unstable, correctness-mixed). The votes come from the product's
// pure vote function over the scene's in-scope predictions, which the SQL path is tested to equal.
import "server-only";
import { AppError } from "@/lib/api/app-error";
import type { SqlDriver } from "@/lib/db/sql-driver";
import { computeVotes } from "@/lib/instability/compute-votes";
import { buildCaptureScope } from "@/lib/instability/sql/instability-filters";
import { readCount } from "@/lib/instability/sql/read-count";
import { POSTGRES_DIALECT } from "@/lib/instability/sql/sql-dialect";
import { summariseScenes } from "@/lib/instability/summarise-scenes";
import type { CapturePrediction } from "@/lib/instability/types";
import type { AnalyticsQuery } from "./analytics-schemas";
import type { SceneReport, VoteView } from "./dashboard-schemas";
import { readTopList } from "./read-vote-details";
import { resolveStudyScope } from "./study-scope";

/** A scene with more captures than this shows the first ones (the votes still count them all). */
export const SCENE_REPORT_MAX_CAPTURES = 500;

type CaptureRow = {
  id: string;
  deviceId: string;
  deviceModelKey: string;
  captureMethod: string;
  createdAt: Date | string;
  burstId: string | null;
  burstIndex: number | null;
  width: number;
  height: number;
  sizeBytes: number;
  mime: string;
  exifMake: string | null;
  exifModel: string | null;
  exifSoftware: string | null;
  referenceStatus: string;
  referenceError: string | null;
  userAgent: string | null;
  isSimulated: boolean;
  deviceModelSource: string;
};

type PredictionRow = {
  captureId: string;
  source: string;
  variant: string;
  backend: string;
  runtime: string;
  runtimeVersion: string | null;
  webgpuFailure: string | null;
  top1Index: number;
  top1Prob: number;
  top: unknown;
  decodeMs: number | null;
  preprocessMs: number | null;
  inferenceMs: number | null;
};

const VARIANT_ORDER = ["original", "rectified", "lossless", "jpeg-q95", "jpeg-q75", "jpeg-q50"];

export async function getSceneReport(sql: SqlDriver, studyId: string, sceneId: string, query: AnalyticsQuery): Promise<SceneReport> {
  const { scope, filters, labels } = await resolveStudyScope(sql, studyId, query);
  const [scene] = await sql.query<{ id: string; key: string; label: string | null; labelIndex: number | null; position: number; has_stimulus: boolean }>(
    `SELECT id, key, label, "labelIndex", position, "stimulusBlobKey" IS NOT NULL AS has_stimulus FROM "Scene" WHERE id = $1 AND "studyId" = $2`,
    [sceneId, studyId],
  );
  if (!scene) throw new AppError("not_found", `No scene with id ${sceneId} in this study.`);

  const captureRows = await sql.query<CaptureRow>(
    `SELECT c.id, c."deviceId", c."deviceModelKey", c."captureMethod", c."createdAt", c."burstId", c."burstIndex", c.width, c.height, c."sizeBytes", c.mime,
            c."exifMake", c."exifModel", c."exifSoftware", c."referenceStatus", c."referenceError", d."userAgent", d."isSimulated", d."deviceModelSource"
     FROM "Capture" c JOIN "Device" d ON d.id = c."deviceId"
     WHERE c."studyId" = $1 AND c."sceneId" = $2
     ORDER BY c."createdAt", c.id COLLATE "C"
     LIMIT ${SCENE_REPORT_MAX_CAPTURES}`,
    [studyId, sceneId],
  );
  const predictionRows = await sql.query<PredictionRow>(
    `SELECT "captureId", source, variant, backend, runtime, "runtimeVersion", "webgpuFailure", "top1Index", "top1Prob", top, "decodeMs", "preprocessMs", "inferenceMs"
     FROM "Prediction" WHERE "captureId" = ANY($1::text[])`,
    [captureRows.map((row) => row.id)],
  );

  // The scene's predictions that the dashboard's filters and source count.
  const { from, where, params } = buildCaptureScope(scope, POSTGRES_DIALECT);
  const inScopeRows = await sql.query<{ id: string; deviceId: string; deviceModelKey: string; createdAt: Date | string; top1Index: number; top: unknown }>(
    `SELECT c.id, c."deviceId", c."deviceModelKey", c."createdAt", p."top1Index", p.top FROM ${from} WHERE ${where} AND c."sceneId" = $${params.length + 1}`,
    [...params, sceneId],
  );
  const inScope: CapturePrediction[] = inScopeRows.map((row) => ({
    captureId: row.id,
    sceneId,
    deviceId: row.deviceId,
    deviceModelKey: row.deviceModelKey,
    capturedAt: new Date(row.createdAt).getTime(),
    top1: readCount(row.top1Index),
    topIndices: readTopList(row.top).map((entry) => entry.index),
  }));
  const votes = computeVotes(inScope);
  const groundTruth = new Map(scene.labelIndex === null ? [] : [[sceneId, scene.labelIndex]]);
  const [summary] = summariseScenes(votes, groundTruth);

  const predictionsByCapture = new Map<string, PredictionRow[]>();
  for (const row of predictionRows) {
    const list = predictionsByCapture.get(row.captureId) ?? [];
    list.push(row);
    predictionsByCapture.set(row.captureId, list);
  }
  const findPrediction = (captureId: string, source: string) => predictionsByCapture.get(captureId)?.find((p) => p.source === source && p.variant === "original");
  const other = query.source === "device" ? "reference" : "device";

  const voteViews: VoteView[] = votes.map((vote) => {
    const own = findPrediction(vote.representativeCaptureId, query.source);
    const counterpart = findPrediction(vote.representativeCaptureId, other);
    return {
      deviceModel: vote.deviceModelKey,
      label: vote.label,
      labelName: labels[vote.label] ?? null,
      captures: vote.captures,
      capturesForLabel: vote.capturesForLabel,
      captureId: vote.representativeCaptureId,
      top: readTopList(own?.top),
      isCorrect: scene.labelIndex === null ? null : scene.labelIndex === vote.label,
      counterpart: counterpart ? { source: other, top1Index: counterpart.top1Index, top: readTopList(counterpart.top) } : null,
    };
  });

  const majorityVotes = summary ? votes.filter((vote) => vote.label === summary.majorityLabel).length : 0;
  const scopeIds = new Set(inScope.map((p) => p.captureId));
  const lastCapture = inScope.reduce<number | null>((latest, p) => (latest === null || p.capturedAt > latest ? p.capturedAt : latest), null);
  return {
    studyId,
    source: query.source,
    filters,
    scene: { id: scene.id, key: scene.key, label: scene.label, labelIndex: scene.labelIndex, position: scene.position, hasStimulus: scene.has_stimulus },
    summary: summary
      ? {
          sceneId,
          sceneKey: scene.key,
          groundTruth: scene.labelIndex === null ? null : { index: scene.labelIndex, label: labels[scene.labelIndex] ?? scene.label },
          votes: summary.votes,
          distinctLabels: summary.distinctLabels,
          isEligible: summary.isEligible,
          isUnstable: summary.isUnstable,
          isCorrectnessMixed: summary.isCorrectnessMixed,
          majority: { index: summary.majorityLabel, label: labels[summary.majorityLabel] ?? null, votes: majorityVotes },
          lastCaptureAt: lastCapture === null ? null : new Date(lastCapture).toISOString(),
        }
      : null,
    votes: voteViews,
    captures: captureRows.map((row) => ({
      id: row.id,
      inScope: scopeIds.has(row.id),
      deviceId: row.deviceId,
      deviceModelKey: row.deviceModelKey,
      captureMethod: row.captureMethod,
      createdAt: new Date(row.createdAt).toISOString(),
      burstId: row.burstId,
      burstIndex: row.burstIndex,
      width: row.width,
      height: row.height,
      sizeBytes: row.sizeBytes,
      mime: row.mime,
      exif: { make: row.exifMake, model: row.exifModel, software: row.exifSoftware },
      device: { userAgent: row.userAgent, isSimulated: row.isSimulated, deviceModelSource: row.deviceModelSource },
      referenceStatus: row.referenceStatus,
      referenceError: row.referenceError,
      predictions: (predictionsByCapture.get(row.id) ?? [])
        .sort((x, y) => x.source.localeCompare(y.source) || VARIANT_ORDER.indexOf(x.variant) - VARIANT_ORDER.indexOf(y.variant))
        .map((p) => ({
          source: p.source === "reference" ? ("reference" as const) : ("device" as const),
          variant: p.variant,
          backend: p.backend,
          runtime: p.runtime,
          runtimeVersion: p.runtimeVersion,
          webgpuFailure: p.webgpuFailure,
          top1Index: readCount(p.top1Index),
          top1Prob: p.top1Prob,
          top: readTopList(p.top),
          timings: { decodeMs: p.decodeMs, preprocessMs: p.preprocessMs, inferenceMs: p.inferenceMs },
        })),
    })),
  };
}
