// Well-known models `npm run model:fetch -- NAME` can download: pinned URLs with pinned SHA-256
// (a download that does not match is refused). Labels are pinned the same way.
import type { PreprocessingPresetName } from "@/lib/inference/preprocess";

export type PinnedFile = { url: string; sha256: string; size: number; fileName: string };

export type KnownModel = {
  name: string;
  description: string;
  preset: PreprocessingPresetName;
  topK: number;
  model: PinnedFile;
  labels: PinnedFile;
};

const ZOO_COMMIT = "b1eeaa1ac722dcc1cd1a8284bde34393dab61c3d";
const ZOO = `https://github.com/onnx/models/raw/${ZOO_COMMIT}/validated/vision/classification`;

export const KNOWN_MODELS: Record<string, KnownModel> = {
  mobilenetv2: {
    name: "MobileNetV2 int8 (ONNX Model Zoo)",
    description: "MobileNet v2 1.0 224, ImageNet-1k, int8 (QOperator), Apache-2.0; logits for 1000 classes",
    preset: "imagenet",
    topK: 5,
    model: {
      url: `${ZOO}/mobilenet/model/mobilenetv2-12-int8.onnx`,
      sha256: "cc028fe6cae7bc11a4ff53cfc9b79c920e8be65ce33a904ec3e2a8f66d77f95f",
      size: 3_655_033,
      fileName: "mobilenetv2-12-int8.onnx",
    },
    labels: {
      url: `${ZOO}/synset.txt`,
      sha256: "acf75ef0abe89694b19056e0796401068b459c457baa30335f240c7692857355",
      size: 31_675,
      fileName: "synset.txt",
    },
  },
};

export const KNOWN_MODEL_ALIASES: Record<string, string> = { "mobilenetv2-12-int8": "mobilenetv2", mobilenet: "mobilenetv2" };

export function findKnownModel(name: string): KnownModel | undefined {
  const key = name.toLowerCase();
  return KNOWN_MODELS[KNOWN_MODEL_ALIASES[key] ?? key];
}
