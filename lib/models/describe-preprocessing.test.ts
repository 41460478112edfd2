import { describe, expect, it } from "vitest";
import { PREPROCESSING_PRESETS } from "@/lib/inference/preprocess";
import { describePreprocessing } from "./describe-preprocessing";

describe("describePreprocessing", () => {
  it("says what the ImageNet preset does", () => {
    expect(describePreprocessing(PREPROCESSING_PRESETS.imagenet)).toEqual([
      "Resize the shorter side to 256 px, centre-crop 224×224",
      "RGB, NCHW",
      "value /255, mean [0.485, 0.456, 0.406], std [0.229, 0.224, 0.225]",
    ]);
  });
  it("says when the aspect ratio is not kept and shows a custom scale", () => {
    expect(describePreprocessing({ ...PREPROCESSING_PRESETS.generic, scale: 1, colorOrder: "BGR", layout: "NHWC" })).toEqual([
      "Stretch to 224×224 (aspect ratio not kept)",
      "BGR, NHWC",
      "value ×1, mean [0, 0, 0], std [1, 1, 1]",
    ]);
  });
});
