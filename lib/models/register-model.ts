// Adds a model to the registry: validate with onnxruntime-node, store the ONNX bytes in the blob
// store (content-addressed by SHA-256), write the Model row. The same bytes twice give the same
// model (no duplicate row); listing and lookup live here too.
import "server-only";
import type { PrismaClient } from "@/lib/db/generated/client";
import type { BlobStore } from "@/lib/storage/blob-store";
import { modelDefinitionSchema, MAX_MODEL_BYTES, type ModelDefinitionInput } from "./model-definition";
import { toModelInfo, type ModelInfo } from "./model-info";
import { ModelValidationError, validateOnnxModel } from "./validate-onnx-model";
import { sha256Hex } from "@/lib/inference/sha256-hex";

export type RegisterModelInput = {
  bytes: Uint8Array;
  definition: ModelDefinitionInput;
  /** Where it came from: "upload", "cli", "fetch:mobilenetv2", "builtin:colorchecker". */
  source: string;
  isBuiltin?: boolean;
};

export async function registerModel(prisma: PrismaClient, store: BlobStore, input: RegisterModelInput): Promise<{ model: ModelInfo; created: boolean }> {
  if (input.bytes.length === 0) throw new ModelValidationError("The model file is empty.", "not_onnx");
  if (input.bytes.length > MAX_MODEL_BYTES) throw new ModelValidationError(`The model file is larger than ${MAX_MODEL_BYTES / 2 ** 20} MiB.`, "not_onnx");
  const definition = modelDefinitionSchema.parse(input.definition);
  const sha256 = await sha256Hex(input.bytes);
  const existing = await prisma.model.findUnique({ where: { sha256 } });
  if (existing) return { model: toModelInfo(existing), created: false };
  const validated = await validateOnnxModel(input.bytes, definition);
  const blob = await store.put(input.bytes);
  try {
    const row = await prisma.model.create({
      data: {
        name: definition.name,
        sha256,
        blobKey: blob.key,
        sizeBytes: input.bytes.length,
        task: definition.task,
        inputName: validated.inputName,
        outputName: validated.outputName,
        layout: validated.layout,
        inputWidth: validated.inputWidth,
        inputHeight: validated.inputHeight,
        preprocessing: validated.preprocessing,
        labels: definition.labels,
        numClasses: validated.numClasses,
        topK: Math.min(definition.topK, validated.numClasses),
        isBuiltin: input.isBuiltin ?? false,
        source: input.source,
      },
    });
    return { model: toModelInfo(row), created: true };
  } catch (error) {
    // Two uploads of the same file at once: the other one won; answer with its row.
    const raced = await prisma.model.findUnique({ where: { sha256 } });
    if (raced) return { model: toModelInfo(raced), created: false };
    throw error;
  }
}

export async function listModels(prisma: PrismaClient): Promise<ModelInfo[]> {
  const rows = await prisma.model.findMany({ orderBy: [{ isBuiltin: "desc" }, { createdAt: "asc" }] });
  return rows.map(toModelInfo);
}

export async function findModel(prisma: PrismaClient, idOrSha256: string): Promise<ModelInfo | null> {
  const row = /^[0-9a-f]{64}$/.test(idOrSha256)
    ? await prisma.model.findUnique({ where: { sha256: idOrSha256 } })
    : await prisma.model.findUnique({ where: { id: idOrSha256 } });
  return row ? toModelInfo(row) : null;
}

/** The ONNX bytes of a registered model. */
export async function readModelBytes(store: BlobStore, model: { sha256: string }): Promise<Uint8Array> {
  return store.get(model.sha256);
}
