// Loads a synthetic study into a Parallax database (PGlite or PostgreSQL) through raw SQL: one
// multi-row INSERT … SELECT FROM unnest($1::text[], …) per chunk and table, which is ~10× faster
// than Prisma's createMany on PGlite and needs no COPY support from the driver.
import type { SqlExecutor } from "@/lib/db/sql-driver";
import type { SyntheticChunk, SyntheticStudy } from "./generate-synthetic-study";

/** Writes one chunk of captures and predictions (the default is INSERT … unnest; the benchmark uses COPY on PGlite). */
export type ChunkWriter = (chunk: SyntheticChunk, modelSha256: string) => Promise<void>;

const PREPROCESSING = JSON.stringify({ resize: "shorter-side", crop: "center", mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });

export async function insertSyntheticStudy(
  sql: SqlExecutor,
  study: SyntheticStudy,
  onProgress?: (rows: number) => void,
  options: {
    skipForeignKeyChecks?: boolean;
    writeChunk?: ChunkWriter;
  } = {},
): Promise<{ captures: number; predictions: number }> {
  const { model } = study;
  // Generated rows are consistent by construction; a superuser session may skip the per-row
  // foreign-key triggers of a bulk load (the benchmark does, tests do not).
  if (options.skipForeignKeyChecks) await sql.exec("SET session_replication_role = replica");
  await sql.query(
    `INSERT INTO "Model" (id, name, sha256, "blobKey", "sizeBytes", "inputName", "outputName", layout, "inputWidth", "inputHeight", preprocessing, labels, "numClasses")
     VALUES ($1, 'synthetic', $2, $3, 0, 'input', 'output', 'NCHW', 224, 224, $4::jsonb, $5::jsonb, $6)`,
    [model.id, model.sha256, `models/${model.sha256}.onnx`, PREPROCESSING, JSON.stringify(model.labels), model.labels.length],
  );
  await sql.query(`INSERT INTO "Study" (id, name, code, "modelId", "consentText") VALUES ($1, $2, $3, $4, 'Synthetic study.')`, [
    study.study.id,
    study.study.name,
    study.study.code,
    study.study.modelId,
  ]);
  const scenes = study.scenes;
  for (let start = 0; start < scenes.length; start += 20_000) {
    const part = scenes.slice(start, start + 20_000);
    await sql.query(
      `INSERT INTO "Scene" (id, "studyId", key, label, "labelIndex", position)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[])`,
      [part.map((s) => s.id), part.map((s) => s.studyId), part.map((s) => s.key), part.map((s) => s.label), part.map((s) => s.labelIndex), part.map((s) => s.position)],
    );
  }
  const devices = study.devices;
  await sql.query(
    `INSERT INTO "Device" (id, "studyId", "tokenHash", "deviceModelKey", "deviceModelSource", "userAgent", "uaPlatform", "isSimulated")
     SELECT id, study, token, model, 'user-agent', ua, platform, true FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS t(id, study, token, model, ua, platform)`,
    [devices.map((d) => d.id), devices.map((d) => d.studyId), devices.map((d) => d.tokenHash), devices.map((d) => d.deviceModelKey), devices.map((d) => d.userAgent), devices.map((d) => d.uaPlatform)],
  );
  let captures = 0;
  let predictions = 0;
  for (const chunk of study.chunks()) {
    await (options.writeChunk ?? ((c, sha) => insertChunk(sql, c, sha)))(chunk, model.sha256);
    captures += chunk.captures.length;
    predictions += chunk.predictions.length;
    onProgress?.(captures);
  }
  if (options.skipForeignKeyChecks) {
    await sql.exec("SET session_replication_role = DEFAULT");
    // Triggers did not run either: observe the study's predictions in one statement.
    await sql.query(`SELECT "parallax_rebuild_observations"($1)`, [study.study.id]);
  }
  return { captures, predictions };
}

async function insertChunk(sql: SqlExecutor, chunk: SyntheticChunk, modelSha256: string) {
  const c = chunk.captures;
  await sql.query(
    `INSERT INTO "Capture" (id, "studyId", "clientCaptureId", "sceneId", "deviceId", "deviceModelKey", "captureMethod", "blobKey", sha256, "originalSha256", "sizeBytes", width, height, mime, "createdAt", "referenceStatus")
     SELECT id, study, id, scene, device, model, method, 'synthetic/' || id, 'synthetic', 'synthetic', 0, 640, 480, 'image/jpeg', created::timestamptz, 'done'
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS t(id, study, scene, device, model, method, created)`,
    [
      c.map((r) => r.id),
      c.map((r) => r.studyId),
      c.map((r) => r.sceneId),
      c.map((r) => r.deviceId),
      c.map((r) => r.deviceModelKey),
      c.map((r) => r.captureMethod),
      c.map((r) => new Date(r.createdAt).toISOString()),
    ],
  );
  const p = chunk.predictions;
  await sql.query(
    `INSERT INTO "Prediction" ("captureId", "studyId", source, variant, backend, runtime, "modelSha256", top, "top1Index", "top1Prob", "preprocessingId")
     SELECT capture, study, source, variant, backend, CASE WHEN source = 'device' THEN 'onnxruntime-web' ELSE 'onnxruntime-node' END, $8, top::jsonb, top1, prob, 'synthetic'
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $9::float8[]) AS t(capture, study, source, variant, backend, top, top1, prob)`,
    [
      p.map((r) => r.captureId),
      p.map((r) => r.studyId),
      p.map((r) => r.source),
      p.map((r) => r.variant),
      p.map((r) => r.backend),
      p.map((r) => JSON.stringify(r.top)),
      p.map((r) => r.top1Index),
      modelSha256,
      p.map((r) => r.top1Prob),
    ],
  );
}
