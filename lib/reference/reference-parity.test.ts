// The server reference (onnxruntime-node) and the phones' WASM kernels (onnxruntime-web, run here
// under Node) must give the same logits for the same tensor, also for int8 models on x86 CPUs.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import * as ortWeb from "onnxruntime-web";
import { describe, expect, it } from "vitest";
import { maxAbsDifference } from "@/lib/inference/classify";
import { PREPROCESSING_PRESETS } from "@/lib/inference/preprocess";
import { parseLabelsText } from "@/lib/models/model-definition";
import { classifyOnServer } from "./run-reference-inference";

const shared = path.resolve(process.cwd(), "../shared");
const modelFile = path.join(shared, "models-real/mobilenetv2-12-int8.onnx");
const photo = path.join(shared, "photos-real/chelsea.png");

describe.skipIf(!existsSync(modelFile) || !existsSync(photo))("reference vs WASM kernels on the real int8 model", () => {
  it("gives identical logits and the expected cat", async () => {
    const bytes = new Uint8Array(readFileSync(modelFile));
    const model = {
      sha256: "cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f",
      labels: parseLabelsText(readFileSync(path.join(shared, "models-real/synset.txt"), "utf8")),
      topK: 5,
      preprocessing: PREPROCESSING_PRESETS.imagenet,
      inputName: "input",
      outputName: "output",
    };
    const server = await classifyOnServer(model, new Uint8Array(readFileSync(photo)), { readModelBytes: async () => bytes });
    expect([281, 282, 283, 284, 285]).toContain(server.prediction.top[0]!.index);

    // Same tensor through onnxruntime-web's WASM backend.
    const { preprocessImage } = await import("@/lib/inference/preprocess");
    const { decodeImage } = await import("@/lib/inference/decode-image");
    const { tensor, dims } = preprocessImage(await decodeImage(new Uint8Array(readFileSync(photo))), model.preprocessing);
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(bytes, { executionProviders: ["wasm"] });
    const web = (await session.run({ input: new ortWeb.Tensor("float32", tensor, dims) })).output!.data as Float32Array;
    expect(maxAbsDifference(server.logits, web)).toBe(0);
  });
});
