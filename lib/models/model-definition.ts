// What describes a model besides its ONNX bytes: name, labels, preprocessing, top-k. The zod
// schemas used by the API, the CLI and the registry, and the parsing of a labels file. Pure.
import { z } from "zod";
import { PREPROCESSING_PRESETS, isPreprocessingPresetName, preprocessingSpecSchema, presetWithSize, type PreprocessingSpec } from "@/lib/inference/preprocess";

export const MODEL_TASKS = ["image-classification"] as const;
export const MAX_MODEL_BYTES = 200 * 1024 * 1024;
export const MAX_LABELS = 100_000;

export const labelsSchema = z.array(z.string().trim().min(1).max(300)).min(2).max(MAX_LABELS);

/** A preset name, or a full spec; a preset with a different input size is resized by presetWithSize. */
export const preprocessingInputSchema = z.union([z.enum(Object.keys(PREPROCESSING_PRESETS) as [keyof typeof PREPROCESSING_PRESETS]), preprocessingSpecSchema]);

export const modelDefinitionSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  labels: labelsSchema,
  preprocessing: preprocessingInputSchema.default("imagenet"),
  topK: z.number().int().min(1).max(100).default(5),
  task: z.enum(MODEL_TASKS).default("image-classification"),
});

export type ModelDefinitionInput = z.input<typeof modelDefinitionSchema>;
export type ModelDefinition = z.output<typeof modelDefinitionSchema>;

/**
 * Labels from a text file: one per line, blank lines ignored. ImageNet's synset.txt form
 * ("n01440764 tench, Tinca tinca") loses its WordNet id.
 */
export function parseLabelsText(text: string): string[] {
  const lines = text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const wordnet = /^n\d{8}\s+/;
  return lines.every((line) => wordnet.test(line)) ? lines.map((line) => line.replace(wordnet, "")) : lines;
}

/** Resolve a preset name (or spec) against the model's real input size. */
export function resolvePreprocessing(input: z.output<typeof preprocessingInputSchema>, size?: { width: number; height: number }): PreprocessingSpec {
  if (typeof input === "string") {
    if (!isPreprocessingPresetName(input)) throw new Error(`unknown preset ${input}`);
    const preset = PREPROCESSING_PRESETS[input];
    return size && (size.width !== preset.width || size.height !== preset.height)
      ? presetWithSize(input, size.width, size.height)
      : presetWithSize(input, preset.width, preset.height);
  }
  return input;
}

/** The short public name of a content-addressed model file: /m/<sha256>.onnx. */
export function modelFileUrl(sha256: string): string {
  return `/m/${sha256}.onnx`;
}

/** The same file gzip-compressed (phones gunzip it and check its SHA-256): /m/<sha256>.onnx.gz. */
export function modelGzipFileUrl(sha256: string): string {
  return `${modelFileUrl(sha256)}.gz`;
}
