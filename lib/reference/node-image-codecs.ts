// Gives the shared image decoders (lib/inference/decode-image) their WebAssembly in Node: the same
// .wasm files the browser downloads, read from node_modules.
import "server-only";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { configureImageCodecs, IMAGE_CODEC_FILES, type ImageCodecName } from "@/lib/inference/decode-image";

export function codecWasmPath(codec: ImageCodecName): string {
  const { packageName, file } = IMAGE_CODEC_FILES[codec];
  const fromCwd = path.join(process.cwd(), "node_modules", packageName, file);
  if (existsSync(fromCwd)) return fromCwd;
  return createRequire(import.meta.url).resolve(`${packageName}/${file}`);
}

let configured = false;

/** Configure the decoders once per process (idempotent). */
export function configureNodeImageCodecs(): void {
  if (configured) return;
  configureImageCodecs(async (codec) => WebAssembly.compile(readFileSync(codecWasmPath(codec))));
  configured = true;
}
