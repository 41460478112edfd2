import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { IMAGE_CODEC_FILES } from "../decode-image";
import { CODEC_ASSET_PATHS, ORT_BUNDLES, ORT_WEB_VERSION } from "./runtime-assets";

const version = (pkg: string) => JSON.parse(readFileSync(path.join(process.cwd(), "node_modules", pkg, "package.json"), "utf8")).version as string;

describe("browser runtime asset paths", () => {
  it("match the installed onnxruntime-web and decoder versions", () => {
    expect(ORT_WEB_VERSION).toBe(version("onnxruntime-web"));
    for (const [codec, { packageName, file }] of Object.entries(IMAGE_CODEC_FILES)) {
      const expected = `/ort/codecs/${packageName.replace("@", "").replace("/", "-")}-${version(packageName)}/${path.basename(file)}`;
      expect(CODEC_ASSET_PATHS[codec as keyof typeof CODEC_ASSET_PATHS]).toBe(expected);
    }
  });

  it("name files that exist in onnxruntime-web", () => {
    for (const bundle of Object.values(ORT_BUNDLES)) {
      expect(existsSync(path.join(process.cwd(), "node_modules/onnxruntime-web/dist", bundle.module))).toBe(true);
      // The size is the progress bar's total (compressed responses carry no Content-Length).
      expect(statSync(path.join(process.cwd(), "node_modules/onnxruntime-web/dist", bundle.wasm)).size).toBe(bundle.wasmBytes);
    }
  });
});
