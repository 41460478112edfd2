// The public description of a registered model, as the API returns it and as the phone's inference
// client takes it: everything needed to fetch the file (content-hashed URL), preprocess and label. Pure.
import { z } from "zod";
import { preprocessingIdOf, preprocessingSpecSchema } from "@/lib/inference/preprocess";
import { labelsSchema, modelFileUrl, modelGzipFileUrl } from "./model-definition";

export const modelInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().nonnegative(),
  task: z.string(),
  inputName: z.string(),
  outputName: z.string(),
  layout: z.enum(["NCHW", "NHWC"]),
  inputWidth: z.number().int().positive(),
  inputHeight: z.number().int().positive(),
  preprocessing: preprocessingSpecSchema,
  preprocessingId: z.string(),
  labels: labelsSchema,
  numClasses: z.number().int().positive(),
  topK: z.number().int().positive(),
  isBuiltin: z.boolean(),
  source: z.string().nullable(),
  fileUrl: z.string().describe("The ONNX file at its content-hashed, immutable URL: /m/<sha256>.onnx"),
  // Optional only so that a phone's saved session from before it existed still reads; the server always sends it.
  gzipFileUrl: z
    .string()
    .optional()
    .describe("The same file gzip-compressed (application/gzip, immutable): /m/<sha256>.onnx.gz. Gunzip it and check its SHA-256 against `sha256`."),
  createdAt: z.string(),
});

export type ModelInfo = z.infer<typeof modelInfoSchema>;

/** The database row shape this is built from (structural, so this module stays free of Prisma). */
export type ModelRowLike = {
  id: string;
  name: string;
  sha256: string;
  sizeBytes: number;
  task: string;
  inputName: string;
  outputName: string;
  layout: string;
  inputWidth: number;
  inputHeight: number;
  preprocessing: unknown;
  labels: unknown;
  numClasses: number;
  topK: number;
  isBuiltin: boolean;
  source: string | null;
  createdAt: Date;
};

export function toModelInfo(row: ModelRowLike): ModelInfo {
  const preprocessing = preprocessingSpecSchema.parse(row.preprocessing);
  return modelInfoSchema.parse({
    id: row.id,
    name: row.name,
    sha256: row.sha256,
    sizeBytes: row.sizeBytes,
    task: row.task,
    inputName: row.inputName,
    outputName: row.outputName,
    layout: row.layout,
    inputWidth: row.inputWidth,
    inputHeight: row.inputHeight,
    preprocessing,
    preprocessingId: preprocessingIdOf(preprocessing),
    labels: labelsSchema.parse(row.labels),
    numClasses: row.numClasses,
    topK: row.topK,
    isBuiltin: row.isBuiltin,
    source: row.source,
    fileUrl: modelFileUrl(row.sha256),
    gzipFileUrl: modelGzipFileUrl(row.sha256),
    createdAt: row.createdAt.toISOString(),
  });
}
