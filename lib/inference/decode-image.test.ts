import { beforeAll, describe, expect, it } from "vitest";
import sharp from "sharp";
import { configureNodeImageCodecs } from "@/lib/reference/node-image-codecs";
import { decodeImage, ImageTooLargeError } from "./decode-image";
import { ImageFormatError, readImageMetadata } from "./image-metadata";

/** A 16×8 RGB test pattern with distinct pixels. */
function pattern(width = 16, height = 8): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) raw.set([x * 15, y * 30, (x * y) % 256], (y * width + x) * 3);
  return raw;
}

beforeAll(() => configureNodeImageCodecs());

describe("readImageMetadata", () => {
  it("reads size and EXIF orientation of a JPEG", async () => {
    const jpeg = await sharp(pattern(), { raw: { width: 16, height: 8, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const meta = readImageMetadata(jpeg);
    expect(meta).toMatchObject({ format: "jpeg", width: 16, height: 8, orientation: 6 });
  });

  it("records (does not apply) an embedded Display P3 profile", async () => {
    const jpeg = await sharp(pattern(), { raw: { width: 16, height: 8, channels: 3 } }).jpeg().withIccProfile("p3").toBuffer();
    const meta = readImageMetadata(jpeg);
    expect(meta.icc?.bytes).toBeGreaterThan(100);
    expect(meta.icc?.description).toMatch(/P3/);
  });

  it("reads PNG and WebP sizes", async () => {
    const png = await sharp(pattern(), { raw: { width: 16, height: 8, channels: 3 } }).png().toBuffer();
    const webp = await sharp(pattern(), { raw: { width: 16, height: 8, channels: 3 } }).webp({ lossless: true }).toBuffer();
    expect(readImageMetadata(png)).toMatchObject({ format: "png", width: 16, height: 8, orientation: 1 });
    expect(readImageMetadata(webp)).toMatchObject({ format: "webp", width: 16, height: 8 });
  });

  it("rejects what is not an image", () => {
    expect(() => readImageMetadata(new TextEncoder().encode("%PDF-1.4 hello"))).toThrow(ImageFormatError);
    expect(() => readImageMetadata(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x40]))).toThrow(/truncated/);
  });
});

describe("decodeImage", () => {
  it("decodes a PNG losslessly to RGBA", async () => {
    const png = await sharp(pattern(), { raw: { width: 16, height: 8, channels: 3 } }).png().toBuffer();
    const image = await decodeImage(png);
    expect([image.width, image.height, image.format]).toEqual([16, 8, "png"]);
    const raw = pattern();
    for (let i = 0; i < 16 * 8; i++) expect([image.data[i * 4], image.data[i * 4 + 1], image.data[i * 4 + 2], image.data[i * 4 + 3]]).toEqual([raw[i * 3], raw[i * 3 + 1], raw[i * 3 + 2], 255]);
  });

  it("decodes a JPEG close to libvips and keeps the stored orientation", async () => {
    const jpeg = await sharp(pattern(), { raw: { width: 16, height: 8, channels: 3 } }).jpeg({ quality: 95 }).withMetadata({ orientation: 8 }).toBuffer();
    const image = await decodeImage(jpeg);
    expect([image.width, image.height, image.orientation]).toEqual([16, 8, 8]);
    const reference = await sharp(jpeg).autoOrient().rotate(0).raw().toBuffer({ resolveWithObject: true });
    expect(reference.info.width).toBe(8); // libvips applies the orientation; we do not
    const plain = await sharp(jpeg).raw().toBuffer();
    let maxDiff = 0;
    for (let i = 0; i < 16 * 8; i++) for (let c = 0; c < 3; c++) maxDiff = Math.max(maxDiff, Math.abs(image.data[i * 4 + c]! - plain[i * 3 + c]!));
    expect(maxDiff).toBeLessThanOrEqual(3);
  });

  it("decodes WebP", async () => {
    const webp = await sharp(pattern(), { raw: { width: 16, height: 8, channels: 3 } }).webp({ lossless: true }).toBuffer();
    const image = await decodeImage(webp);
    expect(image.data[4 * 5]).toBe(75);
  });

  it("refuses images above the pixel limit before decoding", async () => {
    const png = await sharp({ create: { width: 400, height: 300, channels: 3, background: "#808080" } }).png().toBuffer();
    await expect(decodeImage(png, { maxPixels: 100_000 })).rejects.toBeInstanceOf(ImageTooLargeError);
  });

  it("reports a damaged JPEG as a format error", async () => {
    const jpeg = await sharp(pattern(), { raw: { width: 16, height: 8, channels: 3 } }).jpeg().toBuffer();
    const damaged = Buffer.from(jpeg);
    damaged.fill(0, 20, 200);
    await expect(decodeImage(damaged)).rejects.toBeInstanceOf(ImageFormatError);
  });
});
