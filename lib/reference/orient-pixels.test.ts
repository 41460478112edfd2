import { describe, expect, it } from "vitest";
import { preprocessImage, PREPROCESSING_PRESETS } from "@/lib/inference/preprocess";
import { orientToUprightRgb } from "./orient-pixels";

// A 3×2 RGBA image whose pixel i has red = i (alpha 255): easy to follow through rotations.
const W = 3;
const H = 2;
const rgba = new Uint8ClampedArray(W * H * 4);
for (let i = 0; i < W * H; i++) rgba.set([i, 100 + i, 200 + i, 255], i * 4);
const reds = (image: { data: Uint8Array }) => Array.from(image.data.filter((_, i) => i % 3 === 0));

describe("orientToUprightRgb", () => {
  // Source rows: [0 1 2] / [3 4 5]
  it.each([
    [1, 3, 2, [0, 1, 2, 3, 4, 5]],
    [2, 3, 2, [2, 1, 0, 5, 4, 3]],
    [3, 3, 2, [5, 4, 3, 2, 1, 0]],
    [4, 3, 2, [3, 4, 5, 0, 1, 2]],
    [5, 2, 3, [0, 3, 1, 4, 2, 5]],
    [6, 2, 3, [3, 0, 4, 1, 5, 2]],
    [7, 2, 3, [5, 2, 4, 1, 3, 0]],
    [8, 2, 3, [2, 5, 1, 4, 0, 3]],
  ])("orientation %i → %i×%i with red values %j, alpha dropped", (orientation, width, height, expected) => {
    const upright = orientToUprightRgb({ data: rgba, width: W, height: H, orientation });
    expect([upright.width, upright.height]).toEqual([width, height]);
    expect(upright.data).toHaveLength(W * H * 3);
    expect(reds(upright)).toEqual(expected);
    expect(upright.data[1]).toBe(100 + expected[0]!);
  });

  it("gives the preprocessing exactly the tensor of the original with its orientation", () => {
    const w = 37;
    const h = 23;
    const data = new Uint8ClampedArray(w * h * 4);
    for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : (i * 7919) % 256;
    const spec = { ...PREPROCESSING_PRESETS.imagenet, width: 16, height: 16, resizeShorterSide: 18 };
    for (const orientation of [1, 3, 6, 8]) {
      const upright = orientToUprightRgb({ data, width: w, height: h, orientation });
      const asRgba = new Uint8ClampedArray(upright.width * upright.height * 4);
      for (let i = 0; i < upright.width * upright.height; i++) asRgba.set([upright.data[i * 3]!, upright.data[i * 3 + 1]!, upright.data[i * 3 + 2]!, 255], i * 4);
      const fromOriginal = preprocessImage({ data, width: w, height: h, orientation }, spec);
      const fromUpright = preprocessImage({ data: asRgba, width: upright.width, height: upright.height, orientation: 1 }, spec);
      expect(fromUpright.tensor).toEqual(fromOriginal.tensor);
    }
  });

  it("refuses a buffer too small for its size", () => {
    expect(() => orientToUprightRgb({ data: new Uint8Array(8), width: 3, height: 2 })).toThrow(/needs 24/);
  });
});
