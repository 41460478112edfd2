// The simulator against a real ImageNet model and real photos (../shared, skipped when absent):
// the injected camera characters must produce real label instability, and the device models the
// simulator made stronger must come out as the less stable ones in the product's own metrics.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PREPROCESSING_PRESETS } from "@/lib/inference/preprocess";
import { parseLabelsText } from "@/lib/models/model-definition";
import { computeSpearmanCorrelation } from "./compute-spearman-correlation";
import { sha256Hex } from "./create-device-classifier";
import { runSimulation } from "./run-simulation";
import { computeMeanPairwiseInstability, computeTruthInstability } from "./simulation-truth";

const shared = path.resolve(process.cwd(), "../shared");
const modelFile = path.join(shared, "models-real", "mobilenetv2-12-int8.onnx");
const labelsFile = path.join(shared, "models-real", "synset.txt");
const photos = path.join(shared, "photos-imagenet100");
const available = existsSync(modelFile) && existsSync(labelsFile) && existsSync(photos);

describe.skipIf(!available)("simulated fleet × MobileNetV2 int8 × 100 ImageNet photos", () => {
  it("gives non-zero label instability that grows with the injected camera strength", { timeout: 20 * 60_000 }, async () => {
    const bytes = new Uint8Array(readFileSync(modelFile));
    const { truth } = await runSimulation({
      seed: 1,
      devices: 12,
      scenes: 100,
      baseImagesDir: photos,
      maxPhotoSide: 512,
      model: {
        name: "MobileNetV2 int8",
        bytes,
        sha256: sha256Hex(bytes),
        inputName: "input",
        outputName: "output",
        labels: parseLabelsText(readFileSync(labelsFile, "utf8")),
        topK: 5,
        preprocessing: PREPROCESSING_PRESETS.imagenet,
      },
    });
    const report = computeTruthInstability(truth);
    const meanPairwise = computeMeanPairwiseInstability(truth, report);
    const models = [...truth.deviceModels].sort((a, b) => a.strength - b.strength);
    const strengths = models.map((model) => model.strength);
    const instabilities = models.map((model) => meanPairwise.get(model.key)!);
    const rho = computeSpearmanCorrelation(strengths, instabilities);
    // Pairs: a pair of strong device models should disagree more than a pair of weak ones.
    const strengthOf = new Map(models.map((model) => [model.deviceModelKey, model.strength]));
    const pairs = report.pairwise.filter((pair) => pair.instability !== null);
    const rhoPairs = computeSpearmanCorrelation(
      pairs.map((pair) => strengthOf.get(pair.a)! + strengthOf.get(pair.b)!),
      pairs.map((pair) => pair.instability!),
    );
    console.log(
      `label instability ${report.unstableScenes}/${report.eligibleScenes}, within-device ${report.withinDeviceUnstableGroups}/${report.withinDeviceGroups}; ` +
        `Spearman(strength, mean pairwise instability) = ${rho?.toFixed(3)} over ${models.length} device models; ` +
        `Spearman(sum of strengths, pairwise instability) = ${rhoPairs?.toFixed(3)} over ${pairs.length} pairs\n` +
        models.map((model, i) => `  ${model.deviceModelKey.padEnd(24)} strength ${model.strength.toFixed(2)}  mean pairwise ${instabilities[i]!.toFixed(3)}`).join("\n"),
    );

    expect(models).toHaveLength(9);
    expect(report.eligibleScenes).toBe(100);
    expect(report.unstableScenes).toBeGreaterThan(0);
    // The ordering follows the injected strength. Measured with seeds 1, 2, 3 (12 devices, 512 px):
    // per device model ρ = 0.70, 0.77, 0.35 — too noisy over 9 models and 100 photos for a hard
    // 0.5 bar — and per pair ρ = 0.48, 0.58, 0.45 (36 pairs), which is the bar asserted here.
    expect(rho).not.toBeNull();
    expect(rho!).toBeGreaterThan(0);
    expect(rhoPairs).not.toBeNull();
    expect(rhoPairs!).toBeGreaterThan(0.3);
    // …and the strongest third of the device models is less stable than the weakest third.
    const third = Math.floor(models.length / 3);
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(instabilities.slice(-third))).toBeGreaterThan(mean(instabilities.slice(0, third)));
  });
});
