// The virtual phone's on-device inference: the shared decoder and preprocessing
// (lib/inference) and the model in onnxruntime-node (the reference module's cached session), so
// the tensor hash is exactly what a phone would compute from the same bytes. Recorded honestly:
// source "device", backend "cpu", runtime "onnxruntime-node", a bundle naming the simulator, and
// no timings (this host's timings are not a phone's, and leaving them out keeps re-runs byte-identical).
import "server-only";
import { createHash } from "node:crypto";
import * as ort from "onnxruntime-node";
import { classifyImageBytes, type ClassifierModel } from "@/lib/inference/classify-image";
import type { RuntimeInfo } from "@/lib/inference/classify";
import type { PreprocessingSpec } from "@/lib/inference/preprocess";
import { readBuiltinModel } from "@/lib/models/builtin-models";
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import { configureNodeImageCodecs } from "@/lib/reference/node-image-codecs";
import { getReferenceSession } from "@/lib/reference/run-reference-inference";
import { SIMULATED_RUNTIME_BUNDLE } from "./virtual-device-info";

/** A model as the simulator runs it: its ONNX bytes and what a phone is told about it. */
export type SimulatorModel = {
  name: string;
  bytes: Uint8Array;
  sha256: string;
  inputName: string;
  outputName: string;
  labels: string[];
  topK: number;
  preprocessing: PreprocessingSpec;
};

export type DeviceClassifier = {
  classify(bytes: Uint8Array): Promise<PredictionPayload>;
  /** The model alone on an already preprocessed tensor (the bulk mode renders straight into one): its logits. */
  runTensor(tensor: Float32Array, dims: number[]): Promise<Float32Array>;
  runtime: RuntimeInfo;
};

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export function ortNodeVersion(): string | undefined {
  return ort.env.versions.node ?? ort.env.versions.common;
}

export function createDeviceClassifier(model: SimulatorModel): DeviceClassifier {
  const actual = sha256Hex(model.bytes);
  if (actual !== model.sha256) throw new Error(`the model file's SHA-256 is ${actual}, expected ${model.sha256}`);
  configureNodeImageCodecs();
  const runtime: RuntimeInfo = {
    source: "device",
    backend: "cpu",
    runtime: "onnxruntime-node",
    ...(ortNodeVersion() ? { runtimeVersion: ortNodeVersion() } : {}),
    runtimeBundle: SIMULATED_RUNTIME_BUNDLE,
    threads: 1,
  };
  const classifierModel: ClassifierModel = { sha256: model.sha256, labels: model.labels, topK: model.topK, preprocessing: model.preprocessing };
  const runTensor = async (tensor: Float32Array, dims: number[]): Promise<Float32Array> => {
    const session = await getReferenceSession(model.sha256, async () => model.bytes);
    const results = await session.run({ [model.inputName]: new ort.Tensor("float32", tensor, dims) }, [model.outputName]);
    const output = results[model.outputName];
    if (!output || output.type !== "float32") throw new Error(`the model gave no float32 output "${model.outputName}"`);
    return output.data as Float32Array;
  };
  return {
    runtime,
    runTensor,
    async classify(bytes) {
      const { prediction } = await classifyImageBytes(bytes, classifierModel, runTensor, runtime);
      return { ...prediction, timings: {} };
    },
  };
}

/** The built-in colour-checker model (lib/models/builtin/colorchecker) as the simulator runs it offline. */
export function readBuiltinSimulatorModel(): SimulatorModel {
  const { meta, labels, bytes } = readBuiltinModel();
  return { name: meta.name, bytes, sha256: sha256Hex(bytes), inputName: meta.inputName, outputName: meta.outputName, labels, topK: meta.topK, preprocessing: meta.preprocessing };
}
