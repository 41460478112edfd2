// The compression probe for one photo: the server reference re-run on copies of the pixels it
// classified, re-encoded as JPEG at quality 50, 75 and 95 and losslessly (PNG). The pixels are
// decoded exactly as the reference decodes them (same decoder, same reduced decode of big JPEGs),
// turned upright, encoded with sharp (libjpeg-turbo baseline, 4:2:0 chroma subsampling, the usual
// phone encoder settings), then classified through the very same path as the reference itself
// (decode → preprocess → onnxruntime-node). The lossless copy is the control: its tensor equals the
// original's, so any flip it shows would be a bug, not compression.
import "server-only";
import { loadSharp } from "@/lib/server/load-native-modules";
import { minShorterSideFor } from "@/lib/inference/classify-image";
import { decodeImage } from "@/lib/inference/decode-image";
import type { PredictionPayload } from "@/lib/predictions/prediction-payload";
import { COMPRESSION_PROBE_SETTINGS, COMPRESSION_PROBE_VARIANTS, type CompressionProbeVariant } from "./compression-probe-settings";
import { configureNodeImageCodecs } from "./node-image-codecs";
import { orientToUprightRgb, type UprightRgb } from "./orient-pixels";
import { runReferenceInference, type ReferenceModel, type ReferenceOptions } from "./run-reference-inference";

export { COMPRESSION_PROBE_SETTINGS, COMPRESSION_PROBE_VARIANTS, type CompressionProbeVariant };

/** Encode upright RGB pixels as one probe setting: JPEG at its quality, or PNG for "lossless". */
export async function encodeProbeVariant(pixels: UprightRgb, jpegQuality: number | null): Promise<Uint8Array> {
  const sharp = await loadSharp();
  const image = sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 3 } });
  const encoded =
    jpegQuality === null
      ? await image.png({ compressionLevel: 1, adaptiveFiltering: false }).toBuffer()
      : await image.jpeg({ quality: jpegQuality, chromaSubsampling: "4:2:0", mozjpeg: false, progressive: false }).toBuffer();
  return new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
}

/** The reference's predictions on every probe setting of one photo's bytes (one at a time, to keep CPU use low). */
export async function runCompressionProbe(
  model: ReferenceModel,
  bytes: Uint8Array,
  options: Omit<ReferenceOptions, "variant"> = {},
): Promise<{ variant: CompressionProbeVariant; encodedBytes: number; prediction: PredictionPayload }[]> {
  configureNodeImageCodecs();
  const decoded = await decodeImage(bytes, { maxPixels: options.maxPixels, minShorterSide: minShorterSideFor(model.preprocessing) });
  const upright = orientToUprightRgb(decoded);
  const results = [];
  for (const setting of COMPRESSION_PROBE_SETTINGS) {
    const encoded = await encodeProbeVariant(upright, setting.jpegQuality);
    const prediction = await runReferenceInference(model, encoded, { ...options, variant: setting.variant });
    results.push({ variant: setting.variant, encodedBytes: encoded.byteLength, prediction });
  }
  return results;
}
