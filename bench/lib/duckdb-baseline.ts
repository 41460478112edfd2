// The benchmark's baseline engine: DuckDB (in-process, columnar, vectorised) running the very same
// instability SQL as Parallax, through the SqlDialect hooks, over the same rows loaded from CSV.
// Benchmark-only: the product speaks PostgreSQL alone.
import { writeFileSync } from "node:fs";
import { DuckDBInstance, listValue, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";
import type { SqlDriver, SqlExecutor } from "@/lib/db/sql-driver";
import type { SqlDialect } from "@/lib/instability/sql/sql-dialect";
import type { SyntheticStudy } from "@/lib/instability/testing/generate-synthetic-study";

export const DUCKDB_DIALECT: SqlDialect = {
  name: "duckdb",
  setup: [],
  createTempTable: (name, select) => `CREATE OR REPLACE TEMP TABLE ${name} AS ${select}`,
  analyze: () => null,
  // DuckDB compares VARCHAR by bytes unless told otherwise.
  byteOrder: (expr) => expr,
  textArrayParameter: (position) => `$${position}::VARCHAR[]`,
  voteText: (model, label, top) => `array_to_string(list_transform([${model}, ${label}] || ${top}, x -> coalesce(CAST(x AS VARCHAR), 'n')), ' ')`,
  // The rows are loaded without Parallax's triggers: every report computes its votes.
  keepsVotes: false,
  // DuckDB transactions see one snapshot.
  oneSnapshot: null,
};

function toDuckValue(value: unknown): DuckDBValue {
  if (Array.isArray(value)) return listValue(value.map(toDuckValue));
  if (value instanceof Date) return value.toISOString();
  return value as DuckDBValue;
}

export function duckdbDriver(connection: DuckDBConnection): SqlDriver {
  const executor: SqlExecutor = {
    async exec(sql) {
      await connection.run(sql);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      const reader = await connection.runAndReadAll(sql, params.length ? params.map(toDuckValue) : undefined);
      return reader.getRowObjectsJS() as T[];
    },
  };
  return {
    ...executor,
    async transaction(fn) {
      await connection.run("BEGIN TRANSACTION");
      try {
        const result = await fn(executor);
        await connection.run("COMMIT");
        return result;
      } catch (error) {
        await connection.run("ROLLBACK");
        throw error;
      }
    },
  };
}

const csvField = (value: string | number | null) => (value === null ? "" : typeof value === "number" ? String(value) : `"${value.replaceAll('"', '""')}"`);

/** Loads the columns the instability SQL reads into a fresh in-memory DuckDB; prediction ids follow insertion order, as a fresh PostgreSQL SERIAL does. */
export async function loadDuckDb(study: SyntheticStudy, workDir: string): Promise<{ connection: DuckDBConnection; close(): void }> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run(`
    CREATE TABLE "Scene" (id VARCHAR, "studyId" VARCHAR, "labelIndex" INTEGER);
    CREATE TABLE "Capture" (id VARCHAR, "studyId" VARCHAR, "sceneId" VARCHAR, "deviceId" VARCHAR, "deviceModelKey" VARCHAR, "captureMethod" VARCHAR, "createdAt" TIMESTAMPTZ);
    CREATE TABLE "Prediction" (id INTEGER, "captureId" VARCHAR, "studyId" VARCHAR, source VARCHAR, variant VARCHAR, backend VARCHAR, top JSON, "top1Index" INTEGER, "top1Prob" DOUBLE, "topIndices" INTEGER[]);
  `);
  const scenesFile = `${workDir}/duck-scenes.csv`;
  writeFileSync(scenesFile, study.scenes.map((s) => [csvField(s.id), csvField(s.studyId), csvField(s.labelIndex)].join(",")).join("\n") + "\n");
  await connection.run(`COPY "Scene" FROM '${scenesFile}' (FORMAT csv, HEADER false)`);
  let predictionId = 0;
  let part = 0;
  for (const chunk of study.chunks()) {
    const capturesFile = `${workDir}/duck-captures-${part}.csv`;
    const predictionsFile = `${workDir}/duck-predictions-${part}.csv`;
    part += 1;
    writeFileSync(
      capturesFile,
      chunk.captures
        .map((c) => [c.id, c.studyId, c.sceneId, c.deviceId, c.deviceModelKey, c.captureMethod, new Date(c.createdAt).toISOString()].map(csvField).join(","))
        .join("\n") + "\n",
    );
    writeFileSync(
      predictionsFile,
      chunk.predictions
        .map((p) => [csvField((predictionId += 1)), csvField(p.captureId), csvField(p.studyId), csvField(p.source), csvField(p.variant), csvField(p.backend), csvField(JSON.stringify(p.top)), csvField(p.top1Index), csvField(p.top1Prob)].join(","))
        .join("\n") + "\n",
    );
    await connection.run(`COPY "Capture" FROM '${capturesFile}' (FORMAT csv, HEADER false)`);
    await connection.run(`COPY "Prediction" (id, "captureId", "studyId", source, variant, backend, top, "top1Index", "top1Prob") FROM '${predictionsFile}' (FORMAT csv, HEADER false)`);
  }
  // PostgreSQL's observation trigger computes these from top (parallax_top_indices).
  await connection.run(`UPDATE "Prediction" SET "topIndices" = CAST(json_extract(top, '$[*].index') AS INTEGER[])`);
  // PostgreSQL numbers scenes, devices and device-model keys and keeps "Observation" by triggers
  // (prisma/migrations/…_observation); here the same tables are built once after the load.
  await connection.run(`
    ALTER TABLE "Scene" ADD COLUMN seq INTEGER;
    UPDATE "Scene" SET seq = n.seq FROM (SELECT id, row_number() OVER (ORDER BY id) AS seq FROM "Scene") n WHERE n.id = "Scene".id;
    CREATE TABLE "Device" AS SELECT id, row_number() OVER (ORDER BY id)::INTEGER AS seq FROM (SELECT DISTINCT "deviceId" AS id FROM "Capture");
    CREATE TABLE "DeviceModelKey" AS SELECT key, row_number() OVER (ORDER BY key)::INTEGER AS seq FROM (SELECT DISTINCT "deviceModelKey" AS key FROM "Capture");
    CREATE TABLE "Observation" AS
      SELECT p.id AS "predictionId", p."studyId", p.source, c.id AS "captureId", s.seq AS "sceneSeq", d.seq AS "deviceSeq", k.seq AS "deviceModelSeq",
             c."createdAt", c."captureMethod", p.backend, p."top1Index" AS label, p."topIndices"
      FROM "Prediction" p JOIN "Capture" c ON c.id = p."captureId" JOIN "Scene" s ON s.id = c."sceneId"
      JOIN "Device" d ON d.id = c."deviceId" JOIN "DeviceModelKey" k ON k.key = c."deviceModelKey"
      WHERE p.variant = 'original';
  `);
  return { connection, close: () => connection.closeSync() };
}
