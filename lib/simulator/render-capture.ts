// The virtual camera: turns a base scene into the photo one virtual phone would take of it.
// Framing (crop and aim) and resize to the phone's photo size with sharp; then an ISP in our own
// code — white balance and exposure in linear light, highlight clipping, tone curve (gamma,
// contrast S-curve), saturation, seeded sensor noise, unsharp masking (over sharp's Gaussian
// blur) — and finally sharp's JPEG encoder with the phone's quality and chroma subsampling, and
// EXIF Make/Model/Software/DateTimeOriginal (never GPS). The same inputs give byte-identical JPEGs:
// all randomness comes from the seed, and the libvips operations used here are deterministic
// whatever its thread count (tested).
import "server-only";
import sharp from "sharp";
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
  const [tableR, tableG, tableB] = buildToneTables(character);
  const saturation = character.saturation;
  const noise = character.noiseSd;
  const normals = getNormalTable();
  // xorshift32, seeded from the shot's stream: inlined because it runs three times per pixel.
  let state = createRandom(noiseSeed).uint32() || 0x9e3779b9;
  const nextNoise = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return normals[(state >>> 8) & 0xffff]! * noise;
  };
  const hasNoise = noise > 0;
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i += 3) {
    let r = tableR[pixels[i]!]! * 255;
    let g = tableG[pixels[i + 1]!]! * 255;
    let b = tableB[pixels[i + 2]!]! * 255;
    const luma = 0.299 * r + 0.587 * g + 0.114 * b;
    r = luma + saturation * (r - luma);
    g = luma + saturation * (g - luma);
    b = luma + saturation * (b - luma);
    if (hasNoise) {
      r += nextNoise();
      g += nextNoise();
      b += nextNoise();
    }
    out[i] = r <= 0 ? 0 : r >= 255 ? 255 : Math.round(r);
    out[i + 1] = g <= 0 ? 0 : g >= 255 ? 255 : Math.round(g);
    out[i + 2] = b <= 0 ? 0 : b >= 255 ? 255 : Math.round(b);
  }
  return out;
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
