// The phone's scene-detection Web Worker (display mode): decodes the photo with our own decoders,
// reads the display's QR codes on a downscaled copy (lib/display/detect-scene.ts), and, when the
// display layout was found, warps the stimulus region into an upright crop encoded as PNG
// (lossless, so the model sees exactly our resampled pixels). The QR reader's WebAssembly is
// fetched on the first photo only. Talks to the page through scene-worker-messages.ts.
/// <reference lib="webworker" />
import encodePng, { init as initPngEncoder } from "@jsquash/png/encode.js";
import { detectScene } from "@/lib/display/detect-scene";
import { configureQrReader, isQrReaderConfigured } from "@/lib/display/qr-reader";
import { chooseRectifiedSize, rectifyStimulus } from "@/lib/display/rectify";
import { summariseSceneDetection } from "@/lib/display/scene-detection-summary";
import { configureImageCodecs, decodeImage } from "@/lib/inference/decode-image";
import { CODEC_ASSET_PATHS } from "@/lib/inference/browser/runtime-assets";
import { RECTIFIED_MAX_SIDE, ZXING_READER_WASM_PATH } from "./scene-assets";
import { sceneWorkerRequestSchema, type SceneWorkerResponse } from "./scene-worker-messages";

const scope = self as unknown as DedicatedWorkerGlobalScope;
const codecModules = new Map<string, Promise<WebAssembly.Module>>();

async function compileFrom(url: string): Promise<WebAssembly.Module> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return WebAssembly.compile(await response.arrayBuffer());
}

configureImageCodecs((codec) => {
  const url = CODEC_ASSET_PATHS[codec];
  let compiled = codecModules.get(url);
  if (!compiled) {
    compiled = compileFrom(url);
    codecModules.set(url, compiled);
    compiled.catch(() => codecModules.delete(url));
  }
  return compiled;
});

let pngEncoder: Promise<unknown> | undefined;
function ensurePngEncoder() {
  pngEncoder ??= compileFrom(CODEC_ASSET_PATHS.png).then((module) => initPngEncoder(module));
  return pngEncoder;
}

function post(message: SceneWorkerResponse, transfer: Transferable[] = []) {
  scope.postMessage(message, transfer);
}

scope.addEventListener("message", async (event: MessageEvent) => {
  const parsed = sceneWorkerRequestSchema.safeParse(event.data);
  if (!parsed.success) return;
  const request = parsed.data;
  try {
    if (!isQrReaderConfigured()) configureQrReader({ wasmUrl: new URL(ZXING_READER_WASM_PATH, scope.location.origin).href });
    const started = performance.now();
    const decoded = await decodeImage(new Uint8Array(request.bytes));
    const decodeMs = performance.now() - started;
    const detection = await detectScene(decoded.data, decoded.width, decoded.height, { studyCode: request.studyCode });
    const photo = { width: decoded.width, height: decoded.height, orientation: decoded.orientation };
    if (!detection) {
      post({ type: "detected", requestId: request.requestId, detection: null, rectified: null, photo, decodeMs });
      return;
    }
    let rectified = null;
    if (request.rectify && detection.stimulusQuad) {
      const natural = chooseRectifiedSize(detection);
      const longSide = Math.min(RECTIFIED_MAX_SIDE, Math.max(natural.width, natural.height));
      const crop = rectifyStimulus(decoded.data, decoded.width, decoded.height, detection, { longSide });
      await ensurePngEncoder();
      const png = await encodePng(new ImageData(crop.data as Uint8ClampedArray<ArrayBuffer>, crop.width, crop.height));
      rectified = { png, width: crop.width, height: crop.height, outsidePixels: crop.outsidePixels };
    }
    post({ type: "detected", requestId: request.requestId, detection: summariseSceneDetection(detection), rectified, photo, decodeMs }, rectified ? [rectified.png] : []);
  } catch (error) {
    post({ type: "error", requestId: request.requestId, message: (error instanceof Error ? error.message : String(error)).slice(0, 500) });
  }
});
