// Checks an uploaded ONNX model with onnxruntime-node before Parallax accepts it: it loads, it has
// one image input of a supported kind whose size fits the preprocessing, its output has one score
// per label, and a dummy run succeeds. Every refusal is a ModelValidationError with one sentence
// naming what is wrong.
import "server-only";
import type * as Ort from "onnxruntime-node";
import { loadOnnxRuntime } from "@/lib/server/load-native-modules";
import { resolvePreprocessing, type ModelDefinition } from "./model-definition";
import type { PreprocessingSpec } from "@/lib/inference/preprocess";

export class ModelValidationError extends Error {
  constructor(message: string, readonly reason: "not_onnx" | "unsupported_input" | "output_mismatch" | "run_failed" | "preprocessing_mismatch") {
    super(message);
    this.name = "ModelValidationError";
  }
}

export type ValidatedModel = {
  inputName: string;
  outputName: string;
  layout: "NCHW" | "NHWC";
  inputWidth: number;
  inputHeight: number;
  numClasses: number;
  preprocessing: PreprocessingSpec;
};

const fixed = (dim: number | string | undefined): number | undefined => (typeof dim === "number" && dim > 0 ? dim : undefined);

function describeShape(shape: ReadonlyArray<number | string>): string {
  return `[${shape.map((d) => (typeof d === "number" && d >= 0 ? String(d) : String(d || "?"))).join(", ")}]`;
}

export async function validateOnnxModel(bytes: Uint8Array, definition: Pick<ModelDefinition, "labels" | "preprocessing">): Promise<ValidatedModel> {
  const ort = await loadOnnxRuntime();
  let session: Ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { executionProviders: ["cpu"], intraOpNumThreads: 1, graphOptimizationLevel: "basic" });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0]!.slice(0, 300) : String(error);
    throw new ModelValidationError(`The file is not an ONNX model that onnxruntime can load (${reason}).`, "not_onnx");
  }
  try {
    const inputs = session.inputMetadata;
    if (inputs.length !== 1) {
      throw new ModelValidationError(
        `Unsupported input: the model has ${inputs.length} inputs (${session.inputNames.join(", ")}); Parallax feeds exactly one image tensor.`,
        "unsupported_input",
      );
    }
    const input = inputs[0]!;
    if (!input.isTensor || input.type !== "float32") {
      throw new ModelValidationError(
        `Unsupported input: "${input.name}" is ${input.isTensor ? `${/^[aeiou]/.test(input.type) ? "an" : "a"} ${input.type} tensor` : "not a tensor"}; Parallax feeds a float32 image tensor.`,
        "unsupported_input",
      );
    }
    const shape = input.shape;
    if (shape.length !== 4) {
      throw new ModelValidationError(
        `Unsupported input: "${input.name}" has shape ${describeShape(shape)}; Parallax feeds a 4-dimensional image tensor [1, 3, H, W] or [1, H, W, 3].`,
        "unsupported_input",
      );
    }
    let layout: "NCHW" | "NHWC";
    if (shape[1] === 3) layout = "NCHW";
    else if (shape[3] === 3) layout = "NHWC";
    else {
      throw new ModelValidationError(
        `Unsupported input: "${input.name}" has shape ${describeShape(shape)}; Parallax needs 3 colour channels, either [1, 3, H, W] (NCHW) or [1, H, W, 3] (NHWC).`,
        "unsupported_input",
      );
    }
    const batch = fixed(shape[0]);
    if (batch !== undefined && batch !== 1) {
      throw new ModelValidationError(`Unsupported input: "${input.name}" has a fixed batch size of ${batch}; Parallax runs one image at a time (batch 1 or dynamic).`, "unsupported_input");
    }
    const modelHeight = fixed(layout === "NCHW" ? shape[2] : shape[1]);
    const modelWidth = fixed(layout === "NCHW" ? shape[3] : shape[2]);
    const preprocessing = resolvePreprocessing(definition.preprocessing, modelWidth && modelHeight ? { width: modelWidth, height: modelHeight } : undefined);
    if (preprocessing.layout !== layout) {
      throw new ModelValidationError(`The model's input is ${layout} but the preprocessing says ${preprocessing.layout}.`, "preprocessing_mismatch");
    }
    if ((modelWidth && modelWidth !== preprocessing.width) || (modelHeight && modelHeight !== preprocessing.height)) {
      throw new ModelValidationError(
        `The model's input is ${modelWidth ?? "any"}×${modelHeight ?? "any"} pixels but the preprocessing produces ${preprocessing.width}×${preprocessing.height}.`,
        "preprocessing_mismatch",
      );
    }
    const dims = layout === "NCHW" ? [1, 3, preprocessing.height, preprocessing.width] : [1, preprocessing.height, preprocessing.width, 3];
    const outputName = session.outputNames[0];
    if (!outputName) throw new ModelValidationError("The model has no output.", "output_mismatch");
    let output: Ort.Tensor;
    try {
      const feeds = { [input.name]: new ort.Tensor("float32", new Float32Array(dims.reduce((a, b) => a * b, 1)), dims) };
      const results = await session.run(feeds, [outputName]);
      output = results[outputName]!;
    } catch (error) {
      const reason = error instanceof Error ? error.message.split("\n")[0]!.slice(0, 300) : String(error);
      throw new ModelValidationError(`A test run of the model on a ${dims.join("×")} tensor failed (${reason}).`, "run_failed");
    }
    const numClasses = output.dims.slice(1).reduce((a, b) => a * b, 1);
    if (output.dims[0] !== 1 || output.type !== "float32") {
      throw new ModelValidationError(`The model's output "${outputName}" is a ${output.type} tensor of shape [${output.dims.join(", ")}]; Parallax needs float32 scores of shape [1, classes].`, "output_mismatch");
    }
    if (numClasses !== definition.labels.length) {
      throw new ModelValidationError(
        `The model's output "${outputName}" has ${numClasses} scores but ${definition.labels.length} labels were given; they must match one to one.`,
        "output_mismatch",
      );
    }
    return { inputName: input.name, outputName, layout, inputWidth: preprocessing.width, inputHeight: preprocessing.height, numClasses, preprocessing };
  } finally {
    await session.release();
  }
}
