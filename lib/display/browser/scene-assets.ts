// Where the phone's scene worker finds the QR reader's WebAssembly: copied from node_modules by
// scripts/copy-ort-assets.mjs into a versioned (immutable) folder. Fetched only after a photo is
// taken, never with the page. Pure.
export const ZXING_WASM_VERSION = "3.1.4";
export const ZXING_READER_WASM_PATH = `/ort/zxing-wasm-${ZXING_WASM_VERSION}/zxing_reader.wasm`;
/** Longest side of the rectified crop sent to the model (it resizes to its input size anyway). */
export const RECTIFIED_MAX_SIDE = 1024;
