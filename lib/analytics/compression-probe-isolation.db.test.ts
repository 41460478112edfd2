// Compression-probe predictions are stored as `reference` predictions with variants jpeg-q50,
// jpeg-q75, jpeg-q95 and lossless next to each capture's "original" one. They must show up in the
// probe's flip rates (worked out by hand below) and nowhere else: every other number, from both
// sources, must be the same before and after they are added.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { buildTableStudy } from "@/lib/instability/testing/build-table-study";
import { insertSyntheticStudy } from "@/lib/instability/testing/insert-synthetic-study";
import { analyticsQuerySchema, breakdownQuerySchema, confidenceQuerySchema, growthQuerySchema } from "./analytics-schemas";
import { divergentScenesQuerySchema, pairScenesQuerySchema } from "./dashboard-schemas";
import { formatCsv } from "./format-csv";
import { getCaptureActivity } from "./get-capture-activity";
import { getDashboardContext } from "./get-dashboard-context";
import { getSceneReport } from "./get-scene-report";
import { getAttribution, getBreakdown, getClassInstability, getConfidenceDistribution, getGrowthCurve, getPairwiseHeatmap } from "./get-study-charts";
import { getStudyInstability } from "./get-study-instability";
import { listDivergentScenes } from "./list-divergent-scenes";
import { listPairDisagreements } from "./list-pair-disagreements";

const labels = ["zero", "one", "two", "three"];
const STUDY = "study-probe-isolation";
const T0 = Date.UTC(2026, 3, 1, 8, 0, 0);

// [capture, scene, device, device model, minute, phone top-1, reference top-1]
//   s1: phones A 0, B 0, C 1 (unstable); reference 0, 0, 0 (stable)      → stabilised by the reference
//   s2: phones A 2, B 2 (stable); reference 2, 3 (unstable)
//   s3: phones A 1 (two captures), C 1; reference the same               → stable both ways
//   s4: B alone                                                           → not eligible
// Runtime flips: p3 and p5 → 2 / 9. Label instability: phones 1 / 3, reference 1 / 3.
const rows: [string, string, string, string, number, number, number][] = [
  ["p1", "s1", "a1", "A", 1, 0, 0],
  ["p2", "s1", "b1", "B", 1, 0, 0],
  ["p3", "s1", "c1", "C", 1, 1, 0],
  ["p4", "s2", "a1", "A", 2, 2, 2],
  ["p5", "s2", "b1", "B", 2, 2, 3],
  ["p6", "s3", "a1", "A", 3, 1, 1],
  ["p7", "s3", "a1", "A", 4, 1, 1],
  ["p8", "s3", "c1", "C", 3, 1, 1],
  ["p9", "s4", "b1", "B", 5, 3, 3],
];
const referenceTop1 = new Map(rows.map((row) => [row[0], row[6]]));
const flip = (captureId: string) => (referenceTop1.get(captureId)! + 1) % 4;
// The probe, by hand:
//   jpeg-q50 flips p1, p2, p4                      → 3 / 9
//   jpeg-q75 flips p6                               → 1 / 9
//   jpeg-q95 probed on p1–p5 only, no flip          → 0 / 5
//   lossless no flip                                → 0 / 9
// plus a display-mode "rectified" reference prediction of p1 with another label: no probe setting.
const probeRows: [string, string, number][] = [
  ...rows.map(([id]) => [id, "jpeg-q50", ["p1", "p2", "p4"].includes(id) ? flip(id) : referenceTop1.get(id)!] as [string, string, number]),
  ...rows.map(([id]) => [id, "jpeg-q75", id === "p6" ? flip(id) : referenceTop1.get(id)!] as [string, string, number]),
  ...rows.slice(0, 5).map(([id]) => [id, "jpeg-q95", referenceTop1.get(id)!] as [string, string, number]),
  ...rows.map(([id]) => [id, "lossless", referenceTop1.get(id)!] as [string, string, number]),
  ["p1", "rectified", 3],
];

const top = (top1: number, prob: number) => [0, 1, 2].map((k) => ({ index: (top1 + k) % 4, label: labels[(top1 + k) % 4]!, prob: k === 0 ? prob : (1 - prob) / 2 ** k }));

const study = buildTableStudy({
  study: { id: STUDY, name: "Probe isolation", code: "probeiso" },
  model: { id: "model-probe-isolation", sha256: "e".repeat(64), labels },
  scenes: ["s1", "s2", "s3", "s4"].map((id, position) => ({ id, key: `scene-${id}`, labelIndex: position })),
  devices: ["a1", "b1", "c1"].map((id) => ({ id, tokenHash: `probe-token-${id}`, deviceModelKey: id[0]!.toUpperCase(), backend: id === "c1" ? "webgpu" : "wasm" })),
  captures: rows.map(([id, sceneId, deviceId, model, minute, phone, reference]) => ({
    id,
    sceneId,
    deviceId,
    deviceModelKey: model,
    createdAt: T0 + minute * 60_000,
    predictions: [
      { source: "device", variant: "original", backend: deviceId === "c1" ? "webgpu" : "wasm", top: top(phone, 0.7), top1Index: phone, top1Prob: 0.7 },
      { source: "reference", variant: "original", backend: "cpu", top: top(reference, 0.6), top1Index: reference, top1Prob: 0.6 },
    ],
  })),
});

async function addProbePredictions(db: TestDatabase) {
  for (const [captureId, variant, top1] of probeRows) {
    // Confident and later than everything else: were they read as votes, they would win.
    await db.sql.query(
      `INSERT INTO "Prediction" ("captureId", "studyId", source, variant, backend, runtime, "modelSha256", top, "top1Index", "top1Prob", "preprocessingId", "createdAt")
       VALUES ($1, $2, 'reference', $3, 'cpu', 'onnxruntime-node', $4, $5::jsonb, $6, 0.99, 'synthetic', $7)`,
      [captureId, STUDY, variant, "e".repeat(64), JSON.stringify(top(top1, 0.99)), top1, new Date(T0 + 3_600_000).toISOString()],
    );
  }
}

const q = (input: Record<string, string> = {}) => analyticsQuerySchema.parse(input);
const FILTER_SETS: Record<string, string>[] = [{}, { deviceModels: "A,B" }, { backends: "wasm" }];

/** Everything the dashboards and the API compute, both sources, as plain data. */
async function everyNumber(db: TestDatabase) {
  const out: Record<string, unknown> = {};
  for (const source of ["device", "reference"]) {
    for (const filters of FILTER_SETS) {
      const input: Record<string, string> = { source, ...filters };
      const key = JSON.stringify(input);
      out[`instability ${key}`] = await getStudyInstability(db.sql, STUDY, q(input));
      out[`heatmap ${key}`] = (await getPairwiseHeatmap(db.sql, STUDY, q(input))).body;
      out[`growth ${key}`] = (await getGrowthCurve(db.sql, STUDY, growthQuerySchema.parse({ ...input, orders: "20" }))).body;
      out[`classes ${key}`] = (await getClassInstability(db.sql, STUDY, q(input))).body;
      out[`confidence ${key}`] = (await getConfidenceDistribution(db.sql, STUDY, confidenceQuerySchema.parse(input))).body;
      for (const by of ["backend", "captureMethod", "browser", "os"]) out[`breakdown ${by} ${key}`] = (await getBreakdown(db.sql, STUDY, breakdownQuerySchema.parse({ ...input, by }))).body;
      out[`gallery ${key}`] = (await listDivergentScenes(db.sql, STUDY, divergentScenesQuerySchema.parse({ ...input, show: "eligible" }))).body;
      out[`pairs ${key}`] = (await listPairDisagreements(db.sql, STUDY, pairScenesQuerySchema.parse({ ...input, a: "A", b: "B" }))).body;
      out[`activity ${key}`] = (await getCaptureActivity(db.sql, STUDY, q(input))).body;
      for (const scene of ["s1", "s2", "s3", "s4"]) {
        const report = await getSceneReport(db.sql, STUDY, scene, q(input));
        out[`scene ${scene} ${key}`] = { summary: report.summary, votes: report.votes };
      }
    }
  }
  for (const filters of FILTER_SETS) {
    const { compressionProbe: _probe, ...rest } = (await getAttribution(db.sql, STUDY, q(filters))).body;
    void _probe;
    out[`attribution ${JSON.stringify(filters)}`] = rest;
  }
  out.context = await getDashboardContext(db.sql, STUDY);
  return out;
}

let db: TestDatabase;
let before: Record<string, unknown>;
beforeAll(async () => {
  db = await createTestDatabase();
  await insertSyntheticStudy(db.sql, study);
  before = await everyNumber(db);
  await addProbePredictions(db);
}, 180_000);
afterAll(async () => {
  await db?.close();
});

describe("compression-probe predictions", () => {
  it("give the flip rate per setting against the reference on the original bytes, with counts", async () => {
    const { body, csv } = await getAttribution(db.sql, STUDY, q());
    expect(body.compressionProbe).toEqual([
      { key: "jpeg-q50", numerator: 3, denominator: 9, value: 3 / 9 },
      { key: "jpeg-q75", numerator: 1, denominator: 9, value: 1 / 9 },
      { key: "jpeg-q95", numerator: 0, denominator: 5, value: 0 },
      { key: "lossless", numerator: 0, denominator: 9, value: 0 },
    ]);
    expect(formatCsv(csv).split("\r\n").filter((line) => line.startsWith("compressionProbe,"))).toEqual([
      `compressionProbe,jpeg-q50,3,9,${3 / 9}`,
      `compressionProbe,jpeg-q75,1,9,${1 / 9}`,
      "compressionProbe,jpeg-q95,0,5,0",
      "compressionProbe,lossless,0,9,0",
    ]);
    // The filters select captures for the probe as for everything else: device model A is p1, p4, p6, p7.
    expect((await getAttribution(db.sql, STUDY, q({ deviceModels: "A" }))).body.compressionProbe.map((r) => [r.key, r.numerator, r.denominator])).toEqual([
      ["jpeg-q50", 2, 4],
      ["jpeg-q75", 1, 4],
      ["jpeg-q95", 0, 2],
      ["lossless", 0, 4],
    ]);
    // The phone's backend selects captures too: C's photos ran on WebGPU.
    expect((await getAttribution(db.sql, STUDY, q({ backends: "webgpu" }))).body.compressionProbe.map((r) => [r.key, r.numerator, r.denominator])).toEqual([
      ["jpeg-q50", 0, 2],
      ["jpeg-q75", 0, 2],
      ["jpeg-q95", 0, 1],
      ["lossless", 0, 2],
    ]);
  });

  it("never count as reference votes or anywhere else: every other number is unchanged", async () => {
    const after = await everyNumber(db);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    for (const key of Object.keys(before)) expect(after[key], key).toEqual(before[key]);
    // And the hand-worked values, so that "unchanged" is not "wrong both times".
    const reference = await getStudyInstability(db.sql, STUDY, q({ source: "reference" }));
    expect([reference.unstableScenes, reference.eligibleScenes, reference.captures]).toEqual([1, 3, 9]);
    const attribution = (await getAttribution(db.sql, STUDY, q())).body;
    expect(attribution.runtimeFlipRate.overall).toMatchObject({ numerator: 2, denominator: 9 });
    expect(attribution.captureInstability).toMatchObject({ numerator: 1, denominator: 3 });
    expect(attribution.deviceInstability).toMatchObject({ numerator: 1, denominator: 3 });
    expect(attribution.stabilisedByReference).toMatchObject({ numerator: 1, denominator: 1 });
  });

  it("are shown on the scene page with their capture, after the original, mildest first", async () => {
    const report = await getSceneReport(db.sql, STUDY, "s1", q());
    const p1 = report.captures.find((capture) => capture.id === "p1")!;
    expect(p1.predictions.map((p) => [p.source, p.variant])).toEqual([
      ["device", "original"],
      ["reference", "original"],
      ["reference", "rectified"],
      ["reference", "lossless"],
      ["reference", "jpeg-q95"],
      ["reference", "jpeg-q75"],
      ["reference", "jpeg-q50"],
    ]);
  });
});
