// What every dashboard page needs before its chart: the study (name, model, status), its totals
// (registered scenes, captures, devices, reference inference still to do) and the values its
// filters can take (device models, backends, capture methods, the capture date range).
import "server-only";
import { AppError } from "@/lib/api/app-error";
import type { SqlDriver } from "@/lib/db/sql-driver";
import { readCount } from "@/lib/instability/sql/read-count";
import { compareKeys } from "@/lib/instability/types";
import type { DashboardContext } from "./dashboard-schemas";

const toIso = (value: Date | string | null | undefined) => (value ? new Date(value).toISOString() : null);

export async function getDashboardContext(sql: SqlDriver, studyId: string): Promise<DashboardContext> {
  const [study] = await sql.query<{ id: string; name: string; code: string; status: string; isDemo: boolean; model_name: string; classes: unknown }>(
    `SELECT s.id, s.name, s.code, s.status, s."isDemo", m.name AS model_name, m."numClasses" AS classes FROM "Study" s JOIN "Model" m ON m.id = s."modelId" WHERE s.id = $1`,
    [studyId],
  );
  if (!study) throw new AppError("not_found", `No study with id ${studyId}.`);
  const [scenes] = await sql.query<Record<string, unknown>>(
    `SELECT count(*)::int AS scenes, count("labelIndex")::int AS truth FROM "Scene" WHERE "studyId" = $1`,
    [studyId],
  );
  const [captures] = await sql.query<Record<string, unknown> & { first: Date | string | null; last: Date | string | null }>(
    `SELECT count(*)::int AS captures, count(DISTINCT "deviceId")::int AS devices, min("createdAt") AS first, max("createdAt") AS last,
            count(*) FILTER (WHERE "referenceStatus" IN ('pending', 'running'))::int AS pending,
            count(*) FILTER (WHERE "referenceStatus" = 'failed')::int AS failed
     FROM "Capture" WHERE "studyId" = $1`,
    [studyId],
  );
  const models = await sql.query<{ key: string }>(`SELECT DISTINCT "deviceModelKey" AS key FROM "Capture" WHERE "studyId" = $1`, [studyId]);
  const methods = await sql.query<{ key: string }>(`SELECT DISTINCT "captureMethod" AS key FROM "Capture" WHERE "studyId" = $1`, [studyId]);
  const backends = await sql.query<{ key: string }>(
    `SELECT DISTINCT backend AS key FROM "Prediction" WHERE "studyId" = $1 AND source = 'device' AND variant = 'original'`,
    [studyId],
  );
  const sorted = (rows: { key: string }[]) => rows.map((row) => row.key).sort(compareKeys);
  return {
    study: { id: study.id, name: study.name, code: study.code, status: study.status, isDemo: study.isDemo, modelName: study.model_name, classes: readCount(study.classes) },
    totals: {
      scenes: readCount(scenes?.scenes),
      scenesWithGroundTruth: readCount(scenes?.truth),
      captures: readCount(captures?.captures),
      devices: readCount(captures?.devices),
      referencePending: readCount(captures?.pending),
      referenceFailed: readCount(captures?.failed),
    },
    options: {
      deviceModels: sorted(models),
      backends: sorted(backends),
      captureMethods: sorted(methods),
      firstCaptureAt: toIso(captures?.first),
      lastCaptureAt: toIso(captures?.last),
    },
  };
}
