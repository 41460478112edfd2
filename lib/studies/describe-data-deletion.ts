// What deleting a study, or one device's data, would remove: rows by kind, and the stored photo
// files that go with them — identical bytes are stored once, so a photo file another study or
// device also uses is counted as kept. Shown to the researcher before they confirm; one SQL
// statement per part, whatever the study's size.
import type { SqlExecutor } from "@/lib/db/sql-driver";
import type { DataSummary } from "./workspace-schemas";

/** A whole study, or one device of a study (its captures and predictions). */
export type DataScope = { studyId: string; deviceId?: undefined } | { studyId: string; deviceId: string };

type CountRow = { devices: number; captures: number; predictions: number; scenes: number; stimuli: number };
type PhotoRow = { photos: number; bytes: number; shared: number };

export async function describeDataDeletion(sql: SqlExecutor, scope: DataScope): Promise<DataSummary> {
  const device = scope.deviceId !== undefined;
  const params = device ? [scope.studyId, scope.deviceId] : [scope.studyId];
  const captureScope = device ? `"studyId" = $1 AND "deviceId" = $2` : `"studyId" = $1`;
  const [counts] = await sql.query<CountRow>(
    device
      ? `SELECT 1::int AS devices,
           (SELECT count(*) FROM "Capture" WHERE ${captureScope})::int AS captures,
           (SELECT count(*) FROM "Prediction" p JOIN "Capture" c ON c.id = p."captureId" WHERE c."studyId" = $1 AND c."deviceId" = $2)::int AS predictions,
           0::int AS scenes, 0::int AS stimuli
         FROM "Device" WHERE id = $2 AND "studyId" = $1`
      : `SELECT (SELECT count(*) FROM "Device" WHERE "studyId" = $1)::int AS devices,
           (SELECT count(*) FROM "Capture" WHERE "studyId" = $1)::int AS captures,
           (SELECT count(*) FROM "Prediction" WHERE "studyId" = $1)::int AS predictions,
           (SELECT count(*) FROM "Scene" WHERE "studyId" = $1)::int AS scenes,
           (SELECT count(*) FROM "Scene" WHERE "studyId" = $1 AND "stimulusBlobKey" IS NOT NULL)::int AS stimuli`,
    params,
  );
  // A photo file stays when a row outside the scope names the same blob.
  const [photos] = await sql.query<PhotoRow>(
    `WITH mine AS (
       SELECT "blobKey" AS key, max("sizeBytes") AS size FROM "Capture" WHERE ${captureScope} GROUP BY "blobKey"
     ), kept AS (
       SELECT c."blobKey" AS key FROM "Capture" c JOIN mine ON mine.key = c."blobKey" WHERE ${device ? `NOT (c."studyId" = $1 AND c."deviceId" = $2)` : `c."studyId" <> $1`}
       UNION SELECT m."blobKey" FROM "Model" m JOIN mine ON mine.key = m."blobKey"
       UNION SELECT s."stimulusBlobKey" FROM "Scene" s JOIN mine ON mine.key = s."stimulusBlobKey" ${device ? "" : `WHERE s."studyId" <> $1`}
     )
     SELECT count(*) FILTER (WHERE kept.key IS NULL)::int AS photos,
            coalesce(sum(mine.size) FILTER (WHERE kept.key IS NULL), 0)::float8 AS bytes,
            count(*) FILTER (WHERE kept.key IS NOT NULL)::int AS shared
     FROM mine LEFT JOIN kept ON kept.key = mine.key`,
    params,
  );
  return {
    devices: counts?.devices ?? 0,
    captures: counts?.captures ?? 0,
    predictions: counts?.predictions ?? 0,
    scenes: counts?.scenes ?? 0,
    photos: photos?.photos ?? 0,
    photoBytes: Math.round(Number(photos?.bytes ?? 0)),
    sharedPhotos: photos?.shared ?? 0,
    stimuli: counts?.stimuli ?? 0,
  };
}
