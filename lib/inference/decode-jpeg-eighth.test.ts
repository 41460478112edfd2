import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { configureNodeImageCodecs } from "@/lib/reference/node-image-codecs";
import { decodeImage } from "./decode-image";
import { decodeJpegAtEighthScale } from "./decode-jpeg-eighth";

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(import.meta.dirname, "test-fixtures", name)));

/** Mean of each 8×8 block of a full-size RGBA decode (the reference for 1/8 scale). */
function blockMeans(image: { data: Uint8ClampedArray; width: number; height: number }) {
  const w = Math.ceil(image.width / 8);
  const h = Math.ceil(image.height / 8);
  const out = new Float64Array(w * h * 3);
  for (let by = 0; by < h; by++)
    for (let bx = 0; bx < w; bx++)
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        let n = 0;
        for (let y = by * 8; y < Math.min(image.height, by * 8 + 8); y++)
          for (let x = bx * 8; x < Math.min(image.width, bx * 8 + 8); x++) {
            sum += image.data[(y * image.width + x) * 4 + c]!;
            n++;
          }
        out[(by * w + bx) * 3 + c] = sum / n;
      }
  return out;
}

function compare(eighth: { data: Uint8ClampedArray; width: number; height: number }, means: Float64Array) {
  let max = 0;
  let total = 0;
  for (let i = 0; i < eighth.width * eighth.height; i++)
    for (let c = 0; c < 3; c++) {
      const d = Math.abs(eighth.data[i * 4 + c]! - means[i * 3 + c]!);
      max = Math.max(max, d);
      total += d;
    }
  return { max, mean: total / (eighth.width * eighth.height * 3) };
}

beforeAll(() => configureNodeImageCodecs());

describe("decodeJpegAtEighthScale", () => {
  it("gives each 8×8 block's mean colour of a 4:2:0 photo (within chroma subsampling error)", async () => {
    const bytes = fixture("plain-420.jpg");
    const eighth = decodeJpegAtEighthScale(bytes)!;
    expect([eighth.width, eighth.height]).toEqual([26, 19]); // ceil(203/8) × ceil(149/8)
    const { mean, max } = compare(eighth, blockMeans(await decodeImage(bytes)));
    expect(mean).toBeLessThan(1.5);
    expect(max).toBeLessThan(12);
  });

  it("handles restart markers (the same picture with a restart every 3 MCUs decodes identically)", () => {
    const plain = decodeJpegAtEighthScale(fixture("plain-420.jpg"))!;
    const restarted = decodeJpegAtEighthScale(fixture("restart-420.jpg"))!;
    expect(Buffer.from(restarted.data).equals(Buffer.from(plain.data))).toBe(true);
  });

  it("decodes 4:4:4 colour and greyscale", async () => {
    const raw = Buffer.alloc(64 * 40 * 3);
    for (let i = 0; i < 64 * 40; i++) raw.set([(i * 7) % 256, (i * 3) % 256, 200], i * 3);
    for (const options of [{ chromaSubsampling: "4:4:4" }, {}] as const) {
      let pipeline = sharp(raw, { raw: { width: 64, height: 40, channels: 3 } }).blur(2);
      if (!("chromaSubsampling" in options)) pipeline = pipeline.greyscale();
      const bytes = new Uint8Array(await pipeline.jpeg({ quality: 95, ...options }).toBuffer());
      const eighth = decodeJpegAtEighthScale(bytes)!;
      expect([eighth.width, eighth.height]).toEqual([8, 5]);
      expect(compare(eighth, blockMeans(await decodeImage(bytes))).mean).toBeLessThan(1.5);
    }
  });

  it("declines progressive JPEGs (the caller decodes them at full size)", async () => {
    const progressive = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#336699" } }).jpeg({ progressive: true }).toBuffer();
    expect(decodeJpegAtEighthScale(new Uint8Array(progressive))).toBeNull();
  });
});

describe("decodeImage with decode-time downscaling", () => {
  it("decodes a big JPEG at 1/8 scale when that still covers the model's resize, at full size otherwise", async () => {
    const big = new Uint8Array(await sharp({ create: { width: 2400, height: 1800, channels: 3, background: "#808080" } }).jpeg().toBuffer());
    const small = await decodeImage(big, { minShorterSide: 256 }); // 1800 / 8 = 225 < 256 → full size
    expect([small.width, small.scaleDenominator]).toEqual([2400, 1]);
    const eighth = await decodeImage(big, { minShorterSide: 224 });
    expect([eighth.width, eighth.height, eighth.scaleDenominator]).toEqual([300, 225, 8]);
    expect(Array.from(eighth.data.subarray(0, 4))).toEqual([128, 128, 128, 255]);
  });
});
