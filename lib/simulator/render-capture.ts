// The virtual camera: turns a base scene into the photo one virtual phone would take of it.
// Framing (crop and aim) and resize to the phone's photo size with sharp; then an ISP in our own
// code — white balance and exposure in linear light, highlight clipping, tone curve (gamma,
// contrast S-curve), saturation, seeded sensor noise, unsharp masking (over sharp's Gaussian
// blur) — and finally sharp's JPEG encoder with the phone's quality and chroma subsampling, and
// EXIF Make/Model/Software/DateTimeOriginal (never GPS). The same inputs give byte-identical JPEGs:
// all randomness comes from the seed, and the libvips operations used here are deterministic
// whatever its thread count (tested).
// The bulk mode (createCaptureWindowRenderer) renders no file: the same framing and colour
// pipeline, at a photo size just large enough for the model's preprocessing, and only over the
// window of the photo that the preprocessing reads.
import "server-only";
import sharp from "sharp";
import { planAxis, resampleRgb, sourceWindowOf, type AxisPlan, type DecodedPixels, type PreprocessingSpec } from "@/lib/inference/preprocess";
import type { CameraCharacter } from "./device-models";
import type { DeviceIdentity } from "./device-identities";
import { createRandom, type Seed } from "./random";

/** Decoded RGB pixels, 3 bytes per pixel, row-major. */
export type RgbImage = { width: number; height: number; data: Uint8Array };

/** What varies from one shot to the next with the same phone: aim, and the noise's seed. */
export type ShotVariation = {
  /** Extra aim offset as a fraction of the frame (device habit + scene + burst jitter). */
  offsetX: number;
  offsetY: number;
  /** Extra zoom factor near 1. */
  zoom: number;
  noiseSeed: Seed;
};

export type RenderCaptureInput = {
  scene: RgbImage;
  character: CameraCharacter;
  identity: Pick<DeviceIdentity, "exif">;
  shot: ShotVariation;
  /** Local camera time written to EXIF DateTime/DateTimeOriginal. */
  capturedAt: Date;
};

export type RenderedCapture = { bytes: Buffer; width: number; height: number };

/** The region of the scene the phone sees: the phone's aspect ratio, zoomed and aimed, inside the scene. */
export function computeFramingRegion(
  scene: { width: number; height: number },
  photo: { width: number; height: number },
  aim: { offsetX: number; offsetY: number; zoom: number },
): { left: number; top: number; width: number; height: number } {
  const aspect = photo.width / photo.height;
  let width = scene.width;
  let height = scene.width / aspect;
  if (height > scene.height) {
    height = scene.height;
    width = scene.height * aspect;
  }
  const zoom = Math.min(1, Math.max(0.2, aim.zoom));
  width = Math.max(1, Math.round(width * zoom));
  height = Math.max(1, Math.round(height * zoom));
  const centreX = scene.width / 2 + aim.offsetX * scene.width;
  const centreY = scene.height / 2 + aim.offsetY * scene.height;
  const left = Math.min(scene.width - width, Math.max(0, Math.round(centreX - width / 2)));
  const top = Math.min(scene.height - height, Math.max(0, Math.round(centreY - height / 2)));
  return { left, top, width, height };
}

function decodeSrgb(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

function encodeSrgb(v: number): number {
  return v <= 0.0031308 ? v * 12.92 : 1.055 * v ** (1 / 2.4) - 0.055;
}

/** Contrast as a slope in log-odds around mid-grey: keeps 0 and 1 fixed, slope `contrast` at 0.5. */
function applyContrast(y: number, contrast: number): number {
  if (y <= 0) return 0;
  if (y >= 1) return 1;
  const a = y ** contrast;
  return a / (a + (1 - y) ** contrast);
}

/**
 * Per channel: 8-bit input → display value in [0, 1] after white balance, exposure, clipping,
 * gamma and contrast. Kept in floating point so saturation and noise quantise only once.
 */
export function buildToneTables(character: CameraCharacter): [Float32Array, Float32Array, Float32Array] {
  const exposure = 2 ** character.exposureEv;
  const gains = [character.whiteBalance.r, character.whiteBalance.g, character.whiteBalance.b];
  return gains.map((gain) => {
    const table = new Float32Array(256);
    for (let v = 0; v < 256; v++) {
      const linear = Math.min(1, decodeSrgb(v / 255) * gain * exposure);
      table[v] = applyContrast(encodeSrgb(linear) ** character.gamma, character.contrast);
    }
    return table;
  }) as [Float32Array, Float32Array, Float32Array];
}

/** Standard normal quantiles at (i + 0.5) / 65536: noise is drawn by indexing this table (fast, exact enough for sensor noise). */
let normalTable: Float32Array | undefined;
function getNormalTable(): Float32Array {
  if (normalTable) return normalTable;
  const table = new Float32Array(65536);
  for (let i = 0; i < table.length; i++) table[i] = inverseNormalCdf((i + 0.5) / table.length);
  normalTable = table;
  return table;
}

/** Acklam's rational approximation of the standard normal quantile function (relative error < 1.2e-9). */
export function inverseNormalCdf(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.928510446969, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) return -inverseNormalCdf(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** The colour part of the ISP on raw RGB pixels, into a new buffer. */
export function applyColourPipeline(pixels: Uint8Array, character: CameraCharacter, noiseSeed: Seed): Uint8Array {
  return createColourPipeline(character)(pixels, noiseSeed);
}

/**
 * applyColourPipeline for one camera character, its tone tables built once: the bulk renderer
 * applies it to a million small captures, where building the tables would cost more than the pixels.
 */
export function createColourPipeline(character: CameraCharacter): (pixels: Uint8Array, noiseSeed: Seed, out?: Uint8Array) => Uint8Array {
  // Float32 table values × 255 in double precision, exactly as multiplied per pixel before.
  const tables = buildToneTables(character).map((table) => Float64Array.from(table, (value) => value * 255)) as [Float64Array, Float64Array, Float64Array];
  const normalTable = getNormalTable();
  // `out` may be `pixels` itself: each pixel is read before it is written.
  return (pixels, noiseSeed, out = new Uint8Array(pixels.length)) => {
    // Locals, not the closure's variables, in the loop (much faster).
    const [tableR, tableG, tableB] = tables;
    const normals = normalTable;
    const saturation = character.saturation;
    const noise = character.noiseSd;
    const hasNoise = noise > 0;
    // xorshift32, seeded from the shot's stream: inlined because it runs three times per pixel.
    let state = createRandom(noiseSeed).uint32() || 0x9e3779b9;
    for (let i = 0; i < pixels.length; i += 3) {
      let r = tableR[pixels[i]!]!;
      let g = tableG[pixels[i + 1]!]!;
      let b = tableB[pixels[i + 2]!]!;
      const luma = 0.299 * r + 0.587 * g + 0.114 * b;
      r = luma + saturation * (r - luma);
      g = luma + saturation * (g - luma);
      b = luma + saturation * (b - luma);
      if (hasNoise) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        r += normals[(state >>> 8) & 0xffff]! * noise;
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        g += normals[(state >>> 8) & 0xffff]! * noise;
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        b += normals[(state >>> 8) & 0xffff]! * noise;
      }
      // Math.round, clamped to 0..255: from 0.5 up, adding 0.5 is exact (or lands on the same
      // integer) and truncation is floor — and it runs twice as fast as Math.round here.
      out[i] = r < 0.5 ? 0 : r >= 255 ? 255 : (r + 0.5) | 0;
      out[i + 1] = g < 0.5 ? 0 : g >= 255 ? 255 : (g + 0.5) | 0;
      out[i + 2] = b < 0.5 ? 0 : b >= 255 ? 255 : (b + 0.5) | 0;
    }
    return out;
  };
}

/** Unsharp masking: pixels + amount × (pixels − blurred), into a new buffer. */
export function applyUnsharpMask(pixels: Uint8Array, blurred: Uint8Array, amount: number): Uint8Array {
  if (pixels.length !== blurred.length) throw new RangeError("unsharp mask: the blurred image has a different size");
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) {
    const value = pixels[i]! + amount * (pixels[i]! - blurred[i]!);
    out[i] = value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
  }
  return out;
}

/** EXIF date format: "YYYY:MM:DD HH:MM:SS" (the value is written as is, without a time zone). */
export function formatExifDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getUTCFullYear()}:${pad(date.getUTCMonth() + 1)}:${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

/**
 * The bulk mode's camera: renders a capture straight into the decoded RGBA pixels the model's
 * preprocessing takes, with no photo file. The framing and the colour pipeline are the character's
 * (computeFramingRegion, createColourPipeline); the photo is `character.width`×`character.height`
 * (the caller makes it small), and only the window of it that preprocessImage reads is rendered
 * (sourceWindowOf): every other pixel stays 0 and never reaches the tensor. Left out, because
 * they cost more than the rest of a small capture: the resize is the shared triangle filter instead
 * of sharp's Lanczos, and there is no unsharp masking and no JPEG coding. Pure and deterministic.
 * The returned pixels are the renderer's own buffer, overwritten by its next call: preprocess them first.
 */
export function createCaptureWindowRenderer(character: CameraCharacter, preprocessing: PreprocessingSpec): (scene: RgbImage, shot: ShotVariation) => DecodedPixels {
  const { width, height } = character;
  const window = sourceWindowOf(preprocessing, width, height);
  const colour = createColourPipeline(character);
  const resize = createRegionResizer({ width, height }, window);
  const data = new Uint8Array(width * height * 4);
  return (scene, shot) => {
    const region = computeFramingRegion(scene, character, {
      offsetX: character.framing.offsetX + shot.offsetX,
      offsetY: character.framing.offsetY + shot.offsetY,
      zoom: character.framing.zoom * shot.zoom,
    });
    const pixels = resize(scene, region);
    colour(pixels, shot.noiseSeed, pixels);
    for (let y = 0; y < window.height; y++) {
      let o = ((window.top + y) * width + window.left) * 4;
      let p = y * window.width * 3;
      for (let x = 0; x < window.width; x++, o += 4, p += 3) {
        data[o] = pixels[p]!;
        data[o + 1] = pixels[p + 1]!;
        data[o + 2] = pixels[p + 2]!;
        data[o + 3] = 255;
      }
    }
    return { data, width, height };
  };
}

type Region = { left: number; top: number; width: number; height: number };

/**
 * Resizes a region of a scene to `size` with the preprocessing's own resampling (resampleRgb) and
 * returns only the output pixels inside `window`: RGB, `window.width`×`window.height`, in a buffer
 * that the next call overwrites. Axis plans are kept per region size (a shot's zoom varies little).
 */
export function createRegionResizer(size: { width: number; height: number }, window: Region): (scene: RgbImage, region: Region) => Uint8Array {
  const plansX: AxisPlan[] = [];
  const plansY: AxisPlan[] = [];
  const out = new Uint8Array(window.width * window.height * 3);
  return (scene, region) => {
    const planX = (plansX[region.width] ??= planAxis(region.width, size.width, window.left, window.width));
    const planY = (plansY[region.height] ??= planAxis(region.height, size.height, window.top, window.height));
    const source = { data: scene.data, origin: region.top * scene.width + region.left, stepX: 1, stepY: scene.width, channels: 3 as const };
    return resampleRgb(source, planX, planY, out);
  };
}

/** Render one phone photo of a scene. */
export async function renderCapture(input: RenderCaptureInput): Promise<RenderedCapture> {
  const { scene, character, identity, shot } = input;
  const region = computeFramingRegion(scene, character, {
    offsetX: character.framing.offsetX + shot.offsetX,
    offsetY: character.framing.offsetY + shot.offsetY,
    zoom: character.framing.zoom * shot.zoom,
  });
  const framed = await sharp(scene.data, { raw: { width: scene.width, height: scene.height, channels: 3 } })
    .extract(region)
    .resize(character.width, character.height, { fit: "fill", kernel: "lanczos3" })
    .raw()
    .toBuffer();
  const raw = { width: character.width, height: character.height, channels: 3 } as const;
  let processed = applyColourPipeline(framed, character, shot.noiseSeed);
  if (character.sharpen.amount > 0.05) {
    const blurred = await sharp(processed, { raw }).blur({ sigma: character.sharpen.sigma, precision: "integer" }).raw().toBuffer();
    processed = applyUnsharpMask(processed, blurred, character.sharpen.amount);
  }
  const when = formatExifDate(input.capturedAt);
  const bytes = await sharp(processed, { raw })
    .withExif({
      IFD0: { Make: identity.exif.make, Model: identity.exif.model, Software: identity.exif.software, DateTime: when },
      IFD2: { DateTimeOriginal: when, DateTimeDigitized: when },
    })
    .jpeg({ quality: character.jpegQuality, chromaSubsampling: character.chromaSubsampling })
    .toBuffer();
  return { bytes, width: character.width, height: character.height };
}

/** Decode any image sharp reads into RGB pixels (alpha flattened on white, EXIF orientation applied), optionally capped in size. */
export async function decodeToRgb(bytes: Uint8Array, maxSide?: number): Promise<RgbImage> {
  let pipeline = sharp(bytes).rotate().flatten({ background: "#ffffff" }).toColourspace("srgb");
  if (maxSide) pipeline = pipeline.resize(maxSide, maxSide, { fit: "inside", withoutEnlargement: true });
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels after decoding, got ${info.channels}`);
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}
