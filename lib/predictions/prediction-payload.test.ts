import { describe, expect, it } from "vitest";
import { predictionPayloadSchema } from "./prediction-payload";

const valid = {
  source: "device",
  backend: "wasm",
  runtime: "onnxruntime-web",
  modelSha256: "a".repeat(64),
  preprocessingId: "pp1:resize-short-256:crop-224:rgb:imagenet",
  top: [{ index: 3, label: "cat", prob: 0.7 }],
};

describe("predictionPayloadSchema", () => {
  it("accepts a minimal device prediction and fills defaults", () => {
    const parsed = predictionPayloadSchema.parse(valid);
    expect(parsed.variant).toBe("original");
    expect(parsed.timings).toEqual({});
  });

  it.each([
    ["an unknown source", { source: "cloud" }],
    ["an empty top list", { top: [] }],
    ["a probability above 1", { top: [{ index: 1, label: "x", prob: 1.5 }] }],
    ["a non-hex model hash", { modelSha256: "xyz" }],
    ["an extra field", { extra: true }],
    ["a negative timing", { timings: { inferenceMs: -1 } }],
  ])("rejects %s", (_name, patch) => {
    expect(predictionPayloadSchema.safeParse({ ...valid, ...patch }).success).toBe(false);
  });
});
