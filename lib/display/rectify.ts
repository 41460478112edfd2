// Rectification: warps the stimulus region of a photo (found by detectScene) into an upright crop
// of the displayed stimulus. Each output pixel averages k×k bilinear samples spread over its
// footprint (k from the photo/crop size ratio, at most 8), so a crop much smaller than the photo
// region is not aliased; the result depends only on the inputs (no browser resampling). Pure.
import { applyHomography, type Homography } from "@/lib/display/homography";
import type { Quad, SceneDetection } from "@/lib/display/detect-scene";

export type RectifiedStimulus = {
  data: Uint8ClampedArray;
  width: number;
  height: number;
  /** The stimulus's corners in photo coordinates (top-left, top-right, bottom-right, bottom-left). */
  quad: Quad;
  /** Output pixels whose centre fell outside the photo (painted black). */
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
  const out = new Uint8ClampedArray(size.width * size.height * 4);
  let outsidePixels = 0;
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = h as [number, number, number, number, number, number, number, number, number];
  // One 32-bit load per neighbour (RGBA bytes, little-endian) when the buffer allows it.
  const words = rgba.byteOffset % 4 === 0 && new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? new Uint32Array(rgba.buffer, rgba.byteOffset, width * height) : packWords(rgba, width * height);
  const maxX = width - 0.5;
  const maxY = height - 0.5;
  for (let oy = 0; oy < size.height; oy++) {
    for (let ox = 0; ox < size.width; ox++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let count = 0;
      for (let sy = 0; sy < k; sy++) {
        const v = (oy + (sy + 0.5) / k) * unitY;
        for (let sx = 0; sx < k; sx++) {
          const u = (ox + (sx + 0.5) / k) * unitX;
          const w = h6 * u + h7 * v + h8;
          // Photo continuous coordinates → pixel-centre indices.
          const px = (h0 * u + h1 * v + h2) / w - 0.5;
          const py = (h3 * u + h4 * v + h5) / w - 0.5;
          if (!(px > -0.5 && py > -0.5 && px < maxX && py < maxY)) continue;
          const x0 = px < 0 ? 0 : px | 0;
          const y0 = py < 0 ? 0 : py | 0;
          const x1 = x0 + 1 < width ? x0 + 1 : x0;
          const y1 = y0 + 1 < height ? y0 + 1 : y0;
          const fx = px < 0 ? 0 : px - x0;
          const fy = py < 0 ? 0 : py - y0;
          const p00 = words[y0 * width + x0]!;
          const p01 = words[y0 * width + x1]!;
          const p10 = words[y1 * width + x0]!;
          const p11 = words[y1 * width + x1]!;
          const w00 = (1 - fx) * (1 - fy);
          const w01 = fx * (1 - fy);
          const w10 = (1 - fx) * fy;
          const w11 = fx * fy;
          r += (p00 & 255) * w00 + (p01 & 255) * w01 + (p10 & 255) * w10 + (p11 & 255) * w11;
          g += ((p00 >>> 8) & 255) * w00 + ((p01 >>> 8) & 255) * w01 + ((p10 >>> 8) & 255) * w10 + ((p11 >>> 8) & 255) * w11;
          b += ((p00 >>> 16) & 255) * w00 + ((p01 >>> 16) & 255) * w01 + ((p10 >>> 16) & 255) * w10 + ((p11 >>> 16) & 255) * w11;
          count++;
        }
      }
      const index = (oy * size.width + ox) * 4;
      if (count === 0) {
        outsidePixels++;
      } else {
        out[index] = r / count;
        out[index + 1] = g / count;
        out[index + 2] = b / count;
      }
      out[index + 3] = 255;
    }
  }
  return { data: out, width: size.width, height: size.height, quad, outsidePixels, samplesPerAxis: k };
}

/** A 32-bit-per-pixel copy for buffers that cannot be viewed as Uint32 (unaligned or big-endian hosts). */
function packWords(rgba: Uint8Array | Uint8ClampedArray, pixels: number): Uint32Array {
  const words = new Uint32Array(pixels);
  for (let index = 0; index < pixels; index++) words[index] = rgba[index * 4]! | (rgba[index * 4 + 1]! << 8) | (rgba[index * 4 + 2]! << 16);
  return words;
}

/** The photo point shown at output pixel centre (x, y) of a crop of the given size (for overlays and tests). */
export function mapRectifiedPointToPhoto(detection: Pick<SceneDetection, "stimulusModules" | "stimulusToPhoto">, size: { width: number; height: number }, point: { x: number; y: number }) {
  const modules = detection.stimulusModules!;
  return applyHomography(detection.stimulusToPhoto!, { x: (point.x * modules.wide) / size.width, y: (point.y * modules.high) / size.height });
}
