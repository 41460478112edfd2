import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ModelValidationError, validateOnnxModel } from "./validate-onnx-model";

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(import.meta.dirname, "test-fixtures", `${name}.onnx`)));
const labels = (n: number) => Array.from({ length: n }, (_, i) => `class ${i}`);

async function refusal(promise: Promise<unknown>): Promise<ModelValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelValidationError);
  return error as ModelValidationError;
}

describe("validateOnnxModel", () => {
  it("accepts a small classifier and adapts the preset to its input size", async () => {
    const validated = await validateOnnxModel(fixture("tiny-classifier-10"), { labels: labels(10), preprocessing: "imagenet" });
    expect(validated).toMatchObject({ inputName: "image", outputName: "scores", layout: "NCHW", inputWidth: 8, inputHeight: 8, numClasses: 10 });
    expect(validated.preprocessing).toMatchObject({ width: 8, height: 8, resizeShorterSide: 9 });
  });

  it("refuses a file that is not ONNX", async () => {
    const error = await refusal(validateOnnxModel(new TextEncoder().encode("this is a text file, not a model"), { labels: labels(10), preprocessing: "imagenet" }));
    expect(error.reason).toBe("not_onnx");
    expect(error.message).toMatch(/^The file is not an ONNX model that onnxruntime can load/);
  });

  it("refuses an output/label count mismatch, naming both numbers", async () => {
    const error = await refusal(validateOnnxModel(fixture("tiny-classifier-10"), { labels: labels(5), preprocessing: "imagenet" }));
    expect(error.reason).toBe("output_mismatch");
    expect(error.message).toBe('The model\'s output "scores" has 10 scores but 5 labels were given; they must match one to one.');
  });

  it("refuses inputs that are not images", async () => {
    const rank2 = await refusal(validateOnnxModel(fixture("rank2-input"), { labels: labels(10), preprocessing: "generic" }));
    expect(rank2.reason).toBe("unsupported_input");
    expect(rank2.message).toMatch(/Unsupported input: "features" has shape \[1, 10\]; Parallax feeds a 4-dimensional image tensor/);
    const ints = await refusal(validateOnnxModel(fixture("int64-input"), { labels: labels(10), preprocessing: "generic" }));
    expect(ints.message).toBe('Unsupported input: "token_ids" is an int64 tensor; Parallax feeds a float32 image tensor.');
  });

  it("refuses preprocessing that does not fit the input", async () => {
    const error = await refusal(
      validateOnnxModel(fixture("tiny-classifier-10"), {
        labels: labels(10),
        preprocessing: { resize: "stretch", width: 16, height: 16, colorOrder: "RGB", scale: 1, mean: [0, 0, 0], std: [1, 1, 1], layout: "NCHW" },
      }),
    );
    expect(error.message).toBe("The model's input is 8×8 pixels but the preprocessing produces 16×16.");
  });
});
