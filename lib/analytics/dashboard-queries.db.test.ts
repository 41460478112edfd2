// The dashboards' own queries (heatmap-cell scenes, divergent-scene gallery, scene report, capture
// activity, page context) on a study built from known votes; every expectation is worked out by
// hand, and the counts they share with the instability report must equal the report's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { buildTableStudy } from "@/lib/instability/testing/build-table-study";
import { HAND_COUNTED_ROWS, HAND_COUNTED_TRUTH } from "@/lib/instability/testing/hand-counted-votes";
import { insertSyntheticStudy } from "@/lib/instability/testing/insert-synthetic-study";
import { analyticsQuerySchema } from "./analytics-schemas";
import { divergentScenesQuerySchema, pairScenesQuerySchema } from "./dashboard-schemas";
import { formatCsv } from "./format-csv";
import { getCaptureActivity } from "./get-capture-activity";
import { getDashboardContext } from "./get-dashboard-context";
import { getSceneReport } from "./get-scene-report";
import { getPairwiseHeatmap } from "./get-study-charts";
import { getStudyInstability } from "./get-study-instability";
import { listDivergentScenes } from "./list-divergent-scenes";
import { listPairDisagreements } from "./list-pair-disagreements";

const labels = ["zero", "one", "two", "three"];
const STUDY = "study-dashboard-votes";
const T0 = Date.UTC(2026, 2, 1, 10, 0, 0);

const rows = HAND_COUNTED_ROWS;
const truth = HAND_COUNTED_TRUTH;

const top = (top1: number, prob: number) => [
  { index: top1, label: labels[top1]!, prob },
  { index: (top1 + 1) % 4, label: labels[(top1 + 1) % 4]!, prob: (1 - prob) / 2 },
  { index: (top1 + 2) % 4, label: labels[(top1 + 2) % 4]!, prob: (1 - prob) / 4 },
];

const study = buildTableStudy({
  study: { id: STUDY, name: "Dashboard votes", code: "dashvotes" },
  model: { id: "model-dashboard", sha256: "d".repeat(64), labels },
  scenes: Object.entries(truth).map(([id, labelIndex]) => ({ id, key: `scene-${id}`, labelIndex })),
  devices: ["a1", "a2", "b1", "c1"].map((id) => ({ id, tokenHash: `dash-token-${id}`, deviceModelKey: id[0]!.toUpperCase() })),
  captures: rows.map(([id, sceneId, deviceId, model, minute, top1, prob, reference]) => ({
    id,
    sceneId,
    deviceId,
    deviceModelKey: model,
    captureMethod: model === "C" ? "live-camera" : "native-camera",
    createdAt: T0 + minute * 60_000,
    predictions: [
      { source: "device", variant: "original", backend: "wasm", top: top(top1, prob), top1Index: top1, top1Prob: prob },
      { source: "reference", variant: "original", backend: "cpu", top: top(reference, 0.8), top1Index: reference, top1Prob: 0.8 },
    ],
  })),
});

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertSyntheticStudy(db.sql, study);
}, 180_000);
afterAll(async () => {
  await db?.close();
});

const query = (input: Record<string, string> = {}) => analyticsQuerySchema.parse(input);
const galleryQuery = (input: Record<string, string> = {}) => divergentScenesQuerySchema.parse(input);

describe("listPairDisagreements", () => {
  it("lists the scenes where A and B disagree, with both votes and the heatmap cell's counts", async () => {
    const { body, csv } = await listPairDisagreements(db.sql, STUDY, pairScenesQuerySchema.parse({ a: "A", b: "B" }));
    expect([body.sharedScenes, body.disagreements]).toEqual([4, 3]);
    expect(body.scenes.map((scene) => scene.sceneKey)).toEqual(["scene-s1", "scene-s3", "scene-s6"]);
    const s1 = body.scenes[0]!;
    expect(s1.groundTruth).toEqual({ index: 0, label: "zero" });
    expect(s1.a).toMatchObject({ deviceModel: "A", label: 1, labelName: "one", captures: 3, capturesForLabel: 2, captureId: "s1-a1-2", isCorrect: false });
    expect(s1.a.top.map((entry) => entry.index)).toEqual([1, 2, 3]);
    expect(s1.b).toMatchObject({ deviceModel: "B", label: 0, captures: 1, captureId: "s1-b1", isCorrect: true, counterpart: { source: "reference", top1Index: 1 } });
    expect(body.scenes[1]!.a).toMatchObject({ label: 2, captureId: "s3-a2" });
    expect(formatCsv(csv).split("\r\n")[1]).toBe("s1,scene-s1,0,A,1,one,3,s1-a1-2,B,0,zero,1,s1-b1");

    // The same counts as the heatmap's cell, for every pair.
    const heatmap = await getPairwiseHeatmap(db.sql, STUDY, query());
    for (const cell of heatmap.body.cells) {
      const pair = await listPairDisagreements(db.sql, STUDY, pairScenesQuerySchema.parse({ a: cell.a, b: cell.b }));
      expect([pair.body.sharedScenes, pair.body.disagreements, pair.body.scenes.length], `${cell.a}×${cell.b}`).toEqual([cell.sharedScenes, cell.disagreements, cell.disagreements]);
    }
  });

  it("pages, and follows the filters and the reference source", async () => {
    const page = await listPairDisagreements(db.sql, STUDY, pairScenesQuerySchema.parse({ a: "A", b: "B", limit: "1", offset: "1" }));
    expect(page.body.scenes.map((scene) => scene.sceneKey)).toEqual(["scene-s3"]);
    // Reference votes: B's s1 photo becomes 1 like A's → only s3 and s6 differ; the counterpart is the phone's.
    const reference = await listPairDisagreements(db.sql, STUDY, pairScenesQuerySchema.parse({ a: "A", b: "B", source: "reference" }));
    expect([reference.body.sharedScenes, reference.body.disagreements]).toEqual([4, 2]);
    expect(reference.body.scenes[0]!.b.counterpart).toMatchObject({ source: "device" });
    const later = await listPairDisagreements(db.sql, STUDY, pairScenesQuerySchema.parse({ a: "A", b: "B", from: new Date(T0 + 30 * 60_000).toISOString() }));
    expect(later.body.scenes.map((scene) => scene.sceneKey)).toEqual(["scene-s6"]);
  });
});

describe("listDivergentScenes", () => {
  it("lists exactly the report's unstable scenes, most divergent first, with every vote", async () => {
    const report = await getStudyInstability(db.sql, STUDY, query());
    const { body } = await listDivergentScenes(db.sql, STUDY, galleryQuery());
    expect(body.total).toBe(report.unstableScenes);
    expect(body.deviceModels).toEqual(["A", "B", "C"]);
    // s6 has 3 labels; s3 (majority 1 of 2) is less agreed than s1 (2 of 3).
    expect(body.scenes.map((scene) => scene.sceneKey)).toEqual(["scene-s6", "scene-s3", "scene-s1"]);
    const s1 = body.scenes[2]!;
    expect(s1).toMatchObject({ votes: 3, distinctLabels: 2, isUnstable: true, isCorrectnessMixed: true, majority: { index: 0, label: "zero", votes: 2 }, groundTruth: { index: 0 } });
    expect(s1.votesByModel.map((vote) => [vote.deviceModel, vote.label, vote.captureId])).toEqual([
      ["A", 1, "s1-a1-2"],
      ["B", 0, "s1-b1"],
      ["C", 0, "s1-c1"],
    ]);
    expect(body.scenes[0]).toMatchObject({ majority: { index: 1, votes: 1 }, groundTruth: null, isCorrectnessMixed: false, lastCaptureAt: new Date(T0 + 40 * 60_000).toISOString() });
    const eligible = await listDivergentScenes(db.sql, STUDY, galleryQuery({ show: "eligible", sort: "scene" }));
    expect(eligible.body.total).toBe(report.eligibleScenes);
    expect(eligible.body.scenes.map((scene) => scene.sceneKey)).toEqual(["scene-s1", "scene-s2", "scene-s3", "scene-s4", "scene-s6"]);
  });

  it("sorts, filters by key and class, and pages", async () => {
    const keys = async (input: Record<string, string>) => (await listDivergentScenes(db.sql, STUDY, galleryQuery(input))).body.scenes.map((scene) => scene.sceneKey);
    expect(await keys({ sort: "scene" })).toEqual(["scene-s1", "scene-s3", "scene-s6"]);
    expect(await keys({ sort: "confidence" })).toEqual(["scene-s6", "scene-s1", "scene-s3"]);
    expect(await keys({ sort: "recent" })).toEqual(["scene-s6", "scene-s3", "scene-s1"]);
    expect(await keys({ q: "S3" })).toEqual(["scene-s3"]);
    expect(await keys({ q: "%" })).toEqual([]);
    expect(await keys({ class: "2", sort: "scene" })).toEqual(["scene-s3", "scene-s6"]);
    const page2 = await listDivergentScenes(db.sql, STUDY, galleryQuery({ sort: "scene", pageSize: "2", page: "2" }));
    expect([page2.body.total, page2.body.scenes.map((scene) => scene.sceneKey)]).toEqual([3, ["scene-s6"]]);
    const beyond = await listDivergentScenes(db.sql, STUDY, galleryQuery({ pageSize: "2", page: "5" }));
    expect([beyond.body.total, beyond.body.scenes]).toEqual([3, []]);
  });
});

describe("getSceneReport", () => {
  it("shows every capture and prediction of a scene, and its votes under the filters", async () => {
    const report = await getSceneReport(db.sql, STUDY, "s1", query());
    expect(report.scene).toEqual({ id: "s1", key: "scene-s1", label: "zero", labelIndex: 0, position: 0, hasStimulus: false });
    expect(report.summary).toMatchObject({ votes: 3, distinctLabels: 2, isEligible: true, isUnstable: true, isCorrectnessMixed: true, majority: { index: 0, votes: 2 } });
    expect(report.votes.map((vote) => [vote.deviceModel, vote.label, vote.captures, vote.capturesForLabel, vote.captureId, vote.isCorrect])).toEqual([
      ["A", 1, 3, 2, "s1-a1-2", false],
      ["B", 0, 1, 1, "s1-b1", true],
      ["C", 0, 1, 1, "s1-c1", true],
    ]);
    expect(report.votes[1]!.counterpart).toMatchObject({ source: "reference", top1Index: 1 });
    expect(report.captures.map((capture) => capture.id)).toEqual(["s1-a1-1", "s1-b1", "s1-c1", "s1-a1-2", "s1-a2"]);
    expect(report.captures.every((capture) => capture.inScope)).toBe(true);
    expect(report.captures[0]!.predictions.map((p) => [p.source, p.top1Index])).toEqual([
      ["device", 0],
      ["reference", 0],
    ]);

    const filtered = await getSceneReport(db.sql, STUDY, "s1", query({ deviceModels: "B,C" }));
    expect(filtered.summary).toMatchObject({ votes: 2, isUnstable: false });
    expect(filtered.captures.filter((capture) => capture.inScope).map((capture) => capture.id)).toEqual(["s1-b1", "s1-c1"]);
    expect(filtered.captures).toHaveLength(5);
    const alone = await getSceneReport(db.sql, STUDY, "s5", query());
    expect(alone.summary).toMatchObject({ votes: 1, isEligible: false, isUnstable: false });
  });

  it("answers 404 for a scene of no study or of another study", async () => {
    await expect(getSceneReport(db.sql, STUDY, "no-such-scene", query())).rejects.toMatchObject({ code: "not_found" });
    await expect(getSceneReport(db.sql, "study-known-votes-elsewhere", "s1", query())).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("getCaptureActivity and getDashboardContext", () => {
  it("counts the report's captures per minute, with empty minutes in between", async () => {
    const { body } = await getCaptureActivity(db.sql, STUDY, query());
    expect(body.bucket).toBe("minute");
    expect(body.points).toHaveLength(40);
    expect(body.points[0]).toEqual({ start: new Date(T0 + 60_000).toISOString(), captures: 3, devices: 3, deviceModels: 3 });
    expect(body.points[3]).toMatchObject({ captures: 0 });
    const report = await getStudyInstability(db.sql, STUDY, query());
    expect(body.points.reduce((sum, point) => sum + point.captures, 0)).toBe(report.captures);
    const filtered = await getCaptureActivity(db.sql, STUDY, query({ captureMethods: "live-camera" }));
    expect(filtered.body.points.reduce((sum, point) => sum + point.captures, 0)).toBe(4);
  });

  it("describes the study and the values its filters can take", async () => {
    const context = await getDashboardContext(db.sql, STUDY);
    expect(context.study).toMatchObject({ id: STUDY, name: "Dashboard votes", modelName: "synthetic", classes: 4 });
    expect(context.totals).toEqual({ scenes: 6, scenesWithGroundTruth: 4, captures: 17, devices: 4, referencePending: 0, referenceFailed: 0 });
    expect(context.options).toEqual({
      deviceModels: ["A", "B", "C"],
      backends: ["wasm"],
      captureMethods: ["live-camera", "native-camera"],
      firstCaptureAt: new Date(T0 + 60_000).toISOString(),
      lastCaptureAt: new Date(T0 + 40 * 60_000).toISOString(),
    });
    await expect(getDashboardContext(db.sql, "nope")).rejects.toMatchObject({ code: "not_found" });
  });
});
