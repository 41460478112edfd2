import { describe, expect, it } from "vitest";
import {
  PREPROCESSING_PRESETS,
  preprocessImage,
  preprocessingIdOf,
  preprocessingSpecSchema,
  presetWithSize,
  sourceWindowOf,
  type PreprocessingSpec,
} from "./preprocess";

/** RGBA image from rows of [r, g, b] triples (alpha 255). */
function image(rows: [number, number, number][][]) {
  const height = rows.length;
  const width = rows[0]!.length;
  const data = new Uint8Array(width * height * 4);
  rows.forEach((row, y) =>
    row.forEach(([r, g, b], x) => {
      data.set([r, g, b, 255], (y * width + x) * 4);
    }),
  );
  return { data, width, height };
}

/** Grey image whose pixel values are given (r = g = b = v). */
function grey(rows: number[][]) {
  return image(rows.map((row) => row.map((v) => [v, v, v] as [number, number, number])));
}

const raw = (width: number, height: number, extra: Partial<PreprocessingSpec> = {}): PreprocessingSpec => ({
  resize: "stretch",
  width,
  height,
  colorOrder: "RGB",
  scale: 1,
  mean: [0, 0, 0],
  std: [1, 1, 1],
  layout: "NCHW",
  ...extra,
});

/** The first channel plane of an NCHW tensor as rows. */
function plane(tensor: Float32Array, width: number, height: number, channel = 0): number[][] {
  return Array.from({ length: height }, (_, y) => Array.from(tensor.subarray(channel * width * height + y * width, channel * width * height + (y + 1) * width)));
}

describe("preprocessImage: resize and crop", () => {
  it("copies pixels unchanged when no resize is needed", () => {
    const { tensor, dims } = preprocessImage(grey([[1, 2], [3, 4]]), raw(2, 2));
    expect(dims).toEqual([1, 3, 2, 2]);
    expect(plane(tensor, 2, 2)).toEqual([[1, 2], [3, 4]]);
  });

  it("downscales with the widened triangle filter (hand-computed weights 3/7, 3/7, 1/7)", () => {
    // output 0: (10·3 + 20·3 + 30·1) / 7 = 17.14 → 17; output 1: (20·1 + 30·3 + 40·3) / 7 = 32.86 → 33
    const { tensor } = preprocessImage(grey([[10, 20, 30, 40]]), raw(2, 1));
    expect(plane(tensor, 2, 1)).toEqual([[17, 33]]);
  });

  it("upscales bilinearly (pixel centres aligned)", () => {
    // 2 → 4: centres at 0.25, 0.75, 1.25, 1.75 source px: 0, 0.25, 0.75, 1 of the way → 0, 25, 75, 100
    const { tensor } = preprocessImage(grey([[0, 100]]), raw(4, 1));
    expect(plane(tensor, 4, 1)).toEqual([[0, 25, 75, 100]]);
  });

  it("resizes the shorter side, then crops the centre", () => {
    // 4×2, shorter side already 2 → no scaling; centre crop 2×2 takes columns 1 and 2
    const spec = raw(2, 2, { resize: "shorter-side", resizeShorterSide: 2 });
    const { tensor } = preprocessImage(grey([[1, 2, 3, 4], [5, 6, 7, 8]]), spec);
    expect(plane(tensor, 2, 2)).toEqual([[2, 3], [6, 7]]);
  });

  it("halves then crops a tall image (shorter side 2 from 4×8, crop 2×2 from the 2×4 middle)", () => {
    const rows = Array.from({ length: 8 }, (_, y) => [y * 10, y * 10, y * 10, y * 10]);
    // resized to 2×4 (rows: averages around 0.5+2k with weights 1/7,3/7,3/7 or edge 3/7,3/7,1/7); crop rows 1..2
    // row 1 of the resized image: centre 3 → source rows 1..4 weights 1,3,3,1 /8 → (10+60+90+40)/8 = 25
    // row 2: centre 5 → rows 3..6 → (30+120+150+60)/8 = 45
    const { tensor } = preprocessImage(grey(rows), raw(2, 2, { resize: "shorter-side", resizeShorterSide: 2 }));
    expect(plane(tensor, 2, 2)).toEqual([[25, 25], [45, 45]]);
  });
});

describe("sourceWindowOf: the pixels preprocessImage reads", () => {
  const colourChecker = raw(32, 32, { resize: "shorter-side", resizeShorterSide: 64 });

  it("is the centre crop plus the resampler's reach (hand-computed for an 86×64 photo and the colour checker's 64 → 32×32)", () => {
    // no scaling (shorter side already 64); crop columns 27..58 and rows 16..47; the unit-scale
    // triangle filter also touches the next pixel (weight 0), so one more column and row
    expect(sourceWindowOf(colourChecker, 86, 64)).toEqual({ left: 27, top: 16, width: 33, height: 33 });
  });

  it.each([
    ["colour checker, 86×64", colourChecker, 86, 64],
    ["colour checker, downscaled from 300×200", colourChecker, 300, 200],
    ["imagenet preset, 320×260", PREPROCESSING_PRESETS.imagenet, 320, 260],
    ["stretch, 50×40 → 8×8", raw(8, 8), 50, 40],
  ] as const)("pixels outside the window never change the tensor (%s)", (_, spec, width, height) => {
    const window = sourceWindowOf(spec, width, height);
    expect(window.left).toBeGreaterThanOrEqual(0);
    expect(window.top).toBeGreaterThanOrEqual(0);
    expect(window.left + window.width).toBeLessThanOrEqual(width);
    expect(window.top + window.height).toBeLessThanOrEqual(height);
    const data = new Uint8Array(width * height * 4).map((_, i) => (i * 7919) % 251);
    const scrambled = data.slice();
    let changed = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = x >= window.left && x < window.left + window.width && y >= window.top && y < window.top + window.height;
        if (inside) continue;
        for (let c = 0; c < 3; c++) scrambled[(y * width + x) * 4 + c] = 255 - data[(y * width + x) * 4 + c]!;
        changed += 1;
      }
    }
    const tensorBytes = (pixels: Uint8Array) => Buffer.from(preprocessImage({ data: pixels, width, height }, spec).tensor.buffer);
    expect(tensorBytes(scrambled).equals(tensorBytes(data))).toBe(true);
    // …while a pixel inside does matter: the window is not simply the whole image for a centre crop.
    if (spec.resize === "shorter-side") expect(changed).toBeGreaterThan(0);
    const centre = ((window.top + (window.height >> 1)) * width + window.left + (window.width >> 1)) * 4;
    scrambled[centre] = 255 - scrambled[centre]!;
    expect(tensorBytes(scrambled).equals(tensorBytes(data))).toBe(false);
  });
});

describe("preprocessImage: EXIF orientation 1–8", () => {
  // Stored image (3 wide, 2 high):   1 2 3
  //                                  4 5 6
  const stored = grey([[1, 2, 3], [4, 5, 6]]);
  const upright: Record<number, number[][]> = {
    1: [[1, 2, 3], [4, 5, 6]],
    2: [[3, 2, 1], [6, 5, 4]], // mirrored horizontally
    3: [[6, 5, 4], [3, 2, 1]], // rotated 180°
    4: [[4, 5, 6], [1, 2, 3]], // mirrored vertically
    5: [[1, 4], [2, 5], [3, 6]], // transposed
    6: [[4, 1], [5, 2], [6, 3]], // rotated 90° clockwise to display
    7: [[6, 3], [5, 2], [4, 1]], // transversed
    8: [[3, 6], [2, 5], [1, 4]], // rotated 90° counter-clockwise to display
  };
  for (const [orientation, expected] of Object.entries(upright)) {
    it(`orientation ${orientation}`, () => {
      const width = expected[0]!.length;
      const height = expected.length;
      const { tensor } = preprocessImage({ ...stored, orientation: Number(orientation) }, raw(width, height));
      expect(plane(tensor, width, height)).toEqual(expected);
    });
  }
});

describe("preprocessImage: channels, layout and normalisation", () => {
  const pixel = image([[[10, 20, 30], [40, 50, 60]]]);

  it("keeps RGB order in NCHW planes", () => {
    const { tensor } = preprocessImage(pixel, raw(2, 1));
    expect(Array.from(tensor)).toEqual([10, 40, 20, 50, 30, 60]);
  });

  it("swaps to BGR", () => {
    const { tensor } = preprocessImage(pixel, raw(2, 1, { colorOrder: "BGR" }));
    expect(Array.from(tensor)).toEqual([30, 60, 20, 50, 10, 40]);
  });

  it("interleaves channels in NHWC", () => {
    const { tensor, dims } = preprocessImage(pixel, raw(2, 1, { layout: "NHWC" }));
    expect(dims).toEqual([1, 1, 2, 3]);
    expect(Array.from(tensor)).toEqual([10, 20, 30, 40, 50, 60]);
  });

  it("applies scale, mean and std per channel as float32", () => {
    const spec = raw(1, 1, { scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    const { tensor } = preprocessImage(image([[[255, 0, 128]]]), spec);
    expect(Array.from(tensor)).toEqual([
      Math.fround((255 / 255 - 0.485) / 0.229),
      Math.fround((0 / 255 - 0.456) / 0.224),
      Math.fround((128 / 255 - 0.406) / 0.225),
    ]);
  });

  it("ignores alpha", () => {
    const transparent = image([[[10, 20, 30]]]);
    transparent.data[3] = 0;
    expect(Array.from(preprocessImage(transparent, raw(1, 1)).tensor)).toEqual([10, 20, 30]);
  });

  it("rejects a pixel buffer that is too short", () => {
    expect(() => preprocessImage({ data: new Uint8Array(4), width: 2, height: 2 }, raw(1, 1))).toThrow(/needs 16/);
  });
});

describe("presets and ids", () => {
  it("imagenet preset gives a 1×3×224×224 tensor from any image", () => {
    const { dims, tensor } = preprocessImage(grey(Array.from({ length: 300 }, () => Array.from({ length: 400 }, () => 128))), PREPROCESSING_PRESETS.imagenet);
    expect(dims).toEqual([1, 3, 224, 224]);
    expect(tensor[0]).toBeCloseTo((128 / 255 - 0.485) / 0.229, 6);
  });

  it("ids name the algorithm version and change with every field", () => {
    const base = preprocessingIdOf(PREPROCESSING_PRESETS.imagenet);
    expect(base).toMatch(/^parallax-v1;/);
    expect(base).toBe(preprocessingIdOf({ ...PREPROCESSING_PRESETS.imagenet, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] }));
    expect(preprocessingIdOf({ ...PREPROCESSING_PRESETS.imagenet, colorOrder: "BGR" })).not.toBe(base);
    expect(preprocessingIdOf({ ...PREPROCESSING_PRESETS.imagenet, resizeShorterSide: 232 })).not.toBe(base);
    expect(preprocessingIdOf(PREPROCESSING_PRESETS.generic)).not.toBe(base);
  });

  it("validates specs", () => {
    expect(preprocessingSpecSchema.safeParse({ ...PREPROCESSING_PRESETS.imagenet, resizeShorterSide: 100 }).success).toBe(false);
    expect(preprocessingSpecSchema.safeParse({ ...PREPROCESSING_PRESETS.imagenet, std: [0, 1, 1] }).success).toBe(false);
    expect(presetWithSize("imagenet", 299, 299).resizeShorterSide).toBe(342);
  });
});
