// Reads a model upload (multipart form) into the registry's input: the ONNX file, its labels
// (a text file or a JSON array), name, preset or full preprocessing spec, top-k. Clear 4xx errors.
import "server-only";
import { z } from "zod";
import { AppError } from "@/lib/api/app-error";
import { MAX_MODEL_BYTES, parseLabelsText, type ModelDefinitionInput } from "./model-definition";

const jsonField = (value: string, field: string): unknown => {
  try {
    return JSON.parse(value);
  } catch {
    throw new AppError("validation_failed", `The ${field} field is not valid JSON.`, [{ path: field, message: "invalid JSON" }]);
  }
};

const formFieldsSchema = z.object({
  name: z.string().trim().min(1, "is required").max(200),
  topK: z.coerce.number().int().min(1).max(100).optional(),
});

export async function parseModelUpload(request: Request): Promise<{ bytes: Uint8Array; definition: ModelDefinitionInput }> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) {
    throw new AppError("unsupported_media_type", "Send the model as multipart/form-data with fields file, labels, name and preset (or preprocessing).");
  }
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_MODEL_BYTES + 10 * 1024 * 1024) throw new AppError("payload_too_large", `Model uploads are limited to ${MAX_MODEL_BYTES / 2 ** 20} MiB.`);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw new AppError("bad_request", "The multipart body could not be read.");
  }
  const file = form.get("file");
  if (!(file instanceof Blob)) throw new AppError("validation_failed", "The file field (the .onnx model) is missing.", [{ path: "file", message: "required" }]);
  if (file.size > MAX_MODEL_BYTES) throw new AppError("payload_too_large", `Model uploads are limited to ${MAX_MODEL_BYTES / 2 ** 20} MiB.`);
  const labelsField = form.get("labels");
  if (labelsField === null) throw new AppError("validation_failed", "The labels field is missing (a text file with one label per line, or a JSON array).", [{ path: "labels", message: "required" }]);
  const labelsText = typeof labelsField === "string" ? labelsField : await labelsField.text();
  const labels = labelsText.trimStart().startsWith("[") ? jsonField(labelsText, "labels") : parseLabelsText(labelsText);
  const fields = formFieldsSchema.parse({ name: form.get("name") ?? undefined, topK: form.get("topK") ?? undefined });
  const preprocessingField = form.get("preprocessing");
  const preset = form.get("preset");
  const preprocessing = typeof preprocessingField === "string" && preprocessingField.trim() ? jsonField(preprocessingField, "preprocessing") : typeof preset === "string" && preset ? preset : "imagenet";
  return {
    bytes: new Uint8Array(await file.arrayBuffer()),
    definition: { name: fields.name, labels, preprocessing, ...(fields.topK ? { topK: fields.topK } : {}) } as ModelDefinitionInput,
  };
}
