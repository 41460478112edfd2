// Runtime flip rates, compression-probe flip rates and the share of device-unstable scenes that
// reference votes make stable.
import { describe, expect, it } from "vitest";
import { computeRuntimeFlipRates, computeVariantFlipRates } from "./compute-flip-rates";
import { computeReferenceStabilisation } from "./compute-reference-stabilisation";
import { computeVotes } from "./compute-votes";
import { summariseScenes } from "./summarise-scenes";
import { predict } from "./testing/prediction-builder";

describe("computeRuntimeFlipRates", () => {
  it("counts captures whose device top-1 differs from the reference, overall, per device model and per backend", () => {
    const rates = computeRuntimeFlipRates([
      { captureId: "1", deviceModelKey: "A", backend: "webgpu", deviceTop1: 1, referenceTop1: 1 },
      { captureId: "2", deviceModelKey: "A", backend: "webgpu", deviceTop1: 2, referenceTop1: 1 },
      { captureId: "3", deviceModelKey: "A", backend: "wasm", deviceTop1: 3, referenceTop1: 3 },
      { captureId: "4", deviceModelKey: "B", backend: "wasm", deviceTop1: 4, referenceTop1: 5 },
    ]);
    expect(rates).toEqual({
      overall: { numerator: 2, denominator: 4, value: 0.5 },
      byDeviceModel: [
        { key: "A", numerator: 1, denominator: 3, value: 1 / 3 },
        { key: "B", numerator: 1, denominator: 1, value: 1 },
      ],
      byBackend: [
        { key: "wasm", numerator: 1, denominator: 2, value: 0.5 },
        { key: "webgpu", numerator: 1, denominator: 2, value: 0.5 },
      ],
    });
  });

  it("is null without paired captures", () => {
    expect(computeRuntimeFlipRates([])).toEqual({ overall: { numerator: 0, denominator: 0, value: null }, byDeviceModel: [], byBackend: [] });
  });
});

describe("computeVariantFlipRates", () => {
  it("compares each re-encoded variant with the reference on the original bytes", () => {
    expect(
      computeVariantFlipRates([
        { captureId: "1", variant: "jpeg-q50", originalTop1: 1, variantTop1: 2 },
        { captureId: "2", variant: "jpeg-q50", originalTop1: 1, variantTop1: 1 },
        { captureId: "1", variant: "lossless", originalTop1: 1, variantTop1: 1 },
      ]),
    ).toEqual([
      { key: "jpeg-q50", numerator: 1, denominator: 2, value: 0.5 },
      { key: "lossless", numerator: 0, denominator: 1, value: 0 },
    ]);
  });
});

describe("computeReferenceStabilisation", () => {
  it("counts device-unstable scenes that are eligible and stable with reference votes", () => {
    const device = summariseScenes(
      computeVotes([
        predict("1", "s1", "A", 1), predict("2", "s1", "B", 2), // unstable
        predict("3", "s2", "A", 1), predict("4", "s2", "B", 2), // unstable
        predict("5", "s3", "A", 1), predict("6", "s3", "B", 2), // unstable, no reference votes
        predict("7", "s4", "A", 1), predict("8", "s4", "B", 1), // stable: not counted
      ]),
      new Map(),
    );
    const reference = summariseScenes(
      computeVotes([
        predict("1", "s1", "A", 1), predict("2", "s1", "B", 1), // reference agrees: stabilised
        predict("3", "s2", "A", 1), predict("4", "s2", "B", 3), // still unstable
        predict("5", "s3", "A", 1), // only one reference vote: not comparable
        predict("7", "s4", "A", 1), predict("8", "s4", "B", 2),
      ]),
      new Map(),
    );
    expect(computeReferenceStabilisation(device, reference)).toEqual({ numerator: 1, denominator: 2, value: 0.5 });
  });
});
