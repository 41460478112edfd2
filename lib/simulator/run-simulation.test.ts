import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { predictionPayloadSchema } from "@/lib/predictions/prediction-payload";
import { readBuiltinSimulatorModel } from "./create-device-classifier";
import { runSimulation, type SimulationOptions } from "./run-simulation";
import { computeTruthInstability, parseSimulationTruth } from "./simulation-truth";

const model = readBuiltinSimulatorModel();

async function simulate(seed: number, overrides: Partial<SimulationOptions> = {}) {
  const uploads: { id: string; imageSha256: string; prediction: string }[] = [];
  const { truth } = await runSimulation({
    seed,
    devices: 5,
    scenes: 8,
    maxPhotoSide: 200,
    burstProbability: 0.3,
    model,
    onCapture: ({ planned, bytes, prediction }) =>
      uploads.push({ id: planned.clientCaptureId, imageSha256: createHash("sha256").update(bytes).digest("hex"), prediction: JSON.stringify(prediction) }),
    ...overrides,
  });
  return { truth, uploads: uploads.sort((a, b) => a.id.localeCompare(b.id)) };
}

describe("runSimulation (offline, built-in colour-checker model)", () => {
  it("gives byte-identical images and identical predictions for the same seed, whatever the concurrency", async () => {
    const first = await simulate(1);
    const second = await simulate(1, { concurrency: 4 });
    expect(first.uploads.length).toBeGreaterThan(20);
    expect(second.uploads).toEqual(first.uploads);
    expect(JSON.stringify(second.truth)).toBe(JSON.stringify(first.truth));
  });

  it("differs for another seed", async () => {
    const first = await simulate(1);
    const other = await simulate(2);
    const firstImages = new Set(first.uploads.map((upload) => upload.imageSha256));
    expect(other.uploads.filter((upload) => firstImages.has(upload.imageSha256))).toEqual([]);
    expect(other.uploads.map((upload) => upload.id)).not.toEqual(first.uploads.map((upload) => upload.id));
  });

  it("records a valid truth: every device's captures, valid device predictions, the colour checker's stimuli as scenes", async () => {
    const { truth, uploads } = await simulate(3);
    expect(parseSimulationTruth(JSON.parse(JSON.stringify(truth)))).toEqual(truth);
    expect(truth.options.baseScenes).toBe("stimuli:builtin:colorchecker");
    expect(truth.scenes.map((scene) => scene.key)).toEqual(["patch-01", "patch-02", "patch-03", "patch-04", "patch-05", "patch-06", "patch-07", "patch-08"]);
    expect(truth.scenes[6]).toMatchObject({ label: "orange", labelIndex: 6 });
    expect(truth.captures).toHaveLength(uploads.length);
    expect(truth.captures.map((capture) => capture.order)).toEqual(truth.captures.map((_, i) => i));
    const perDevice = new Map<string, number>();
    for (const capture of truth.captures) perDevice.set(capture.deviceKey, (perDevice.get(capture.deviceKey) ?? 0) + 1);
    for (const deviceModel of truth.deviceModels) for (const device of deviceModel.devices) expect(device.captures).toBe(perDevice.get(device.key) ?? 0);
    for (const upload of uploads) {
      const prediction = predictionPayloadSchema.parse(JSON.parse(upload.prediction));
      expect(prediction).toMatchObject({ source: "device", backend: "cpu", runtime: "onnxruntime-node", modelSha256: model.sha256, timings: {} });
      expect(prediction.tensorSha256).toMatch(/^[0-9a-f]{64}$/);
    }
    // A stronger camera character moves colours: the fleet does not agree on every patch.
    const report = computeTruthInstability(truth);
    expect(report.eligibleScenes).toBeGreaterThan(0);
    expect(report.groundTruthScenes).toBe(report.eligibleScenes);
  });
});
