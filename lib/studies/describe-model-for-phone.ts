// The model part of what a phone receives when it joins: input spec, preprocessing, labels and the
// URL of the ONNX file (served by the models API at a content-hashed, immutable URL).
import type { Model } from "@/lib/db/generated/client";
import type { PhoneModel } from "./study-schemas";

export function modelFileUrl(model: Pick<Model, "id" | "sha256">): string {
  return `/api/v1/models/${encodeURIComponent(model.id)}/file?v=${model.sha256.slice(0, 16)}`;
}

export function describeModelForPhone(model: Model): PhoneModel {
  const labels = Array.isArray(model.labels) ? model.labels.map((label) => String(label)) : [];
  return {
    id: model.id,
    name: model.name,
    sha256: model.sha256,
    task: model.task,
    sizeBytes: model.sizeBytes,
    inputName: model.inputName,
    outputName: model.outputName,
    layout: model.layout,
    inputWidth: model.inputWidth,
    inputHeight: model.inputHeight,
    preprocessing: model.preprocessing,
    labels,
    numClasses: model.numClasses,
    topK: model.topK,
    fileUrl: modelFileUrl(model),
  };
}
