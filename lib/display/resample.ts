// Resampling an RGBA image through a homography: each target pixel averages samplesPerAxis²
// bilinear samples of the source spread over the pixel, at source positions given by a map from
// target to source coordinates (continuous: pixel (i, j) covers [i, i+1) × [j, j+1)). Samples that
// fall outside the source take the `outside` colour. The one resampler behind the rectified crop,
// the display frame's stimulus and the tests' simulated photos; deterministic. Pure.
import type { Homography } from "@/lib/display/homography";
import type { Rect } from "@/lib/display/layout";

export type RgbaImage = { data: Uint8ClampedArray; width: number; height: number };

/** A 32-bit-per-pixel view (or, for unaligned buffers, a copy) whose low byte is red. */
function viewAsWords(rgba: Uint8Array | Uint8ClampedArray, pixels: number): Uint32Array {
  const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  if (littleEndian && rgba.byteOffset % 4 === 0) return new Uint32Array(rgba.buffer, rgba.byteOffset, pixels);
  const words = new Uint32Array(pixels);
  for (let index = 0; index < pixels; index++) words[index] = rgba[index * 4]! | (rgba[index * 4 + 1]! << 8) | (rgba[index * 4 + 2]! << 16);
  return words;
}

/**
 * Fills `rect` of `target` (clipped to it) with `source` seen through `rectToSource`, which maps
 * coordinates relative to the rect's top-left corner to source coordinates. Returns how many
 * target pixels had every sample outside the source.
 */
export function resampleIntoRect(
  target: RgbaImage,
  rect: Rect,
  source: { data: Uint8Array | Uint8ClampedArray; width: number; height: number },
  rectToSource: Homography,
  options: { samplesPerAxis?: number; outside?: readonly [number, number, number] } = {},
): number {
  const k = options.samplesPerAxis ?? 1;
  if (!Number.isInteger(k) || k < 1 || k > 16) throw new Error("samplesPerAxis must be an integer in 1..16");
  if (source.data.length < source.width * source.height * 4) throw new Error("RGBA buffer is smaller than width × height × 4");
  const [outsideR, outsideG, outsideB] = options.outside ?? [0, 0, 0];
  const [h0, h1, h2, h3, h4, h5, h6, h7, h8] = rectToSource as [number, number, number, number, number, number, number, number, number];
  const sw = source.width;
  const sh = source.height;
  const words = viewAsWords(source.data, sw * sh);
  const maxX = sw - 0.5;
  const maxY = sh - 0.5;
  const weight = 1 / (k * k);
  const out = target.data;
  let outsidePixels = 0;
  const ty0 = Math.max(0, rect.y);
  const ty1 = Math.min(target.height, rect.y + rect.height);
  const tx0 = Math.max(0, rect.x);
  const tx1 = Math.min(target.width, rect.x + rect.width);
  for (let ty = ty0; ty < ty1; ty++) {
    for (let tx = tx0; tx < tx1; tx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let inside = 0;
      for (let sy = 0; sy < k; sy++) {
        const v = ty - rect.y + (sy + 0.5) / k;
        for (let sx = 0; sx < k; sx++) {
          const u = tx - rect.x + (sx + 0.5) / k;
          const w = h6 * u + h7 * v + h8;
          // Source continuous coordinates → pixel-centre indices.
          const px = (h0 * u + h1 * v + h2) / w - 0.5;
          const py = (h3 * u + h4 * v + h5) / w - 0.5;
          if (!(px >= -0.5 && py >= -0.5 && px <= maxX && py <= maxY)) {
            r += outsideR;
            g += outsideG;
            b += outsideB;
            continue;
          }
          inside++;
          const x0 = px < 0 ? 0 : px | 0;
          const y0 = py < 0 ? 0 : py | 0;
          const x1 = x0 + 1 < sw ? x0 + 1 : x0;
          const y1 = y0 + 1 < sh ? y0 + 1 : y0;
          const fx = px < 0 ? 0 : px - x0;
          const fy = py < 0 ? 0 : py - y0;
          const p00 = words[y0 * sw + x0]!;
          const p01 = words[y0 * sw + x1]!;
          const p10 = words[y1 * sw + x0]!;
          const p11 = words[y1 * sw + x1]!;
          const w00 = (1 - fx) * (1 - fy);
          const w01 = fx * (1 - fy);
          const w10 = (1 - fx) * fy;
          const w11 = fx * fy;
          r += (p00 & 255) * w00 + (p01 & 255) * w01 + (p10 & 255) * w10 + (p11 & 255) * w11;
          g += ((p00 >>> 8) & 255) * w00 + ((p01 >>> 8) & 255) * w01 + ((p10 >>> 8) & 255) * w10 + ((p11 >>> 8) & 255) * w11;
          b += ((p00 >>> 16) & 255) * w00 + ((p01 >>> 16) & 255) * w01 + ((p10 >>> 16) & 255) * w10 + ((p11 >>> 16) & 255) * w11;
        }
      }
      if (inside === 0) outsidePixels++;
      const index = (ty * target.width + tx) * 4;
      out[index] = r * weight;
      out[index + 1] = g * weight;
      out[index + 2] = b * weight;
      out[index + 3] = 255;
    }
  }
  return outsidePixels;
}
