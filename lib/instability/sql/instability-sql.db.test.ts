// The SQL path and the pure path must give exactly the same numbers. Seeded random studies with
// frequent ties, equal timestamps, repeats, missing cells (dense and sparse), malformed top lists,
// reference predictions and compression-probe variants are stored in a real database (PGlite, and
// PostgreSQL when TEST_DATABASE_URL is set) and every report is compared field by field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/lib/db/test-database";
import { computeAttributionReport } from "../compute-attribution-report";
import { computeConfidenceHistograms } from "../compute-confidence-histogram";
import { buildVoteMatrix, computeInstabilityGrowth } from "../compute-instability-growth";
import { computeInstabilityReport } from "../compute-instability-report";
import { computeLabelInstability } from "../compute-label-instability";
import { computePerClassInstability } from "../compute-per-class-instability";
import { computeVotes } from "../compute-votes";
import { classifyUserAgent } from "../classify-user-agent";
import { summariseScenes } from "../summarise-scenes";
import { generateSyntheticStudy, type SyntheticStudy, type SyntheticStudyOptions } from "../testing/generate-synthetic-study";
import { insertSyntheticStudy } from "../testing/insert-synthetic-study";
import { collectSyntheticPredictions, type SyntheticPredictionSets } from "../testing/synthetic-predictions";
import type { CapturePrediction } from "../types";
import { getAttributionReport } from "./get-attribution-report";
import { getConfidenceHistograms } from "./get-confidence-histograms";
import { getInstabilityBreakdown } from "./get-instability-breakdown";
import { getInstabilityGrowth } from "./get-instability-growth";
import { getInstabilityReport } from "./get-instability-report";
import { getPerClassInstability } from "./get-per-class-instability";
import type { InstabilityFilters } from "./instability-filters";
import { POSTGRES_DIALECT } from "./sql-dialect";

const base = { classes: 4, repeatShare: 0.3, equalTimeShare: 0.6, groundTruthShare: 0.6, hardShare: 0.5, referenceShare: 0.7, topSize: 3, probeVariants: ["jpeg-q50", "lossless"] };
const shapes: (SyntheticStudyOptions & { name: string })[] = [
  { name: "dense, many ties", seed: 11, scenes: 60, deviceModels: 6, ...base },
  { name: "sparse", seed: 12, scenes: 80, deviceModels: 8, coverage: 0.25, ...base, classes: 5 },
  { name: "malformed top lists", seed: 13, scenes: 50, deviceModels: 5, scrambledTopShare: 0.4, missingTopIndexShare: 0.25, ...base },
  { name: "one device model", seed: 14, scenes: 20, deviceModels: 1, ...base },
  { name: "two device models, one device each", seed: 15, scenes: 40, deviceModels: 2, devicesPerModel: 1, ...base },
  { name: "many classes, few ties", seed: 16, scenes: 70, deviceModels: 7, ...base, classes: 50, repeatShare: 0.1 },
  { name: "no ground truth, half coverage", seed: 17, scenes: 60, deviceModels: 6, ...base, groundTruthShare: 0, coverage: 0.5 },
  { name: "everything repeated", seed: 18, scenes: 30, deviceModels: 4, ...base, repeatShare: 1, devicesPerModel: 3 },
];

type Fixture = { name: string; study: SyntheticStudy; sets: SyntheticPredictionSets; meta: Map<string, { method: string; backend: string; prob: number; userAgent: string | null; platform: string | null }> };

let db: TestDatabase;
const fixtures: Fixture[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  for (const shape of shapes) {
    const study = generateSyntheticStudy(shape);
    await insertSyntheticStudy(db.sql, study);
    const devices = new Map(study.devices.map((d) => [d.id, d]));
    const meta: Fixture["meta"] = new Map();
    for (const chunk of study.chunks()) {
      const captures = new Map(chunk.captures.map((c) => [c.id, c]));
      for (const prediction of chunk.predictions) {
        if (prediction.source !== "device") continue;
        const capture = captures.get(prediction.captureId)!;
        const device = devices.get(capture.deviceId)!;
        meta.set(capture.id, { method: capture.captureMethod, backend: prediction.backend, prob: prediction.top1Prob, userAgent: device.userAgent, platform: device.uaPlatform });
      }
    }
    fixtures.push({ name: shape.name, study, sets: collectSyntheticPredictions(study), meta });
  }
}, 180_000); // generous: CI runs every test file at once on 2 cores

afterAll(async () => {
  await db?.close();
});

/** The pure path's view of a filter: keeps the predictions the SQL scope keeps. */
function applyFilters(fixture: Fixture, predictions: readonly CapturePrediction[], filters: InstabilityFilters): CapturePrediction[] {
  return predictions.filter((p) => {
    const meta = fixture.meta.get(p.captureId)!;
    if (filters.from && p.capturedAt < filters.from.getTime()) return false;
    if (filters.to && p.capturedAt >= filters.to.getTime()) return false;
    if (filters.deviceModels && !filters.deviceModels.includes(p.deviceModelKey)) return false;
    if (filters.captureMethods && !filters.captureMethods.includes(meta.method)) return false;
    if (filters.backends && !filters.backends.includes(meta.backend)) return false;
    return true;
  });
}

function someFilters(fixture: Fixture): InstabilityFilters {
  const times = fixture.sets.device.map((p) => p.capturedAt).sort((a, b) => a - b);
  const models = [...new Set(fixture.sets.device.map((p) => p.deviceModelKey))].sort();
  return {
    from: new Date(times[Math.floor(times.length * 0.2)]!),
    to: new Date(times[Math.floor(times.length * 0.9)]!),
    deviceModels: models.filter((_, i) => i % 3 !== 1),
    backends: ["webgpu"],
    captureMethods: ["native-camera", "live-camera"],
  };
}

describe.each(shapes.map((shape) => shape.name))("SQL = pure: %s", (name) => {
  const fixture = () => fixtures.find((f) => f.name === name)!;

  // Unfiltered reports read the votes the database keeps ("Vote"); filtered ones (and, with
  // storedVotes: false, an unfiltered one) compute the votes of the observations they count.
  it.each([
    { source: "device" as const, k: 1, filtered: false, storedVotes: true },
    { source: "device" as const, k: 3, filtered: false, storedVotes: true },
    { source: "device" as const, k: 3, filtered: false, storedVotes: false },
    { source: "reference" as const, k: 2, filtered: false, storedVotes: true },
    { source: "device" as const, k: 2, filtered: true, storedVotes: false },
    { source: "reference" as const, k: 3, filtered: true, storedVotes: false },
  ])("instability report ($source, k=$k, filtered: $filtered, stored votes: $storedVotes)", async ({ source, k, filtered, storedVotes }) => {
    const f = fixture();
    const filters = filtered ? someFilters(f) : {};
    const dialect = { ...POSTGRES_DIALECT, keepsVotes: storedVotes };
    const sql = await getInstabilityReport(db.sql, { studyId: f.study.study.id, source, filters }, { k }, dialect);
    // Filters select captures by their device prediction (backend) and capture fields alike.
    const deviceKept = new Set(applyFilters(f, f.sets.device, filters).map((p) => p.captureId));
    const predictions = (source === "device" ? f.sets.device : f.sets.reference).filter((p) => deviceKept.has(p.captureId));
    expect(sql).toEqual(computeInstabilityReport(predictions, f.sets.groundTruth, { k }));
  });

  it("growth curve, per-class instability and confidence histograms", async () => {
    const f = fixture();
    const scope = { studyId: f.study.study.id, source: "device" as const, filters: {} };
    const votes = computeVotes(f.sets.device);
    expect(await getInstabilityGrowth(db.sql, scope, { orders: 30, seed: 5 })).toEqual(computeInstabilityGrowth(buildVoteMatrix(votes), { orders: 30, seed: 5 }));
    expect(await getPerClassInstability(db.sql, scope)).toEqual(computePerClassInstability(summariseScenes(votes, f.sets.groundTruth)));
    const probs = f.sets.device.map((p) => ({ deviceModelKey: p.deviceModelKey, top1Prob: f.meta.get(p.captureId)!.prob }));
    expect(await getConfidenceHistograms(db.sql, scope, 10)).toEqual(computeConfidenceHistograms(probs, 10));
  });

  it("attribution: runtime flips, capture instability, stabilised scenes, compression probe", async () => {
    const f = fixture();
    expect(await getAttributionReport(db.sql, { studyId: f.study.study.id, filters: {} })).toEqual(computeAttributionReport(f.sets));
  });

  it.each(["backend", "captureMethod", "browser", "os"] as const)("breakdown by %s", async (dimension) => {
    const f = fixture();
    const rows = await getInstabilityBreakdown(db.sql, { studyId: f.study.study.id, source: "device", filters: {} }, dimension);
    const keyOf = (p: CapturePrediction) => {
      const meta = f.meta.get(p.captureId)!;
      const families = classifyUserAgent(meta.userAgent, meta.platform);
      return { backend: meta.backend, captureMethod: meta.method, browser: families.browser, os: families.os }[dimension];
    };
    const keys = [...new Set(f.sets.device.map(keyOf))].sort();
    expect(rows).toEqual(
      keys.map((key) => {
        const group = f.sets.device.filter((p) => keyOf(p) === key);
        const ratio = computeLabelInstability(summariseScenes(computeVotes(group), new Map()));
        return {
          key,
          captures: group.length,
          devices: new Set(group.map((p) => p.deviceId)).size,
          deviceModels: new Set(group.map((p) => p.deviceModelKey)).size,
          eligibleScenes: ratio.denominator,
          unstableScenes: ratio.numerator,
          labelInstability: ratio.value,
        };
      }),
    );
  });
});
