// The API-level functions on a study built from known votes: every count is worked out by hand.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { buildTableStudy } from "@/lib/instability/testing/build-table-study";
import { insertSyntheticStudy } from "@/lib/instability/testing/insert-synthetic-study";
import { analyticsQuerySchema } from "./analytics-schemas";
import { formatCsv } from "./format-csv";
import { getPairwiseHeatmap } from "./get-study-charts";
import { getStudyInstability } from "./get-study-instability";

const labels = ["class 0", "class 1", "class 2", "class 3"];
const STUDY = "study-known-votes";
const T0 = Date.UTC(2026, 2, 1);

// [capture id, scene, device, device model, minute, top-1]
//   s1 (truth 0): A votes 1 (0, 1, 1 from two phones), B 0, C 0   → unstable, mixed
//   s2 (truth 1): A 1, B 1, C 1                                    → stable, all correct
//   s3 (truth 2): A ties 3 vs 2 at the same instant; id "s3-a2" < "s3-z1" → 2; B 3 → unstable, mixed
//   s4 (no truth): A 0, C 0                                        → stable
//   s5 (truth 1): B 1 alone                                        → not eligible
const rows: [string, string, string, string, number, number][] = [
  ["s1-a1-1", "s1", "a1", "A", 1, 0],
  ["s1-a1-2", "s1", "a1", "A", 2, 1],
  ["s1-a2", "s1", "a2", "A", 3, 1],
  ["s1-b1", "s1", "b1", "B", 1, 0],
  ["s1-c1", "s1", "c1", "C", 1, 0],
  ["s2-a1", "s2", "a1", "A", 5, 1],
  ["s2-b1", "s2", "b1", "B", 5, 1],
  ["s2-c1", "s2", "c1", "C", 5, 1],
  ["s3-z1", "s3", "a1", "A", 10, 3],
  ["s3-a2", "s3", "a2", "A", 10, 2],
  ["s3-b1", "s3", "b1", "B", 10, 3],
  ["s4-a1", "s4", "a1", "A", 20, 0],
  ["s4-c1", "s4", "c1", "C", 20, 0],
  ["s5-b1", "s5", "b1", "B", 30, 1],
];
const truth: Record<string, number | null> = { s1: 0, s2: 1, s3: 2, s4: null, s5: 1 };

const study = buildTableStudy({
  study: { id: STUDY, name: "Known votes", code: "knownvotes" },
  model: { id: "model-known", sha256: "a".repeat(64), labels },
  scenes: Object.entries(truth).map(([id, labelIndex]) => ({ id, key: id, labelIndex })),
  devices: ["a1", "a2", "b1", "c1"].map((id) => ({ id, tokenHash: `token-${id}`, deviceModelKey: id[0]!.toUpperCase() })),
  captures: rows.map(([id, sceneId, deviceId, model, minute, top1]) => ({
    id,
    sceneId,
    deviceId,
    deviceModelKey: model,
    createdAt: T0 + minute * 60_000,
    predictions: [
      {
        source: "device",
        variant: "original",
        backend: "wasm",
        top: [
          { index: top1, label: labels[top1]!, prob: 0.9 },
          { index: (top1 + 1) % 4, label: labels[(top1 + 1) % 4]!, prob: 0.05 },
        ],
        top1Index: top1,
        top1Prob: 0.9,
      },
    ],
  })),
});

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertSyntheticStudy(db.sql, study);
}, 180_000); // generous: CI runs every test file at once on 2 cores
afterAll(async () => {
  await db?.close();
});

const query = (input: Record<string, string> = {}) => analyticsQuerySchema.parse(input);

describe("getStudyInstability", () => {
  it("returns exactly the hand-counted numbers", async () => {
    const report = await getStudyInstability(db.sql, STUDY, query({ k: "1" }));
    expect(report).toMatchObject({
      studyId: STUDY,
      source: "device",
      filters: {},
      k: 1,
      captures: 14,
      devices: 4,
      scenes: 5,
      eligibleScenes: 4,
      unstableScenes: 2,
      labelInstability: 0.5,
      groundTruthScenes: 3,
      correctnessUnstableScenes: 2,
      correctnessInstability: 2 / 3,
      withinDeviceGroups: 1,
      withinDeviceUnstableGroups: 1,
      withinDeviceInstability: 1,
    });
    expect(report.ci95).toMatchObject({ level: 0.95, resamples: 1000 });
    expect(report.pairwise).toEqual([
      { a: "A", b: "B", sharedScenes: 3, disagreements: 2, instability: 2 / 3, correctness: { sharedScenes: 3, disagreements: 2, instability: 2 / 3 }, topK: { k: 1, agreements: 1, agreement: 1 / 3 } },
      { a: "A", b: "C", sharedScenes: 3, disagreements: 1, instability: 1 / 3, correctness: { sharedScenes: 2, disagreements: 1, instability: 0.5 }, topK: { k: 1, agreements: 2, agreement: 2 / 3 } },
      { a: "B", b: "C", sharedScenes: 2, disagreements: 0, instability: 0, correctness: { sharedScenes: 2, disagreements: 0, instability: 0 }, topK: { k: 1, agreements: 2, agreement: 1 } },
    ]);
    expect(report.deviceModels).toEqual([
      { key: "A", devices: 2, captures: 7, scenes: 4, votesWithGroundTruth: 3, correctVotes: 2, accuracy: 2 / 3 },
      { key: "B", devices: 1, captures: 4, scenes: 4, votesWithGroundTruth: 4, correctVotes: 3, accuracy: 0.75 },
      { key: "C", devices: 1, captures: 3, scenes: 3, votesWithGroundTruth: 2, correctVotes: 2, accuracy: 1 },
    ]);
  });

  it("applies filters: device models, and a date range that cuts s1's first capture", async () => {
    const models = await getStudyInstability(db.sql, STUDY, query({ deviceModels: "A,B" }));
    expect([models.eligibleScenes, models.unstableScenes, models.pairwise.length]).toEqual([3, 2, 1]);
    expect(models.filters).toEqual({ deviceModels: ["A", "B"] });
    // From minute 2 on, A's s1 votes are 1, 1 and B/C's minute-1 captures are gone: s1 is not eligible.
    const later = await getStudyInstability(db.sql, STUDY, query({ from: new Date(T0 + 2 * 60_000).toISOString() }));
    expect([later.captures, later.eligibleScenes, later.unstableScenes, later.withinDeviceGroups]).toEqual([11, 3, 1, 0]);
  });

  it("answers 404 for an unknown study", async () => {
    await expect(getStudyInstability(db.sql, "no-such-study", query())).rejects.toMatchObject({ code: "not_found" });
  });

  it("serves the heatmap as JSON and CSV with the same counts", async () => {
    const heatmap = await getPairwiseHeatmap(db.sql, STUDY, query({ k: "2" }));
    expect(heatmap.body.deviceModels).toEqual(["A", "B", "C"]);
    const csv = formatCsv(heatmap.csv).split("\r\n");
    expect(csv[0]).toBe("a,b,sharedScenes,disagreements,instability,correctnessSharedScenes,correctnessDisagreements,correctnessInstability,k,topKAgreements,topKAgreement");
    // Top-2: s3 misses in top-1 but B's 3 is second in A's [2, 3] → all three shared scenes agree.
    expect(csv[1]).toBe(`A,B,3,2,${2 / 3},3,2,${2 / 3},2,3,1`);
  });
});
