// The one preprocessing of Parallax: decoded RGBA pixels (+ EXIF orientation) → a model's input
// tensor. Pure integer/float arithmetic that we control (fixed-point resampling weights, lookup
// tables for normalisation), so a phone's browser and the server produce bit-identical tensors for
// the same decoded pixels. No DOM, Node, canvas or Math.* transcendental functions.
import { z } from "zod";

/** Bumped whenever the arithmetic below changes: it is part of every preprocessing id. */
export const PREPROCESSING_ALGORITHM_VERSION = "parallax-v1";

const channelTriple = z.tuple([z.number().finite(), z.number().finite(), z.number().finite()]);

export const preprocessingSpecSchema = z
  .strictObject({
    /** "shorter-side": scale so the shorter side is `resizeShorterSide`, keep the aspect ratio, then centre-crop. "stretch": scale straight to width×height. */
    resize: z.enum(["shorter-side", "stretch"]),
    resizeShorterSide: z.number().int().min(1).max(4096).optional(),
    /** Model input size (after the centre crop). */
    width: z.number().int().min(1).max(4096),
    height: z.number().int().min(1).max(4096),
    colorOrder: z.enum(["RGB", "BGR"]),
    /** Applied to 0..255 values before mean/std: (v * scale - mean) / std. */
    scale: z.number().finite().positive(),
    mean: channelTriple,
    std: channelTriple.refine((std) => std.every((value) => value !== 0), "std values must not be 0"),
    layout: z.enum(["NCHW", "NHWC"]),
  })
  .superRefine((spec, ctx) => {
    if (spec.resize === "shorter-side") {
      const size = spec.resizeShorterSide;
      if (size === undefined) ctx.addIssue({ code: "custom", path: ["resizeShorterSide"], message: "is required when resize is shorter-side" });
      else if (size < Math.max(spec.width, spec.height))
        ctx.addIssue({ code: "custom", path: ["resizeShorterSide"], message: `must be at least the crop size (${Math.max(spec.width, spec.height)})` });
    }
  });

export type PreprocessingSpec = z.infer<typeof preprocessingSpecSchema>;

export const PREPROCESSING_PRESETS = {
  /** torchvision/ONNX Model Zoo ImageNet: shorter side 256, centre crop 224, RGB, /255, ImageNet mean/std, NCHW. */
  imagenet: {
    resize: "shorter-side",
    resizeShorterSide: 256,
    width: 224,
    height: 224,
    colorOrder: "RGB",
    scale: 1 / 255,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
    layout: "NCHW",
  },
  /** Plain 0..1 RGB, squashed to 224×224, no mean/std. */
  generic: {
    resize: "stretch",
    width: 224,
    height: 224,
    colorOrder: "RGB",
    scale: 1 / 255,
    mean: [0, 0, 0],
    std: [1, 1, 1],
    layout: "NCHW",
  },
} as const satisfies Record<string, PreprocessingSpec>;

export type PreprocessingPresetName = keyof typeof PREPROCESSING_PRESETS;

export function isPreprocessingPresetName(name: string): name is PreprocessingPresetName {
  return Object.hasOwn(PREPROCESSING_PRESETS, name);
}

/** A preset with its own size (e.g. imagenet at 299): shorter side scales with the crop as 256/224 does. */
export function presetWithSize(name: PreprocessingPresetName, width: number, height: number): PreprocessingSpec {
  const preset: PreprocessingSpec = { ...PREPROCESSING_PRESETS[name], mean: [...PREPROCESSING_PRESETS[name].mean], std: [...PREPROCESSING_PRESETS[name].std] };
  if (preset.resize === "shorter-side") {
    const ratio = (preset.resizeShorterSide ?? preset.width) / preset.width;
    return { ...preset, width, height, resizeShorterSide: Math.max(width, height, Math.round(Math.max(width, height) * ratio)) };
  }
  return { ...preset, width, height };
}

/**
 * A stable id naming everything that shapes the tensor: our algorithm version, the resampling
 * filter and every spec field. Two runs with the same id and the same decoded pixels give the same tensor.
 */
export function preprocessingIdOf(spec: PreprocessingSpec): string {
  const parsed = preprocessingSpecSchema.parse(spec);
  const resize = parsed.resize === "shorter-side" ? `shorter${parsed.resizeShorterSide}` : "stretch";
  return [
    PREPROCESSING_ALGORITHM_VERSION,
    // decoders: @jsquash (libjpeg-turbo/MozJPEG, png, libwebp); baseline JPEGs ≥ 8× the resize decoded at 1/8 (DC only)
    "dec-jsq-jdc8",
    "tri-fx22",
    `${resize}-crop${parsed.width}x${parsed.height}`,
    parsed.colorOrder.toLowerCase(),
    `s${String(parsed.scale)}`,
    `m${parsed.mean.map(String).join(",")}`,
    `sd${parsed.std.map(String).join(",")}`,
    parsed.layout.toLowerCase(),
  ].join(";");
}

export type DecodedPixels = {
  /** RGBA, 4 bytes per pixel, row-major, as stored in the file (before EXIF orientation). */
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** EXIF orientation 1–8 (default 1); applied here, so the tensor shows the photo upright. */
  orientation?: number;
};

export type PreprocessedTensor = { tensor: Float32Array; dims: number[] };

/** Where a resized axis comes from: for each output index, the first source index and integer weights. */
export type AxisPlan = { starts: Int32Array; counts: Int32Array; weights: Int32Array; taps: number };

const PRECISION_BITS = 22;
const ROUNDING = 1 << (PRECISION_BITS - 1);

/**
 * Resampling plan for one axis: `outCount` output samples taken at positions `offset..offset+outCount`
 * of the axis resized from `inSize` to `resizedSize`. Triangle (bilinear) filter widened by the
 * downscale factor (antialiasing), weights normalised in float64 then fixed to 22-bit integers.
 */
export function planAxis(inSize: number, resizedSize: number, offset: number, outCount: number): AxisPlan {
  const scale = inSize / resizedSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // triangle radius 1, widened
  const taps = Math.ceil(support) * 2 + 1;
  const starts = new Int32Array(outCount);
  const counts = new Int32Array(outCount);
  const weights = new Int32Array(outCount * taps);
  const floatWeights = new Float64Array(taps);
  for (let i = 0; i < outCount; i++) {
    const center = (offset + i + 0.5) * scale;
    let min = Math.floor(center - support + 0.5);
    if (min < 0) min = 0;
    let max = Math.floor(center + support + 0.5);
    if (max > inSize) max = inSize;
    const count = Math.min(max - min, taps);
    let total = 0;
    for (let k = 0; k < count; k++) {
      const distance = Math.abs((k + min - center + 0.5) / filterScale);
      const w = distance < 1 ? 1 - distance : 0;
      floatWeights[k] = w;
      total += w;
    }
    starts[i] = min;
    counts[i] = count;
    for (let k = 0; k < count; k++) {
      weights[i * taps + k] = total > 0 ? Math.round((floatWeights[k]! / total) * (1 << PRECISION_BITS)) : 0;
    }
  }
  return { starts, counts, weights, taps };
}

/** Oriented (upright) pixel (x, y) lives at source pixel index `origin + x * stepX + y * stepY`. */
export function orientationMapping(orientation: number, width: number, height: number) {
  const W = width;
  const H = height;
  switch (orientation) {
    case 2:
      return { width: W, height: H, origin: W - 1, stepX: -1, stepY: W };
    case 3:
      return { width: W, height: H, origin: (H - 1) * W + W - 1, stepX: -1, stepY: -W };
    case 4:
      return { width: W, height: H, origin: (H - 1) * W, stepX: 1, stepY: -W };
    case 5:
      return { width: H, height: W, origin: 0, stepX: W, stepY: 1 };
    case 6:
      return { width: H, height: W, origin: (H - 1) * W, stepX: -W, stepY: 1 };
    case 7:
      return { width: H, height: W, origin: (H - 1) * W + W - 1, stepX: -W, stepY: -1 };
    case 8:
      return { width: H, height: W, origin: W - 1, stepX: W, stepY: -1 };
    default:
      return { width: W, height: H, origin: 0, stepX: 1, stepY: W };
  }
}

/** Size of the resized image before the centre crop. */
export function resizedSizeOf(spec: PreprocessingSpec, width: number, height: number): { width: number; height: number } {
  if (spec.resize === "stretch") return { width: spec.width, height: spec.height };
  const target = spec.resizeShorterSide ?? Math.max(spec.width, spec.height);
  if (width <= height) return { width: target, height: Math.max(target, Math.round((height * target) / width)) };
  return { width: Math.max(target, Math.round((width * target) / height)), height: target };
}

// Plans and normalisation tables depend only on the spec and the image size, and a process sees
// few combinations: they are kept (a bulk run preprocesses a million same-sized images, where
// building them again took half the time). Read-only once made.
const CACHE_LIMIT = 64;
const planCache = new Map<string, { planX: AxisPlan; planY: AxisPlan }>();
const tableCache = new Map<string, Float32Array[]>();

function remember<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, (value = make()));
  }
  return value;
}

/** Resampling plans of both axes of an upright `width`×`height` image: resized as the spec says, then centre-cropped. */
function planResizeAndCrop(spec: PreprocessingSpec, width: number, height: number): { planX: AxisPlan; planY: AxisPlan } {
  return remember(planCache, `${spec.resize}|${spec.resizeShorterSide}|${spec.width}|${spec.height}|${width}|${height}`, () => {
    const resized = resizedSizeOf(spec, width, height);
    const offsetX = Math.floor((resized.width - spec.width) / 2);
    const offsetY = Math.floor((resized.height - spec.height) / 2);
    return { planX: planAxis(width, resized.width, offsetX, spec.width), planY: planAxis(height, resized.height, offsetY, spec.height) };
  });
}

/** Normalisation tables: one float32 per 8-bit value, per source channel (R, G, B). */
function normalisationTables(spec: PreprocessingSpec): Float32Array[] {
  return remember(tableCache, `${spec.scale}|${spec.mean.join(",")}|${spec.std.join(",")}`, () =>
    [0, 1, 2].map((c) => {
      const lut = new Float32Array(256);
      for (let v = 0; v < 256; v++) lut[v] = (v * spec.scale - spec.mean[c]!) / spec.std[c]!;
      return lut;
    }),
  );
}

/** Scratch rows of the horizontal pass, reused (preprocessImage is synchronous). */
let scratch = new Uint8Array(0);

function extentOf(plan: AxisPlan): { start: number; end: number } {
  let start = Infinity;
  let end = 0;
  for (let i = 0; i < plan.starts.length; i++) {
    start = Math.min(start, plan.starts[i]!);
    end = Math.max(end, plan.starts[i]! + plan.counts[i]!);
  }
  return { start, end };
}

/**
 * The window of an upright `width`×`height` image that preprocessImage reads: pixels outside it
 * never change the tensor (so a renderer that only feeds the model may leave them out).
 */
export function sourceWindowOf(spec: PreprocessingSpec, width: number, height: number): { left: number; top: number; width: number; height: number } {
  const { planX, planY } = planResizeAndCrop(spec, width, height);
  const x = extentOf(planX);
  const y = extentOf(planY);
  return { left: x.start, top: y.start, width: x.end - x.start, height: y.end - y.start };
}

function clip8(value: number): number {
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

/** Scratch RGB output of preprocessImage's resampling, reused (preprocessImage is synchronous). */
let rgbOut = new Uint8Array(0);
function rgbScratch(length: number): Uint8Array {
  if (rgbOut.length < length) rgbOut = new Uint8Array(length);
  return rgbOut;
}

/**
 * Where a resampling reads its source: pixel (x, y) of the image it sees (upright, or a region of
 * a larger image) starts at element (origin + y·stepY + x·stepX)·channels of `data`; R, G, B first.
 */
export type PixelSource = { data: Uint8Array | Uint8ClampedArray; origin: number; stepX: number; stepY: number; channels: 3 | 4 };

/**
 * The triangle-filter resampling of the preprocessing, in two fixed-point passes with uint8 results
 * in between (as PIL does): rows first, over only the rows the column pass needs, then columns.
 * Writes planX × planY RGB pixels into `out` and returns it. Shared by preprocessImage and the
 * simulator's bulk camera, so both resample alike.
 */
export function resampleRgb(source: PixelSource, planX: AxisPlan, planY: AxisPlan, out: Uint8Array): Uint8Array {
  const outW = planX.starts.length;
  const outH = planY.starts.length;
  const rowMin = planY.starts[0]!;
  const rows = planY.starts[outH - 1]! + planY.counts[outH - 1]! - rowMin;
  if (scratch.length < rows * outW * 3) scratch = new Uint8Array(rows * outW * 3);
  const { data, origin, stepX, stepY, channels } = source;
  for (let r = 0; r < rows; r++) resampleRow(data, (origin + (rowMin + r) * stepY) * channels, stepX * channels, planX, scratch, r * outW * 3);
  for (let j = 0; j < outH; j++) resampleColumns(scratch, (planY.starts[j]! - rowMin) * outW * 3, outW * 3, planY.counts[j]!, planY.weights, j * planY.taps, out, j * outW * 3);
  return out;
}

// The two passes' loops each sit alone in a small function called once per row: V8 optimises such
// a function once, after a few calls, and keeps it. A loop inside a function called once per photo
// is optimised "on stack" instead, and the code after it was thrown away and compiled again photo
// after photo, on a background thread that then competed with inference for the CPU.

/** Horizontal pass over one source row starting at element `at` (R of its first pixel; `step` elements between pixels). */
function resampleRow(data: Uint8Array | Uint8ClampedArray, at: number, step: number, planX: AxisPlan, out: Uint8Array, o: number): void {
  const { starts, counts, weights, taps } = planX;
  for (let i = 0; i < starts.length; i++, o += 3) {
    let sr = ROUNDING;
    let sg = ROUNDING;
    let sb = ROUNDING;
    const count = counts[i]!;
    const wBase = i * taps;
    let p = at + starts[i]! * step;
    for (let k = 0; k < count; k++, p += step) {
      const w = weights[wBase + k]!;
      sr += data[p]! * w;
      sg += data[p + 1]! * w;
      sb += data[p + 2]! * w;
    }
    out[o] = clip8(sr >> PRECISION_BITS);
    out[o + 1] = clip8(sg >> PRECISION_BITS);
    out[o + 2] = clip8(sb >> PRECISION_BITS);
  }
}

/** Vertical pass for one output row: `count` rows of `horizontal` from element `start`, `stride` elements apart. */
function resampleColumns(horizontal: Uint8Array, start: number, stride: number, count: number, weights: Int32Array, wBase: number, out: Uint8Array, o: number): void {
  for (let i = 0; i < stride; i += 3) {
    let sr = ROUNDING;
    let sg = ROUNDING;
    let sb = ROUNDING;
    let p = start + i;
    for (let k = 0; k < count; k++, p += stride) {
      const w = weights[wBase + k]!;
      sr += horizontal[p]! * w;
      sg += horizontal[p + 1]! * w;
      sb += horizontal[p + 2]! * w;
    }
    out[o + i] = clip8(sr >> PRECISION_BITS);
    out[o + i + 1] = clip8(sg >> PRECISION_BITS);
    out[o + i + 2] = clip8(sb >> PRECISION_BITS);
  }
}

/** Decoded RGBA pixels → input tensor, as described by `spec` (validated). */
export function preprocessImage(decoded: DecodedPixels, spec: PreprocessingSpec): PreprocessedTensor {
  const { data, width: W, height: H } = decoded;
  if (!Number.isInteger(W) || !Number.isInteger(H) || W < 1 || H < 1) throw new Error(`invalid image size ${W}×${H}`);
  if (data.length < W * H * 4) throw new Error(`pixel buffer holds ${data.length} bytes; ${W}×${H} RGBA needs ${W * H * 4}`);
  const map = orientationMapping(decoded.orientation ?? 1, W, H);
  const outW = spec.width;
  const outH = spec.height;
  const { planX, planY } = planResizeAndCrop(spec, map.width, map.height);

  const rgb = resampleRgb({ data, origin: map.origin, stepX: map.stepX, stepY: map.stepY, channels: 4 }, planX, planY, rgbScratch(outW * outH * 3));

  // Model channel m takes source channel order[m]; each source channel's table and place are fixed.
  const luts = normalisationTables(spec);
  const order = spec.colorOrder === "RGB" ? [0, 1, 2] : [2, 1, 0];
  const tensor = new Float32Array(3 * outW * outH);
  const plane = outW * outH;
  const nchw = spec.layout === "NCHW";
  const channelOf = (source: number) => order.indexOf(source);
  const [lutR, lutG, lutB] = [luts[channelOf(0)]!, luts[channelOf(1)]!, luts[channelOf(2)]!];
  const [placeR, placeG, placeB] = [0, 1, 2].map((source) => (nchw ? channelOf(source) * plane : channelOf(source))) as [number, number, number];
  const pixelStep = nchw ? 1 : 3;
  for (let y = 0; y < outH; y++) normaliseRow(rgb, y * outW, outW, tensor, pixelStep, lutR, lutG, lutB, placeR, placeG, placeB);
  return { tensor, dims: nchw ? [1, 3, outH, outW] : [1, outH, outW, 3] };
}

/** `count` RGB pixels from pixel `first` on, through the lookup tables, to their places in the tensor. */
function normaliseRow(
  rgb: Uint8Array,
  first: number,
  count: number,
  tensor: Float32Array,
  pixelStep: number,
  lutR: Float32Array,
  lutG: Float32Array,
  lutB: Float32Array,
  placeR: number,
  placeG: number,
  placeB: number,
): void {
  for (let pixel = first, p = first * 3; pixel < first + count; pixel++, p += 3) {
    const at = pixel * pixelStep;
    tensor[at + placeR] = lutR[rgb[p]!]!;
    tensor[at + placeG] = lutG[rgb[p + 1]!]!;
    tensor[at + placeB] = lutB[rgb[p + 2]!]!;
  }
}
