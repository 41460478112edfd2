// "Observation" is kept by the database (prisma/migrations/20261126100000_observation): every
// instability number is read from it, so after any write it must hold exactly one row per
// prediction of a capture as stored, with that capture's current facts — the same rows as the join
// of Capture and Prediction it replaces. Each test writes the way the application (or a person
// with psql) does and compares the table with that join.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSyntheticStudy } from "@/lib/instability/testing/generate-synthetic-study";
import { insertSyntheticStudy } from "@/lib/instability/testing/insert-synthetic-study";
import { insertCaptureRows } from "@/lib/captures/insert-capture-rows";
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import { applyMigrations, readMigrations } from "./migrate";
import { createTestDatabase, type TestDatabase } from "./test-database";

const COLUMNS = `"predictionId", "studyId", "source", "captureId", "sceneSeq", "deviceSeq", "deviceModelSeq", "createdAt", "captureMethod", "backend", "label", "topIndices"`;
const EXPECTED = `
  SELECT p.id AS "predictionId", p."studyId", p.source, c.id AS "captureId", s.seq AS "sceneSeq", d.seq AS "deviceSeq", k.seq AS "deviceModelSeq",
         c."createdAt", c."captureMethod", p.backend, p."top1Index" AS label, parallax_top_indices(p.top) AS "topIndices"
  FROM "Prediction" p JOIN "Capture" c ON c.id = p."captureId" JOIN "Scene" s ON s.id = c."sceneId" JOIN "Device" d ON d.id = c."deviceId"
  LEFT JOIN "DeviceModelKey" k ON k.key = c."deviceModelKey"
  WHERE p.variant = 'original'`;

type Sql = TestDatabase["sql"];

/** Rows of "Observation" that the join lacks plus rows of the join that "Observation" lacks (0 when they agree), and the row count. */
async function compareWithJoin(sql: Sql): Promise<{ differing: number; rows: number }> {
  const [row] = await sql.query<{ differing: number; rows: number }>(
    `WITH expected AS (${EXPECTED}), actual AS (SELECT ${COLUMNS} FROM "Observation")
     SELECT (SELECT count(*)::int FROM ((SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) UNION ALL (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected)) d) AS differing,
            (SELECT count(*)::int FROM actual) AS rows`,
  );
  return row!;
}

const study = generateSyntheticStudy({ seed: 41, scenes: 12, deviceModels: 4, classes: 6, repeatShare: 0.3, referenceShare: 0.6, probeVariants: ["jpeg-q50"] });

describe("Observation", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
    await insertSyntheticStudy(db.sql, study);
  });
  afterAll(() => db?.close());

  it("holds one row per original prediction, device and reference, with its capture's facts", async () => {
    const [counts] = await db.sql.query<{ original: number; other: number }>(
      `SELECT count(*) FILTER (WHERE variant = 'original')::int AS original, count(*) FILTER (WHERE variant <> 'original')::int AS other FROM "Prediction"`,
    );
    expect(counts!.other).toBeGreaterThan(0);
    expect(await compareWithJoin(db.sql)).toEqual({ differing: 0, rows: counts!.original });
    const sources = await db.sql.query<{ source: string }>(`SELECT DISTINCT source FROM "Observation" ORDER BY 1`);
    expect(sources.map((s) => s.source)).toEqual(["device", "reference"]);
  });

  it("follows a capture moved to another scene, a device given a new model key, a new time or capture method", async () => {
    const [capture] = await db.sql.query<{ id: string; sceneId: string }>(`SELECT id, "sceneId" FROM "Capture" ORDER BY id LIMIT 1`);
    const [other] = await db.sql.query<{ id: string }>(`SELECT id FROM "Scene" WHERE id <> $1 ORDER BY id LIMIT 1`, [capture!.sceneId]);
    await db.sql.query(`UPDATE "Capture" SET "sceneId" = $1 WHERE id = $2`, [other!.id, capture!.id]);
    // As updateDeviceIdentity does: a key never seen before is numbered on first use.
    const [device] = await db.sql.query<{ id: string }>(`SELECT id FROM "Device" ORDER BY id LIMIT 1`);
    await db.sql.query(`UPDATE "Device" SET "deviceModelKey" = 'brand-new phone' WHERE id = $1`, [device!.id]);
    await db.sql.query(`UPDATE "Capture" SET "deviceModelKey" = 'brand-new phone' WHERE "deviceId" = $1`, [device!.id]);
    await db.sql.query(`UPDATE "Capture" SET "createdAt" = "createdAt" + interval '1 second', "captureMethod" = 'gallery' WHERE id IN (SELECT id FROM "Capture" ORDER BY id DESC LIMIT 3)`);
    expect(await compareWithJoin(db.sql)).toMatchObject({ differing: 0 });
    const [moved] = await db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "Observation" o JOIN "DeviceModelKey" k ON k.seq = o."deviceModelSeq" WHERE k.key = 'brand-new phone'`,
    );
    expect(moved!.n).toBeGreaterThan(0);
  });

  it("follows predictions changed or deleted, and captures deleted", async () => {
    await db.sql.query(`UPDATE "Prediction" SET "top1Index" = ("top1Index" + 1) % 6, top = '[{"index": 5, "label": "x", "prob": 0.9}]'::jsonb WHERE id IN (SELECT id FROM "Prediction" ORDER BY id LIMIT 4)`);
    // A probe variant renamed to "original" is observed; an original renamed to a probe variant is not.
    await db.sql.query(`UPDATE "Prediction" SET variant = 'jpeg-q75' WHERE id = (SELECT min(id) FROM "Prediction" WHERE variant = 'original' AND source = 'reference')`);
    await db.sql.query(`DELETE FROM "Prediction" WHERE id IN (SELECT id FROM "Prediction" WHERE variant = 'original' ORDER BY id DESC LIMIT 2)`);
    await db.sql.query(`DELETE FROM "Capture" WHERE id IN (SELECT id FROM "Capture" ORDER BY id DESC LIMIT 2)`);
    expect(await compareWithJoin(db.sql)).toMatchObject({ differing: 0 });
  });

  it("is observed by the upload's own single statement (scene, capture and predictions inserted together)", async () => {
    const [device] = await db.sql.query<{ id: string }>(`SELECT id FROM "Device" ORDER BY id DESC LIMIT 1`);
    const prediction = (variant: "original" | "rectified"): PredictionPayload => ({
      source: "device", variant, backend: "wasm", runtime: "onnxruntime-web", modelSha256: "a".repeat(64), preprocessingId: "p", timings: {},
      top: [{ index: 2, label: "class 0002", prob: 0.7 }, { index: 4, label: "class 0004", prob: 0.2 }],
    });
    const inserted = await insertCaptureRows(db.sql, {
      id: "01900000-0000-7000-8000-00000000a001", sceneId: "01900000-0000-7000-8000-00000000a002", studyId: study.study.id,
      clientCaptureId: "upload-1", sceneKey: "a scene first seen in this upload", createScene: true, deviceId: device!.id, captureMethod: "native-camera",
      burstId: null, burstIndex: null, blobKey: "b", sha256: "s", originalSha256: "s", sizeBytes: 1, width: 1, height: 1, mime: "image/jpeg",
      orientation: null, exif: {}, hadLocation: false, clientCapturedAt: null, sceneDetection: null,
      predictions: [prediction("original"), prediction("rectified")],
    });
    expect(inserted).not.toBeNull();
    const rows = await db.sql.query<{ label: number; topIndices: number[] }>(`SELECT label, "topIndices" FROM "Observation" WHERE "captureId" = $1`, [inserted!.id]);
    expect(rows).toEqual([{ label: 2, topIndices: [2, 4] }]);
    expect(await compareWithJoin(db.sql)).toMatchObject({ differing: 0 });
  });

  it("is rebuilt identically for a study by parallax_rebuild_observations, and removed with its study", async () => {
    const before = await db.sql.query(`SELECT ${COLUMNS} FROM "Observation" ORDER BY "predictionId"`);
    await db.sql.query(`SELECT "parallax_rebuild_observations"($1)`, [study.study.id]);
    expect(await db.sql.query(`SELECT ${COLUMNS} FROM "Observation" ORDER BY "predictionId"`)).toEqual(before);
    await db.sql.query(`DELETE FROM "Study" WHERE id = $1`, [study.study.id]);
    expect(await compareWithJoin(db.sql)).toEqual({ differing: 0, rows: 0 });
  });
});

describe("the Observation migration", () => {
  it("observes the predictions that exist when it runs", async () => {
    const db = await createTestDatabase({ migrate: false });
    try {
      const migrations = readMigrations();
      const index = migrations.findIndex((m) => m.name.endsWith("_observation"));
      expect(index).toBeGreaterThan(0);
      await applyMigrations(db.sql, migrations.slice(0, index));
      await insertSyntheticStudy(db.sql, study);
      await applyMigrations(db.sql, migrations);
      const [predictions] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Prediction" WHERE variant = 'original'`);
      expect(await compareWithJoin(db.sql)).toEqual({ differing: 0, rows: predictions!.n });
    } finally {
      await db.close();
    }
  });
});
