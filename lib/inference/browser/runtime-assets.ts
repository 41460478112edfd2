// Where the browser finds its runtime files: copied from node_modules into public/ort/ by
// scripts/copy-ort-assets.mjs under versioned (hence immutable) folders. A unit test checks these
// versions against the installed packages. Pure.
import type { ImageCodecName } from "../decode-image";

export const ORT_WEB_VERSION = "1.30.0";
export const ORT_BASE_PATH = `/ort/${ORT_WEB_VERSION}/`;

export type OrtBundleName = "wasm" | "webgpu";

/** Each bundle's loader module and the WebAssembly it fetches (only the bundle in use is downloaded). */
export const ORT_BUNDLES: Record<OrtBundleName, { module: string; wasm: string; wasmBytes: number; label: string }> = {
  wasm: { module: "ort.wasm.min.mjs", wasm: "ort-wasm-simd-threaded.wasm", wasmBytes: 14_239_897, label: "ort.wasm.min.mjs + ort-wasm-simd-threaded.wasm" },
  webgpu: {
    module: "ort.webgpu.min.mjs",
    wasm: "ort-wasm-simd-threaded.asyncify.wasm",
    wasmBytes: 26_781_914,
    label: "ort.webgpu.min.mjs + ort-wasm-simd-threaded.asyncify.wasm",
  },
};

export const CODEC_ASSET_PATHS: Record<ImageCodecName, string> = {
  jpeg: "/ort/codecs/jsquash-jpeg-1.6.0/mozjpeg_dec.wasm",
  png: "/ort/codecs/jsquash-png-3.1.1/squoosh_png_bg.wasm",
  webp: "/ort/codecs/jsquash-webp-1.5.0/webp_dec.wasm",
};

/** Cache Storage buckets: model files (content-hashed URLs) and runtime files (versioned URLs). */
export const MODEL_CACHE_NAME = "parallax-models-v1";
export const RUNTIME_CACHE_NAME = `parallax-runtime-${ORT_WEB_VERSION}`;
