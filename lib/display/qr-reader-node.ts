// Node only (tests, scripts, server): loads the ZXing reader's WebAssembly from node_modules so that
// nothing is fetched from the network.
import "server-only";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { configureQrReader } from "@/lib/display/qr-reader";

let loading: Promise<unknown> | null = null;

export function loadQrReaderForNode(): Promise<unknown> {
  loading ??= (async () => {
    const file = createRequire(import.meta.url).resolve("zxing-wasm/reader/zxing_reader.wasm");
    const bytes = await readFile(file);
    return configureQrReader({ wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
  })();
  return loading;
}
