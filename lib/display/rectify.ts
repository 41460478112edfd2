// Rectification: warps the stimulus region of a photo (found by detectScene) into an upright crop
// of the displayed stimulus. Each output pixel averages k×k bilinear samples spread over its
// footprint (k from the photo/crop size ratio, at most 8), so a crop much smaller than the photo
// region is not aliased; the result depends only on the inputs (no browser resampling). Samples
// outside the photo count as black. Pure.
import { applyHomography, multiplyHomographies, type Homography } from "@/lib/display/homography";
import { resampleIntoRect } from "@/lib/display/resample";
import type { Quad, SceneDetection } from "@/lib/display/detect-scene";

export type RectifiedStimulus = {
  data: Uint8ClampedArray;
  width: number;
  height: number;
  /** The stimulus's corners in photo coordinates (top-left, top-right, bottom-right, bottom-left). */
  quad: Quad;
  /** Output pixels all of whose samples fell outside the photo (black). */
  outsidePixels: number;
  samplesPerAxis: number;
};

export type RectifyOutputSize = { width: number; height: number } | { longSide: number };

const MAX_SAMPLES_PER_AXIS = 8;

function distance(a: { x: number; y: number }, b: { x: number; y: number }) {
  return Math.hypot(a.x - b.x, a.y - b.y);
}

/** Output size: as given, or the stimulus's aspect ratio with the given long side, or (default) about the photo's own resolution of the region. */
export function chooseRectifiedSize(detection: Pick<SceneDetection, "stimulusQuad" | "stimulusModules">, outputSize?: RectifyOutputSize): { width: number; height: number } {
  const modules = detection.stimulusModules;
  const quad = detection.stimulusQuad;
  if (!modules || !quad) throw new Error("the detection has no stimulus geometry (a plain scene tag cannot be rectified)");
  if (outputSize && "width" in outputSize) {
    if (!Number.isInteger(outputSize.width) || !Number.isInteger(outputSize.height) || outputSize.width < 1 || outputSize.height < 1) throw new Error("output size must be positive integers");
    return outputSize;
  }
  const aspect = modules.wide / modules.high;
  const longSide =
    outputSize?.longSide ??
    Math.round(Math.max((distance(quad[0], quad[1]) + distance(quad[3], quad[2])) / 2, (distance(quad[0], quad[3]) + distance(quad[1], quad[2])) / 2));
  if (!Number.isInteger(longSide) || longSide < 1 || longSide > 16384) throw new Error("long side must be an integer in 1..16384");
  return aspect >= 1 ? { width: longSide, height: Math.max(1, Math.round(longSide / aspect)) } : { width: Math.max(1, Math.round(longSide * aspect)), height: longSide };
}

/** Warps the detected stimulus region of `rgba` into an upright RGBA crop. */
export function rectifyStimulus(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  detection: Pick<SceneDetection, "stimulusQuad" | "stimulusModules" | "stimulusToPhoto">,
  outputSize?: RectifyOutputSize,
): RectifiedStimulus {
  if (rgba.length < width * height * 4) throw new Error("RGBA buffer is smaller than width × height × 4");
  const size = chooseRectifiedSize(detection, outputSize);
  const h: Homography = detection.stimulusToPhoto!;
  const modules = detection.stimulusModules!;
  const quad = detection.stimulusQuad!;
  // Module-frame units per output pixel; photo pixels per output pixel decide the sampling density.
  const unitX = modules.wide / size.width;
  const unitY = modules.high / size.height;
  const footprint = Math.max(
    (distance(quad[0], quad[1]) + distance(quad[3], quad[2])) / 2 / size.width,
    (distance(quad[0], quad[3]) + distance(quad[1], quad[2])) / 2 / size.height,
  );
  const k = Math.max(1, Math.min(MAX_SAMPLES_PER_AXIS, Math.ceil(footprint)));
  // Output pixel → stimulus frame (modules) → photo.
  const outputToPhoto = multiplyHomographies(h, [unitX, 0, 0, 0, unitY, 0, 0, 0, 1]);
  const target = { data: new Uint8ClampedArray(size.width * size.height * 4), width: size.width, height: size.height };
  const outsidePixels = resampleIntoRect(target, { x: 0, y: 0, width: size.width, height: size.height }, { data: rgba, width, height }, outputToPhoto, { samplesPerAxis: k });
  return { data: target.data, width: size.width, height: size.height, quad, outsidePixels, samplesPerAxis: k };
}

/** The photo point shown at output pixel centre (x, y) of a crop of the given size (for overlays and tests). */
export function mapRectifiedPointToPhoto(detection: Pick<SceneDetection, "stimulusModules" | "stimulusToPhoto">, size: { width: number; height: number }, point: { x: number; y: number }) {
  const modules = detection.stimulusModules!;
  return applyHomography(detection.stimulusToPhoto!, { x: (point.x * modules.wide) / size.width, y: (point.y * modules.high) / size.height });
}
