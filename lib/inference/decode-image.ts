// Decodes JPEG, PNG and WebP bytes to RGBA with the same WebAssembly decoders in the browser and
// in Node (libjpeg-turbo/MozJPEG, the Rust png crate and libwebp, as packaged by @jsquash), so the
// phone and the server see the same pixels for the same bytes. EXIF orientation and the ICC profile
// are read from the header and returned (orientation is applied by preprocessImage; the profile is
// recorded, never applied). Where the WebAssembly files come from is the caller's business:
// call configureImageCodecs once with a loader (fetch in the browser, a file read in Node).
import decodeJpegWasm, { init as initJpeg } from "@jsquash/jpeg/decode.js";
import decodePngWasm, { init as initPng } from "@jsquash/png/decode.js";
import decodeWebpWasm, { init as initWebp } from "@jsquash/webp/decode.js";
import { decodeJpegAtEighthScale } from "./decode-jpeg-eighth";
import { readImageMetadata, ImageFormatError, type IccProfileInfo, type ImageFormat } from "./image-metadata";

export type ImageCodecName = ImageFormat;

/** The WebAssembly files behind each codec, by file name in their npm packages. */
export const IMAGE_CODEC_FILES: Record<ImageCodecName, { packageName: string; file: string }> = {
  jpeg: { packageName: "@jsquash/jpeg", file: "codec/dec/mozjpeg_dec.wasm" },
  png: { packageName: "@jsquash/png", file: "codec/pkg/squoosh_png_bg.wasm" },
  webp: { packageName: "@jsquash/webp", file: "codec/dec/webp_dec.wasm" },
};

export type LoadCodecModule = (codec: ImageCodecName) => Promise<WebAssembly.Module>;

export type DecodedImage = {
  data: Uint8ClampedArray;
  width: number;
  height: number;
  /** EXIF orientation 1–8 (not applied to `data`). */
  orientation: number;
  format: ImageFormat;
  icc?: IccProfileInfo;
  /** 8 when a big JPEG was decoded at 1/8 scale (width/height are then the reduced size), else 1. */
  scaleDenominator: 1 | 8;
  /** The stored image's size, before any decode-time downscaling. */
  sourceWidth: number;
  sourceHeight: number;
};

// Where the WebAssembly comes from is shared by the whole process (or worker). Which codecs are
// initialised is NOT: a server bundles this module and @jsquash once per route, each copy with its
// own WebAssembly instance, and a copy that skipped its own init would make @jsquash fetch the
// .wasm from a URL, which fails in Node (and stays failed).
type CodecState = { load?: LoadCodecModule };
const state: CodecState = ((globalThis as { __parallaxImageCodecs?: CodecState }).__parallaxImageCodecs ??= {});
let ready: Partial<Record<ImageCodecName, Promise<void>>> = {};

/** Tell the decoders where their WebAssembly comes from (once per process or worker). */
export function configureImageCodecs(load: LoadCodecModule): void {
  state.load = load;
  ready = {};
}

function ensureCodec(codec: ImageCodecName): Promise<void> {
  const load = state.load;
  if (!load) throw new Error("Image decoders are not configured: call configureImageCodecs() first.");
  ready[codec] ??= (async () => {
    const wasm = await load(codec);
    if (codec === "jpeg") await initJpeg(wasm);
    else if (codec === "png") await initPng(wasm);
    else await initWebp(wasm);
  })().catch((error: unknown) => {
    delete ready[codec];
    throw error;
  });
  return ready[codec];
}

/** Pre-load a codec (e.g. while a model downloads) so the first photo does not wait for it. */
export async function warmUpImageCodec(codec: ImageCodecName): Promise<void> {
  await ensureCodec(codec);
}

export class ImageTooLargeError extends Error {
  constructor(readonly width: number, readonly height: number, readonly maxPixels: number) {
    super(`The image is ${width}×${height} pixels; at most ${maxPixels.toLocaleString("en")} pixels can be decoded.`);
    this.name = "ImageTooLargeError";
  }
}

function exactArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer;
}

/**
 * Decode image bytes to RGBA. Refuses files whose header announces more than `maxPixels` pixels
 * before allocating anything (decompression bombs), and files that are not JPEG/PNG/WebP.
 * With `minShorterSide`, a baseline JPEG whose shorter side is at least 8× that is decoded at
 * 1/8 scale (decode-jpeg-eighth.ts): what a 12 MP photo needs for a 256-pixel resize, 64× cheaper
 * to resample. The rule depends only on the bytes and the preprocessing, so phone and server agree.
 */
export async function decodeImage(bytes: Uint8Array, options: { maxPixels?: number; minShorterSide?: number } = {}): Promise<DecodedImage> {
  const meta = readImageMetadata(bytes);
  const maxPixels = options.maxPixels ?? 50_000_000;
  if (meta.width * meta.height > maxPixels) throw new ImageTooLargeError(meta.width, meta.height, maxPixels);
  const source = { sourceWidth: meta.width, sourceHeight: meta.height, orientation: meta.orientation, format: meta.format, ...(meta.icc ? { icc: meta.icc } : {}) };
  if (meta.format === "jpeg" && options.minShorterSide && Math.min(meta.width, meta.height) >= 8 * options.minShorterSide) {
    const eighth = decodeJpegAtEighthScale(bytes);
    if (eighth) return { ...eighth, ...source, scaleDenominator: 8 };
  }
  await ensureCodec(meta.format);
  let image: ImageData;
  try {
    const buffer = exactArrayBuffer(bytes);
    if (meta.format === "jpeg") image = await decodeJpegWasm(buffer, { preserveOrientation: false });
    else if (meta.format === "png") image = await decodePngWasm(buffer);
    else image = await decodeWebpWasm(buffer);
  } catch (error) {
    throw new ImageFormatError(`The ${meta.format.toUpperCase()} image could not be decoded (${error instanceof Error ? error.message : String(error)}).`);
  }
  if (!image || image.width * image.height * 4 > image.data.length) throw new ImageFormatError(`The ${meta.format.toUpperCase()} image could not be decoded.`);
  return { data: image.data, width: image.width, height: image.height, ...source, scaleDenominator: 1 };
}
