// A model's preprocessing in words, for the researcher's model picker and the models registry:
// what a phone does to a photo before the model sees it. Pure.
import type { PreprocessingSpec } from "@/lib/inference/preprocess";

const round = (value: number) => Number(value.toFixed(4)).toString();
const triple = (values: readonly number[]) => `[${values.map(round).join(", ")}]`;

export function describePreprocessing(spec: PreprocessingSpec): string[] {
  const resize =
    spec.resize === "shorter-side"
      ? `Resize the shorter side to ${spec.resizeShorterSide} px, centre-crop ${spec.width}×${spec.height}`
      : `Stretch to ${spec.width}×${spec.height} (aspect ratio not kept)`;
  const scale = Math.abs(spec.scale - 1 / 255) < 1e-9 ? "/255" : `×${round(spec.scale)}`;
  return [resize, `${spec.colorOrder}, ${spec.layout}`, `value ${scale}, mean ${triple(spec.mean)}, std ${triple(spec.std)}`];
}
