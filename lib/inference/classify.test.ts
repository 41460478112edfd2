import { describe, expect, it } from "vitest";
import { predictionPayloadSchema } from "@/lib/predictions/prediction-payload";
import { buildPredictionPayload, maxAbsDifference, softmax, topKEntries, topKIndices } from "./classify";
import { hashTensor, summarizeTensor, tensorBytesLittleEndian } from "./tensor-hash";

describe("softmax and top-k", () => {
  it("softmax of [0, ln 3] is [1/4, 3/4]", () => {
    const p = softmax([0, Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 12);
    expect(p[1]).toBeCloseTo(0.75, 12);
  });

  it("stays finite for huge logits", () => {
    expect(Array.from(softmax([1000, 1000]))).toEqual([0.5, 0.5]);
  });

  it("breaks ties by lower index first", () => {
    expect(topKIndices([1, 3, 3, 2, 3], 4)).toEqual([1, 2, 4, 3]);
  });

  it("labels the entries and refuses a label count mismatch", () => {
    expect(topKEntries([0, 2, 1], ["a", "b", "c"], 2).map((e) => e.label)).toEqual(["b", "c"]);
    expect(() => topKEntries([0, 1], ["a"], 1)).toThrow(/2 outputs for 1 labels/);
  });
});

describe("buildPredictionPayload", () => {
  it("produces a valid payload", () => {
    const payload = buildPredictionPayload({
      runtime: { source: "reference", backend: "cpu", runtime: "onnxruntime-node", runtimeVersion: "1.30.0", threads: 1 },
      modelSha256: "a".repeat(64),
      preprocessingId: "parallax-v1;x",
      logits: [0.1, 0.3, 0.2],
      labels: ["x", "y", "z"],
      topK: 5,
      timings: { inferenceMs: 1.5 },
    });
    expect(predictionPayloadSchema.parse(payload)).toEqual(payload);
    expect(payload.top.map((t) => t.index)).toEqual([1, 2, 0]);
  });

  it("measures the largest logit difference", () => {
    expect(maxAbsDifference([1, 2, 3], [1, 2.5, 2.9])).toBeCloseTo(0.5);
  });
});

describe("tensor hash and summary", () => {
  it("hashes the float32 little-endian bytes", async () => {
    // 1.0f = 00 00 80 3f; sha256 of those 4 bytes computed independently
    const tensor = new Float32Array([1]);
    expect(Array.from(tensorBytesLittleEndian(tensor))).toEqual([0, 0, 0x80, 0x3f]);
    const { createHash } = await import("node:crypto");
    expect(await hashTensor(tensor)).toBe(createHash("sha256").update(Buffer.from([0, 0, 0x80, 0x3f])).digest("hex"));
    expect(await hashTensor(new Float32Array([1, 2]))).not.toBe(await hashTensor(new Float32Array([2, 1])));
  });

  it("summarises per channel in NCHW and NHWC", () => {
    const nchw = summarizeTensor(new Float32Array([1, 3, 10, 10]), [1, 2, 1, 2], "NCHW");
    expect(nchw).toEqual({ min: [1, 10], max: [3, 10], mean: [2, 10], std: [1, 0] });
    const nhwc = summarizeTensor(new Float32Array([1, 10, 3, 10]), [1, 1, 2, 2], "NHWC");
    expect(nhwc).toEqual(nchw);
  });
});
