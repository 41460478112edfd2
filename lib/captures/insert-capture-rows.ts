// The capture's rows in ONE PostgreSQL statement (atomic without a transaction round trip): the
// scene on first use, the capture, its predictions, and the device's last-seen time. This is the
// upload's hot path, so it is raw SQL rather than several ORM calls, and a named prepared statement:
// planning this statement costs more than running it.
//
// Concurrency: the device row is read FOR SHARE, so a device-model key changing in a concurrent
// transaction (updateDeviceIdentity updates the device first, then its captures) is either seen
// here or applied to this capture afterwards. A duplicate clientCaptureId inserts nothing
// (ON CONFLICT), and so does a scene created by a concurrent upload after this statement's
// snapshot; the caller tells the two apart and retries the second.
import type { SqlExecutor } from "@/lib/db/sql-driver";
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import { predictionRowData } from "@/lib/reference/reference-worker";
import type { ExifSummary } from "./exif-location";

export type CaptureRowInput = {
  id: string;
  sceneId: string;
  studyId: string;
  clientCaptureId: string;
  sceneKey: string;
  /** Create the scene when the study has none with this key. */
  createScene: boolean;
  deviceId: string;
  captureMethod: string;
  burstId: string | null;
  burstIndex: number | null;
  blobKey: string;
  sha256: string;
  originalSha256: string;
  sizeBytes: number;
  width: number;
  height: number;
  mime: string;
  orientation: number | null;
  exif: ExifSummary;
  hadLocation: boolean;
  clientCapturedAt: Date | null;
  /** Display mode's detection record (JSON), or null. */
  sceneDetection: unknown;
  predictions: PredictionPayload[];
};

export type InsertedCapture = { id: string; sceneId: string; deviceModelKey: string; createdAt: Date; predictions: Array<{ id: number; createdAt: string }> };

const PREDICTION_RECORD = `"source" text, "variant" text, "backend" text, "runtime" text, "runtimeVersion" text, "runtimeBundle" text, "threads" int,
  "webgpuFailure" text, "modelSha256" text, "top" jsonb, "top1Index" int, "top1Prob" float8, "decodeMs" float8, "preprocessMs" float8,
  "inferenceMs" float8, "preprocessingId" text, "tensorSha256" text, "tensorSummary" jsonb`;

export const INSERT_CAPTURE_SQL = `
WITH dev AS (
  SELECT "deviceModelKey" FROM "Device" WHERE "id" = $1 FOR SHARE
), seen AS (
  UPDATE "Device" SET "lastSeenAt" = CURRENT_TIMESTAMP WHERE "id" = $1 AND "lastSeenAt" < CURRENT_TIMESTAMP - interval '60 seconds' RETURNING "id"
), new_scene AS (
  INSERT INTO "Scene" ("id", "studyId", "key", "position")
  SELECT $2, $3, $4, COALESCE((SELECT MAX("position") + 1 FROM "Scene" WHERE "studyId" = $3), 0)
  -- The scene usually exists: no insertion attempt (and no position lookup) then.
  WHERE $5::boolean AND NOT EXISTS (SELECT 1 FROM "Scene" WHERE "studyId" = $3 AND "key" = $4)
  ON CONFLICT ("studyId", "key") DO NOTHING
  RETURNING "id"
), scene AS (
  SELECT "id" FROM new_scene
  UNION ALL
  SELECT "id" FROM "Scene" WHERE "studyId" = $3 AND "key" = $4
  LIMIT 1
), capture AS (
  INSERT INTO "Capture" ("id", "studyId", "clientCaptureId", "sceneId", "deviceId", "deviceModelKey", "captureMethod", "burstId", "burstIndex",
    "blobKey", "sha256", "originalSha256", "sizeBytes", "width", "height", "mime", "orientation", "exifMake", "exifModel", "exifSoftware",
    "exif", "hadLocation", "clientCapturedAt", "referenceStatus", "sceneDetection")
  SELECT $6, $3, $7, scene."id", $1, dev."deviceModelKey", $8, $9, $10,
    $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
    $22::jsonb, $23, $24::timestamptz, 'pending', $26::jsonb
  FROM scene, dev
  ON CONFLICT ("studyId", "clientCaptureId") DO NOTHING
  RETURNING "id", "sceneId", "deviceModelKey", "createdAt"
), prediction AS (
  INSERT INTO "Prediction" ("captureId", "studyId", "source", "variant", "backend", "runtime", "runtimeVersion", "runtimeBundle", "threads",
    "webgpuFailure", "modelSha256", "top", "top1Index", "top1Prob", "decodeMs", "preprocessMs", "inferenceMs", "preprocessingId",
    "tensorSha256", "tensorSummary")
  SELECT capture."id", $3, p."source", p."variant", p."backend", p."runtime", p."runtimeVersion", p."runtimeBundle", p."threads",
    p."webgpuFailure", p."modelSha256", p."top", p."top1Index", p."top1Prob", p."decodeMs", p."preprocessMs", p."inferenceMs", p."preprocessingId",
    p."tensorSha256", p."tensorSummary"
  FROM capture, jsonb_to_recordset($25::jsonb) AS p(${PREDICTION_RECORD})
  RETURNING "id", "createdAt", "variant"
)
SELECT capture."id", capture."sceneId", capture."deviceModelKey", capture."createdAt",
  COALESCE((SELECT json_agg(json_build_object('id', "id", 'createdAt', "createdAt", 'variant', "variant")) FROM prediction), '[]'::json) AS predictions
FROM capture`;

type Row = { id: string; sceneId: string; deviceModelKey: string; createdAt: Date | string; predictions: unknown };

/** Inserts the rows; null when nothing was inserted (a duplicate clientCaptureId, or a scene not visible yet). */
export async function insertCaptureRows(sql: SqlExecutor, input: CaptureRowInput): Promise<InsertedCapture | null> {
  const predictions = input.predictions.map((prediction) => {
    const { top, tensorSummary, ...rest } = predictionRowData(prediction);
    return { ...rest, top, tensorSummary: tensorSummary ?? null };
  });
  const rows = await sql.query<Row>(INSERT_CAPTURE_SQL, [
    input.deviceId,
    input.sceneId,
    input.studyId,
    input.sceneKey,
    input.createScene,
    input.id,
    input.clientCaptureId,
    input.captureMethod,
    input.burstId,
    input.burstIndex,
    input.blobKey,
    input.sha256,
    input.originalSha256,
    input.sizeBytes,
    input.width,
    input.height,
    input.mime,
    input.orientation,
    input.exif.make ?? null,
    input.exif.model ?? null,
    input.exif.software ?? null,
    JSON.stringify(input.exif),
    input.hadLocation,
    input.clientCapturedAt?.toISOString() ?? null,
    JSON.stringify(predictions),
    input.sceneDetection == null ? null : JSON.stringify(input.sceneDetection),
  ], { name: "insert_capture" });
  const row = rows[0];
  if (!row) return null;
  const inserted = (typeof row.predictions === "string" ? JSON.parse(row.predictions) : row.predictions) as Array<{ id: number; createdAt: string; variant: string }>;
  // Predictions in the order they were sent (variants are unique per capture).
  const byVariant = new Map(inserted.map((p) => [p.variant, p]));
  return {
    id: row.id,
    sceneId: row.sceneId,
    deviceModelKey: row.deviceModelKey,
    createdAt: new Date(row.createdAt),
    predictions: input.predictions.map((p) => {
      const stored = byVariant.get(p.variant)!;
      return { id: stored.id, createdAt: new Date(stored.createdAt).toISOString() };
    }),
  };
}
