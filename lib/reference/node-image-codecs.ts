// Gives the shared image decoders (lib/inference/decode-image) their WebAssembly in Node: the same
// .wasm files the browser downloads, read from node_modules.
import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { configureImageCodecs, IMAGE_CODEC_FILES, type ImageCodecName } from "@/lib/inference/decode-image";

export function codecWasmPath(codec: ImageCodecName): string {
  const { packageName, file } = IMAGE_CODEC_FILES[codec];
  // The server and the scripts run from the repository root.
  return path.join(/* turbopackIgnore: true */ process.cwd(), "node_modules", packageName, file);
}

let configured = false;

/** Configure the decoders once per process (idempotent). */
export function configureNodeImageCodecs(): void {
  if (configured) return;
  configureImageCodecs(async (codec) => WebAssembly.compile(readFileSync(/* turbopackIgnore: true */ codecWasmPath(codec))));
  configured = true;
}
