// "Observation" is kept by the database (prisma/migrations/20261126100000_observation): every
// instability number is read from it, so after any write it must hold exactly one row per
// prediction of a capture as stored, with that capture's current facts — the same rows as the join
// of Capture and Prediction it replaces. "Vote" (prisma/migrations/20261127000000_vote) must then
// hold the votes of those observations: the same rows as the view "ObservationVote" and as the
// votes a report computes (prepareVoteTables, an independent formulation of the rule). Each test
// writes the way the application (or a person with psql) does and compares the tables with those.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSyntheticStudy } from "@/lib/instability/testing/generate-synthetic-study";
import { insertSyntheticStudy } from "@/lib/instability/testing/insert-synthetic-study";
import { insertCaptureRows } from "@/lib/captures/insert-capture-rows";
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import { prepareVoteTables } from "@/lib/instability/sql/prepare-vote-tables";
import { createSeededRandom } from "@/lib/instability/seeded-random";
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

const VOTE_COLUMNS = `"studyId", "source", "sceneSeq", "deviceModelSeq", "label", "captures", "capturesForLabel", "predictionId", "captureId", "createdAt", "topIndices", "text"`;

/**
 * Rows where "Vote" and the view "ObservationVote" differ (0 when they agree), the number of votes,
 * and the votes that differ from those prepareVoteTables computes for each study and source.
 */
async function compareVotes(sql: Sql): Promise<{ differing: number; votes: number; differingFromReport: number }> {
  const [row] = await sql.query<{ differing: number; votes: number }>(
    `WITH expected AS (SELECT ${VOTE_COLUMNS} FROM "ObservationVote"), actual AS (SELECT ${VOTE_COLUMNS} FROM "Vote")
     SELECT (SELECT count(*)::int FROM ((SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) UNION ALL (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected)) d) AS differing,
            (SELECT count(*)::int FROM actual) AS votes`,
  );
  let differingFromReport = 0;
  const scopes = await sql.query<{ studyId: string; source: "device" | "reference" }>(`SELECT DISTINCT "studyId", source FROM "Observation"`);
  for (const { studyId, source } of scopes) {
    differingFromReport += await sql.transaction(async (tx) => {
      await prepareVoteTables(tx, { studyId, source, filters: {} }, undefined, { topK: 3 });
      const [d] = await tx.query<{ n: number }>(
        `WITH expected AS (SELECT scene_seq, model_seq, label, captures, captures_for_label, prediction_id, top_k FROM px_votes),
              actual AS (SELECT "sceneSeq", "deviceModelSeq", label, captures, "capturesForLabel", "predictionId", "topIndices"[1:3] FROM "Vote" WHERE "studyId" = $1 AND source = $2)
         SELECT count(*)::int AS n FROM ((SELECT * FROM expected EXCEPT ALL SELECT * FROM actual) UNION ALL (SELECT * FROM actual EXCEPT ALL SELECT * FROM expected)) d`,
        [studyId, source],
      );
      return d!.n;
    });
  }
  return { ...row!, differingFromReport };
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
    const votes = await compareVotes(db.sql);
    expect(votes).toMatchObject({ differing: 0, differingFromReport: 0 });
    // Groups with several captures, some of them split between labels, are among them.
    const [groups] = await db.sql.query<{ repeated: number; split: number }>(
      `SELECT count(*) FILTER (WHERE captures > 1)::int AS repeated, count(*) FILTER (WHERE "capturesForLabel" < captures)::int AS split FROM "Vote"`,
    );
    expect(groups!.repeated).toBeGreaterThan(0);
    expect(groups!.split).toBeGreaterThan(0);
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
    expect(await compareVotes(db.sql)).toMatchObject({ differing: 0, differingFromReport: 0 });
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
    expect(await compareVotes(db.sql)).toMatchObject({ differing: 0, differingFromReport: 0 });
    // Every capture of one scene deleted: its groups' votes go.
    const [scene] = await db.sql.query<{ seq: number; id: string }>(`SELECT s.seq, s.id FROM "Scene" s JOIN "Capture" c ON c."sceneId" = s.id ORDER BY s.seq LIMIT 1`);
    await db.sql.query(`DELETE FROM "Capture" WHERE "sceneId" = $1`, [scene!.id]);
    expect(await db.sql.query(`SELECT 1 FROM "Vote" WHERE "sceneSeq" = $1`, [scene!.seq])).toEqual([]);
    expect(await compareVotes(db.sql)).toMatchObject({ differing: 0, differingFromReport: 0 });
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
    expect(await compareVotes(db.sql)).toMatchObject({ differing: 0, differingFromReport: 0 });
    const [vote] = await db.sql.query<{ label: number; text: string }>(
      `SELECT v.label, v.text FROM "Vote" v JOIN "Scene" s ON s.seq = v."sceneSeq" WHERE s.id = $1`,
      [inserted!.sceneId],
    );
    expect(vote!.label).toBe(2);
    expect(vote!.text).toMatch(/^\d+ 2 2 4$/);
  });

  it("is rebuilt identically for a study by parallax_rebuild_observations, and removed with its study", async () => {
    const before = await db.sql.query(`SELECT ${COLUMNS} FROM "Observation" ORDER BY "predictionId"`);
    const votesBefore = await db.sql.query(`SELECT ${VOTE_COLUMNS} FROM "Vote" ORDER BY "studyId", source, "sceneSeq", "deviceModelSeq"`);
    expect(votesBefore.length).toBeGreaterThan(0);
    await db.sql.query(`SELECT "parallax_rebuild_observations"($1)`, [study.study.id]);
    expect(await db.sql.query(`SELECT ${COLUMNS} FROM "Observation" ORDER BY "predictionId"`)).toEqual(before);
    expect(await db.sql.query(`SELECT ${VOTE_COLUMNS} FROM "Vote" ORDER BY "studyId", source, "sceneSeq", "deviceModelSeq"`)).toEqual(votesBefore);
    // After a rebuild, writes keep the votes again (the rebuild's marker is gone with its transaction).
    await db.sql.query(`DELETE FROM "Prediction" WHERE id = (SELECT min(id) FROM "Prediction" WHERE variant = 'original')`);
    expect(await compareVotes(db.sql)).toMatchObject({ differing: 0, differingFromReport: 0 });
    await db.sql.query(`DELETE FROM "Study" WHERE id = $1`, [study.study.id]);
    expect(await compareWithJoin(db.sql)).toEqual({ differing: 0, rows: 0 });
    expect(await compareVotes(db.sql)).toEqual({ differing: 0, votes: 0, differingFromReport: 0 });
  });
});

describe("Vote, one observation at a time", () => {
  // Captures of one group arrive in any order, with equal times and any labels: after each, the
  // vote kept incrementally (parallax_observe_prediction) equals the vote of all of them.
  it.each([1, 2, 3])("equals the group's vote after every insert (seed %i)", async (seed) => {
    const db = await createTestDatabase();
    try {
      const small = generateSyntheticStudy({ seed, scenes: 1, deviceModels: 1, devicesPerModel: 3, classes: 3 });
      await insertSyntheticStudy(db.sql, small);
      const random = createSeededRandom(seed);
      const scene = small.scenes[0]!;
      let checked = 0;
      for (let i = 0; i < 40; i++) {
        const id = `0190${String(random.nextInt(10_000)).padStart(4, "0")}-0000-7000-8000-${String(i).padStart(12, "0")}`;
        const createdAt = new Date(Date.UTC(2026, 0, 1, 0, 0, random.nextInt(6)));
        const label = random.nextInt(3);
        await db.sql.query(
          `INSERT INTO "Capture" (id, "studyId", "clientCaptureId", "sceneId", "deviceId", "deviceModelKey", "captureMethod", "blobKey", sha256, "originalSha256", "sizeBytes", width, height, mime, "createdAt")
           SELECT $1, $2, $1, $3, d.id, d."deviceModelKey", 'native-camera', 'b', 's', 's', 1, 1, 1, 'image/jpeg', $5 FROM "Device" d WHERE d.id = $4`,
          [id, small.study.id, scene.id, small.devices[i % small.devices.length]!.id, createdAt],
        );
        await db.sql.query(
          `INSERT INTO "Prediction" ("captureId", "studyId", source, variant, backend, runtime, "modelSha256", top, "top1Index", "top1Prob", "preprocessingId")
           VALUES ($1, $2, 'device', 'original', 'wasm', 'onnxruntime-web', 'm', $3::jsonb, $4, 0.5, 'p')`,
          [id, small.study.id, JSON.stringify([{ index: label, label: "x", prob: 0.5 }, { index: (label + 1) % 3, label: "y", prob: 0.3 }]), label],
        );
        const votes = await compareVotes(db.sql);
        expect(votes, `after insert ${i}`).toMatchObject({ differing: 0, differingFromReport: 0 });
        checked += 1;
      }
      expect(checked).toBe(40);
    } finally {
      await db.close();
    }
  });
});

describe("Vote under concurrent uploads", () => {
  // Uploads of one scene by several phones of one model at once, on several connections (on the
  // PostgreSQL server; PGlite runs them one after another): every upload changes the same vote.
  it("holds the votes of all observations once the uploads are done", async () => {
    const db = await createTestDatabase();
    try {
      const crowd = generateSyntheticStudy({ seed: 5, scenes: 2, deviceModels: 1, devicesPerModel: 6, classes: 3 });
      await insertSyntheticStudy(db.sql, crowd);
      const scene = crowd.scenes[0]!;
      const payload = (i: number): PredictionPayload => ({
        source: "device", variant: "original", backend: "wasm", runtime: "onnxruntime-web", modelSha256: "a".repeat(64), preprocessingId: "p", timings: {},
        top: [{ index: (i * 7) % 3, label: "x", prob: 0.6 }, { index: (i * 7 + 1) % 3, label: "y", prob: 0.3 }],
      });
      const uploads = Array.from({ length: 100 }, (_, i) =>
        insertCaptureRows(db.sql, {
          id: `01900000-0000-7000-8000-${String(i).padStart(12, "0")}`, sceneId: scene.id, studyId: crowd.study.id,
          clientCaptureId: `crowd-${i}`, sceneKey: scene.key, createScene: false, deviceId: crowd.devices[i % crowd.devices.length]!.id,
          captureMethod: "native-camera", burstId: null, burstIndex: null, blobKey: "b", sha256: "s", originalSha256: "s", sizeBytes: 1,
          width: 1, height: 1, mime: "image/jpeg", orientation: null, exif: {}, hadLocation: false, clientCapturedAt: null, sceneDetection: null,
          predictions: [payload(i)],
        }),
      );
      expect((await Promise.all(uploads)).every((inserted) => inserted !== null)).toBe(true);
      expect(await compareVotes(db.sql)).toMatchObject({ differing: 0, differingFromReport: 0 });
      const [group] = await db.sql.query<{ captures: number }>(`SELECT v.captures FROM "Vote" v JOIN "Scene" s ON s.seq = v."sceneSeq" WHERE s.id = $1`, [scene.id]);
      expect(group!.captures).toBeGreaterThanOrEqual(100);
    } finally {
      await db.close();
    }
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
      const votes = await compareVotes(db.sql);
      expect(votes).toMatchObject({ differing: 0, differingFromReport: 0 });
      expect(votes.votes).toBeGreaterThan(0);
    } finally {
      await db.close();
    }
  });
});
