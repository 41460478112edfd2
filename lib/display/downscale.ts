// Shrinks a photo for detection: an integer-factor box filter straight to 8-bit luminance
// (Rec. 709 weights), one pass over the source. Our own code, so the phone worker
// and the server see the same pixels whatever the browser. Pure.

export type GrayImage = { data: Uint8ClampedArray; width: number; height: number };

/** The integer factor that brings the longer side down to at most `maxLongSide` (1 = no shrink). */
export function chooseDownscaleFactor(width: number, height: number, maxLongSide: number): number {
  return Math.max(1, Math.ceil(Math.max(width, height) / maxLongSide));
}

/**
 * Luminance of `rgba` averaged over factor×factor blocks (partial blocks at the right and bottom
 * edges are dropped, so output pixel (x, y) covers source [x·f, (x+1)·f) × [y·f, (y+1)·f)).
 */
export function downscaleToGray(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number, factor: number): GrayImage {
  if (rgba.length < width * height * 4) throw new Error("RGBA buffer is smaller than width × height × 4");
  if (!Number.isInteger(factor) || factor < 1) throw new Error("factor must be a positive integer");
  const outWidth = Math.floor(width / factor);
  const outHeight = Math.floor(height / factor);
  const out = new Uint8ClampedArray(outWidth * outHeight);
  // Weights ×1024 (0.2126, 0.7152, 0.0722) so the sums stay integers.
  const wr = 218;
  const wg = 732;
  const wb = 74;
  // Integer sums: at most 1024 · 255 · factor² per output pixel, well inside 2^53 (Float64Array keeps them exact).
  const row = new Float64Array(outWidth);
  const scale = 1 / (1024 * factor * factor);
  // One 32-bit load per pixel (RGBA bytes, little-endian) when the buffer is aligned; bytes otherwise.
  const words = rgba.byteOffset % 4 === 0 && isLittleEndian() ? new Uint32Array(rgba.buffer, rgba.byteOffset, width * height) : null;
  for (let oy = 0; oy < outHeight; oy++) {
    row.fill(0);
    for (let dy = 0; dy < factor; dy++) {
      const start = (oy * factor + dy) * width;
      if (words) accumulateWords(words, start, row, outWidth, factor, wr, wg, wb);
      else accumulateBytes(rgba, start, row, outWidth, factor, wr, wg, wb);
    }
    const base = oy * outWidth;
    for (let ox = 0; ox < outWidth; ox++) out[base + ox] = row[ox]! * scale;
  }
  return { data: out, width: outWidth, height: outHeight };
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

function accumulateWords(words: Uint32Array, start: number, row: Float64Array, outWidth: number, factor: number, wr: number, wg: number, wb: number) {
  let index = start;
  for (let ox = 0; ox < outWidth; ox++) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let dx = 0; dx < factor; dx++) {
      const pixel = words[index++]!;
      r += pixel & 0xff;
      g += (pixel >>> 8) & 0xff;
      b += (pixel >>> 16) & 0xff;
    }
    row[ox]! += wr * r + wg * g + wb * b;
  }
}

function accumulateBytes(rgba: Uint8Array | Uint8ClampedArray, start: number, row: Float64Array, outWidth: number, factor: number, wr: number, wg: number, wb: number) {
  let byte = start * 4;
  for (let ox = 0; ox < outWidth; ox++) {
    let r = 0;
    let g = 0;
    let b = 0;
    for (let dx = 0; dx < factor; dx++) {
      r += rgba[byte]!;
      g += rgba[byte + 1]!;
      b += rgba[byte + 2]!;
      byte += 4;
    }
    row[ox]! += wr * r + wg * g + wb * b;
  }
}
