import { createHash } from "node:crypto";
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

  it("refuses an over-subscribed Huffman table (more codes than bit patterns) as corrupt", () => {
    const bytes = fixture("noisy-422-q90.jpg").slice();
    const dht = bytes.findIndex((byte, i) => byte === 0xff && bytes[i + 1] === 0xc4);
    const counts = dht + 5; // after the marker, the length and the class/id byte
    expect(decodeJpegAtEighthScale(bytes)).not.toBeNull();
    // Two more codes of length 1 (they alone fill both 1-bit patterns), two fewer of a longer length.
    const longer = [...bytes.subarray(counts + 1, counts + 16)].findIndex((n) => n >= 2) + 1;
    bytes[counts] = bytes[counts]! + 2;
    bytes[counts + longer] = bytes[counts + longer]! - 2;
    expect(decodeJpegAtEighthScale(bytes)).toBeNull();
  });

  it("declines progressive JPEGs (the caller decodes them at full size)", async () => {
    const progressive = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#336699" } }).jpeg({ progressive: true }).toBuffer();
    expect(decodeJpegAtEighthScale(new Uint8Array(progressive))).toBeNull();
  });
});

// The decoder's exact output, pinned: any rewrite (for speed) must keep every byte. The fixtures are
// one synthetic 229×163 picture (gradients, hard edges, ±4 sensor-like noise) encoded by mozjpeg
// (sharp, optimised tables) and libjpeg-turbo's cjpeg/jpegtran (standard tables, restart intervals,
// other subsamplings, Adobe RGB), plus damaged copies that must still come back without throwing.
describe("decodeJpegAtEighthScale output stays byte for byte the same", () => {
  const digest = (bytes: Uint8Array) => {
    const image = decodeJpegAtEighthScale(bytes);
    return image ? `${image.width}x${image.height} ${createHash("sha256").update(image.data).digest("hex")}` : "null";
  };
  /** A copy of `bytes` with `xor` applied at each offset counted back from the end (inside the scan data). */
  const damaged = (bytes: Uint8Array, offsetsFromEnd: number[], xor: number) => {
    const copy = bytes.slice();
    for (const back of offsetsFromEnd) copy[copy.length - back] = copy[copy.length - back]! ^ xor;
    return copy;
  };
  const photo = fixture("noisy-420-q92.jpg");
  const restarted = fixture("noisy-420-q92-restart.jpg");
  const withoutFirstRestart = (() => {
    const at = restarted.findIndex((byte, i) => byte === 0xff && restarted[i + 1] === 0xd0);
    return Uint8Array.from([...restarted.subarray(0, at), ...restarted.subarray(at + 2)]);
  })();
  const cases: Record<string, Uint8Array> = {
    "noisy-420-q92.jpg (mozjpeg, 4:2:0)": photo,
    "noisy-420-q92-restart.jpg (restart every 7 MCUs)": restarted,
    "noisy-420-q98-restart.jpg (cjpeg, restart every 2 MCU rows)": fixture("noisy-420-q98-restart.jpg"),
    "noisy-444-q92.jpg": fixture("noisy-444-q92.jpg"),
    "noisy-422-q90.jpg (standard tables)": fixture("noisy-422-q90.jpg"),
    "noisy-440-q92.jpg": fixture("noisy-440-q92.jpg"),
    "noisy-411-q85.jpg": fixture("noisy-411-q85.jpg"),
    "noisy-grey-q92-restart.jpg (restart every row)": fixture("noisy-grey-q92-restart.jpg"),
    "noisy-rgb-q92.jpg (Adobe RGB)": fixture("noisy-rgb-q92.jpg"),
    "plain-420.jpg": fixture("plain-420.jpg"),
    "truncated at half": photo.subarray(0, photo.length >> 1),
    "truncated before EOI": photo.subarray(0, photo.length - 2),
    "truncated in the scan header": photo.subarray(0, 350),
    "bit flips in the scan": damaged(photo, [5000, 3000, 100], 0x10),
    "stray marker in the middle of the scan": (() => {
      const copy = photo.slice();
      copy.set([0xff, 0xe1], photo.length - 4000);
      return copy;
    })(),
    "restart file truncated": restarted.subarray(0, 6000),
    "restart file with bit flips": damaged(restarted, [9000, 4000], 0x81),
    "restart file missing its first RST marker": withoutFirstRestart,
  };
  it("matches the digests recorded from the reference implementation", () => {
    const digests = Object.fromEntries(Object.entries(cases).map(([name, bytes]) => [name, digest(bytes)]));
    expect(digests).toEqual({
      "noisy-420-q92.jpg (mozjpeg, 4:2:0)": "29x21 1019e9a1d6221d7f5499f517c988b8b5bac909e3d47b4fd93b516ead90ff3bbf",
      "noisy-420-q92-restart.jpg (restart every 7 MCUs)": "29x21 1019e9a1d6221d7f5499f517c988b8b5bac909e3d47b4fd93b516ead90ff3bbf",
      "noisy-420-q98-restart.jpg (cjpeg, restart every 2 MCU rows)": "29x21 b34ec18edd8270a45a10c88f9265f4aa1a44831a50b8b70affbd2626411fd2ae",
      "noisy-444-q92.jpg": "29x21 577cc144fe93c3dad0c35d601fc46a1a507fc81c9224a1bc6649582f66b65586",
      "noisy-422-q90.jpg (standard tables)": "29x21 067cc67718cf367348791b83fd24dc228f69adbe8aee029812bc978b7c5d1aaa",
      "noisy-440-q92.jpg": "29x21 da9944d4f485b0c03271c2af6392603143b55ccabe1b12e0f5eb530d5d931a0c",
      "noisy-411-q85.jpg": "29x21 cd3a8cfac75bab617bf58e6626d094ab7e1772ab5d6bfb296eae5601d477d2a6",
      "noisy-grey-q92-restart.jpg (restart every row)": "29x21 56cad71f28a874adf45623b5178433e0c9c431baff2d60862d9484c5992ef5a4",
      "noisy-rgb-q92.jpg (Adobe RGB)": "29x21 ba8b1f801952b4cf46e0c6b71abe23123fd1591a3d83dc259ace88476c1aec6b",
      "plain-420.jpg": "26x19 0da3c5c89a804ed7a3574f2872a600e52ad702029134289cbb2dcf78131959cd",
      "truncated at half": "29x21 004e3d6a68464d191a1a12e1e8014b2c27aeab9e103b714b8e1441305a78cb04",
      "truncated before EOI": "29x21 1019e9a1d6221d7f5499f517c988b8b5bac909e3d47b4fd93b516ead90ff3bbf",
      "truncated in the scan header": "null",
      "bit flips in the scan": "29x21 93b67070b60fefbbc35e867631bc56449d26f73b6bc27eff3aca3c914731170e",
      "stray marker in the middle of the scan": "29x21 99ab050e6a2cd7151661e6efe5b3b97192edc8438270a62522db0ac8fc4dfa53",
      "restart file truncated": "29x21 0238c01ab356680c2085429c8d0df023dc4afbb5eaf767b0a476bde8d2b470ff",
      "restart file with bit flips": "29x21 c5d274c9bba3cc4792b31105c58ee6dca2d598f77ccb487ad78aa62823ce85af",
      "restart file missing its first RST marker": "29x21 6427deeb4ae50f8faf1c1b3239529de2a375537bf414597042194715b938c37a",
    });
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
