import { createHash } from "node:crypto";
import exifr from "exifr";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/api/app-error";
import { sanitizeImageStream, type SanitizedImage } from "./sanitize-image-stream";
import { buildExifTiff, jpegSegment, pngChunk, putChunksIntoPng, putExifIntoJpeg, putExifIntoWebp, SAMPLE_XMP_WITH_LOCATION } from "./testing/build-exif";

const LIMITS = { maxPixels: 50_000_000 };
const CAMERA = {
  make: "Google",
  model: "Pixel 7",
  software: "HDR+ 1.0.540104767zd",
  orientation: 6,
  exposureTime: [1, 120] as [number, number],
  fNumber: [185, 100] as [number, number],
  iso: 64,
  dateTimeOriginal: "2026:11:20 14:03:07",
};
const GPS = { latitude: 48.8582, longitude: 2.2945, altitude: 35.2 };

async function* chunked(bytes: Uint8Array, size: number) {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function run(bytes: Uint8Array, chunkSize = 1000, limits = LIMITS): Promise<{ stored: Buffer; info: SanitizedImage }> {
  const session = sanitizeImageStream(chunked(bytes, chunkSize), limits);
  const parts: Buffer[] = [];
  for await (const part of session.output) parts.push(Buffer.from(part));
  return { stored: Buffer.concat(parts), info: session.result() };
}

async function failure(bytes: Uint8Array, limits = LIMITS): Promise<AppError> {
  const error = await run(bytes, 997, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

async function samplePixels(width = 64, height = 48) {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 37 + (i >> 7) * 11) & 0xff;
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

async function decoded(bytes: Uint8Array) {
  return sharp(bytes).raw().toBuffer();
}

describe("sanitizeImageStream: location removal without re-encoding", () => {
  it.each([1, 7, 1000, 1 << 20])("JPEG with GPS EXIF and XMP location (chunks of %i bytes)", async (chunkSize) => {
    const plain = await (await samplePixels()).jpeg({ quality: 90 }).toBuffer();
    const xmp = jpegSegment(0xe1, Buffer.concat([Buffer.from("http://ns.adobe.com/xap/1.0/\0", "latin1"), Buffer.from(SAMPLE_XMP_WITH_LOCATION, "utf8")]));
    const upload = putExifIntoJpeg(plain, buildExifTiff({ ...CAMERA, gps: GPS }), [xmp]);
    expect((await exifr.gps(upload))?.latitude).toBeCloseTo(GPS.latitude, 3);

    const { stored, info } = await run(upload, chunkSize);
    expect(stored.length).toBe(upload.length);
    expect(info).toMatchObject({ format: "jpeg", mime: "image/jpeg", width: 64, height: 48, orientation: 6, hadLocation: true, originalSha256: sha(upload), originalSize: upload.length });
    expect(info.exif).toMatchObject({ make: "Google", model: "Pixel 7", software: CAMERA.software, orientation: 6, iso: 64, exposureTime: 1 / 120, fNumber: 1.85, dateTimeOriginal: CAMERA.dateTimeOriginal });

    const tags = await exifr.parse(stored, { gps: true, xmp: true, tiff: true, exif: true, mergeOutput: false, translateValues: false });
    expect(tags.gps).toBeUndefined();
    expect(await exifr.gps(stored)).toBeUndefined();
    expect(tags.ifd0).toMatchObject({ Make: "Google", Model: "Pixel 7", Software: CAMERA.software, Orientation: 6 });
    expect(tags.exif).toMatchObject({ ISO: 64, ExposureTime: 1 / 120, FNumber: 1.85 });
    const text = stored.toString("latin1");
    for (const leaked of ["GPSLatitude", "GPSAltitude", "48,51.3992N", "Paris", "France"]) expect(text).not.toContain(leaked);
    expect(text).toContain('tiff:Make="Google"');
    expect(text).toContain("<tiff:Model>Pixel 7</tiff:Model>");
    // Every byte outside the metadata blocks is unchanged, and the pixels decode identically.
    const scanStart = upload.indexOf(Buffer.from([0xff, 0xda]));
    expect(stored.subarray(scanStart).equals(upload.subarray(scanStart))).toBe(true);
    expect((await decoded(stored)).equals(await decoded(upload))).toBe(true);
  });

  it("JPEG without metadata passes through byte for byte", async () => {
    const plain = await (await samplePixels()).jpeg().toBuffer();
    const { stored, info } = await run(plain, 333);
    expect(stored.equals(plain)).toBe(true);
    expect(info).toMatchObject({ hadLocation: false, orientation: null, exif: {} });
  });

  it("progressive JPEG with restart markers", async () => {
    const progressive = await (await samplePixels(200, 150)).jpeg({ progressive: true }).toBuffer();
    const { stored, info } = await run(putExifIntoJpeg(progressive, buildExifTiff({ ...CAMERA, gps: GPS })), 64);
    expect(info).toMatchObject({ width: 200, height: 150, hadLocation: true });
    expect(await exifr.gps(stored)).toBeUndefined();
    expect((await decoded(stored)).equals(await decoded(progressive))).toBe(true);
  });

  it("an appended image (MPF-style) has its GPS removed too; a trailer after it is kept", async () => {
    const main = putExifIntoJpeg(await (await samplePixels()).jpeg().toBuffer(), buildExifTiff({ ...CAMERA, gps: GPS }));
    const second = putExifIntoJpeg(await (await samplePixels(16, 16)).jpeg().toBuffer(), buildExifTiff({ make: "Google", gps: { latitude: -33.9, longitude: 151.2 } }));
    const trailer = Buffer.from("SEFHvendor-trailer\xff\xd8\x00", "latin1");
    const upload = Buffer.concat([main, second, trailer]);
    const { stored } = await run(upload, 100);
    expect(stored.length).toBe(upload.length);
    expect(await exifr.gps(stored.subarray(main.length))).toBeUndefined();
    expect(stored.subarray(main.length + second.length).equals(trailer)).toBe(true);
    expect(stored.subarray(main.length).indexOf(Buffer.from("Google"))).toBeGreaterThan(0);
  });

  it("an appended image cut short keeps every byte, however the upload is chunked", async () => {
    const main = putExifIntoJpeg(await (await samplePixels()).jpeg().toBuffer(), buildExifTiff({ ...CAMERA, gps: GPS }));
    const second = putExifIntoJpeg(await (await samplePixels(16, 16)).jpeg().toBuffer(), buildExifTiff({ make: "Google", gps: { latitude: -33.9, longitude: 151.2 } }));
    const { stored: cleanMain } = await run(main);
    // Cut inside the appended image's markers, segment lengths and segments (nothing of it may be dropped).
    for (let cut = 1; cut < 40; cut++) {
      const upload = Buffer.concat([main, second.subarray(0, cut)]);
      for (const chunkSize of [1, 3, 64, 1 << 20]) {
        const { stored } = await run(upload, chunkSize);
        expect(stored.length, `cut ${cut}, chunks of ${chunkSize}`).toBe(upload.length);
        expect(stored.subarray(0, main.length).equals(cleanMain)).toBe(true);
      }
    }
  });

  it("never modifies the caller's bytes (edits are made in copies) and passes unedited runs on without copying them", async () => {
    const xmp = jpegSegment(0xe1, Buffer.concat([Buffer.from("http://ns.adobe.com/xap/1.0/\0", "latin1"), Buffer.from(SAMPLE_XMP_WITH_LOCATION, "utf8")]));
    const upload = putExifIntoJpeg(await (await samplePixels(300, 200)).jpeg().toBuffer(), buildExifTiff({ ...CAMERA, gps: GPS }), [xmp]);
    const before = Buffer.from(upload);
    const session = sanitizeImageStream(chunked(upload, 1 << 20), LIMITS);
    const pieces: Buffer[] = [];
    for await (const piece of session.output) pieces.push(piece);
    expect(upload.equals(before)).toBe(true);
    expect(session.result()).toMatchObject({ hadLocation: true, originalSha256: sha(before) });
    // The edited APP1 blocks are copies; the scan data (most of the file) is one view of the upload.
    const scanStart = upload.indexOf(Buffer.from([0xff, 0xda]));
    const views = pieces.filter((piece) => piece.buffer === upload.buffer);
    expect(views.reduce((sum, piece) => sum + piece.length, 0)).toBeGreaterThanOrEqual(upload.length - scanStart);
    expect(pieces.length).toBeLessThanOrEqual(6);
  });

  it("PNG with an eXIf chunk and an iTXt XMP packet", async () => {
    const plain = await (await samplePixels()).png().toBuffer();
    const itxt = Buffer.concat([Buffer.from("XML:com.adobe.xmp\0\0\0\0\0", "latin1"), Buffer.from(SAMPLE_XMP_WITH_LOCATION, "utf8")]);
    const upload = putChunksIntoPng(plain, [pngChunk("eXIf", buildExifTiff({ ...CAMERA, gps: GPS })), pngChunk("iTXt", itxt)]);
    expect((await exifr.gps(upload))?.latitude).toBeCloseTo(GPS.latitude, 3);
    const { stored, info } = await run(upload, 50);
    expect(info).toMatchObject({ format: "png", width: 64, height: 48, hadLocation: true, exif: { make: "Google", model: "Pixel 7" } });
    expect(await exifr.gps(stored)).toBeUndefined();
    expect(stored.toString("latin1")).not.toContain("Paris");
    expect((await exifr.parse(stored, { mergeOutput: false, tiff: true })).ifd0).toMatchObject({ Make: "Google", Model: "Pixel 7" });
    // sharp re-checks every chunk CRC while decoding.
    expect((await decoded(stored)).equals(await decoded(plain))).toBe(true);
  });

  it("WebP with an EXIF chunk", async () => {
    const withMeta = await (await samplePixels()).webp({ quality: 80 }).withExif({ IFD0: { Make: "x" } }).toBuffer();
    const upload = putExifIntoWebp(withMeta, buildExifTiff({ ...CAMERA, gps: GPS }));
    // exifr reads no WebP container: hand it the EXIF chunk's TIFF block.
    const exifChunk = (webp: Buffer) => {
      const at = webp.indexOf(Buffer.from("EXIF"), 12);
      return webp.subarray(at + 8, at + 8 + webp.readUInt32LE(at + 4));
    };
    expect((await exifr.gps(exifChunk(upload)))?.latitude).toBeCloseTo(GPS.latitude, 3);
    const { stored, info } = await run(upload, 128);
    expect(info).toMatchObject({ format: "webp", width: 64, height: 48, hadLocation: true, exif: { model: "Pixel 7" } });
    expect(stored.length).toBe(upload.length);
    expect(await exifr.gps(exifChunk(stored))).toBeUndefined();
    expect(await exifr.parse(exifChunk(stored), { translateValues: false })).toMatchObject({ Make: "Google", Model: "Pixel 7", Orientation: 6 });
    expect((await decoded(stored)).equals(await decoded(upload))).toBe(true);
  });

  it("reads the size of simple WebP (VP8) and lossless WebP (VP8L)", async () => {
    const lossy = await (await samplePixels(33, 21)).webp().toBuffer();
    const lossless = await (await samplePixels(35, 19)).webp({ lossless: true }).toBuffer();
    expect((await run(lossy)).info).toMatchObject({ width: 33, height: 21 });
    expect((await run(lossless)).info).toMatchObject({ width: 35, height: 19 });
  });
});

describe("sanitizeImageStream: refusals", () => {
  it("refuses non-images, HEIC, GIF and empty input by their bytes", async () => {
    expect(await failure(Buffer.from("this is not a photo at all, just text named photo.jpg"))).toMatchObject({ code: "unsupported_media_type", details: { reason: "unsupported_image_type" } });
    const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypheic\0\0\0\0mif1heic", "latin1"), Buffer.alloc(64)]);
    const heicError = await failure(heic);
    expect(heicError).toMatchObject({ code: "unsupported_media_type", details: { reason: "heic_unsupported" } });
    expect(heicError.message).toMatch(/Most Compatible/);
    expect(await failure(Buffer.from("GIF89a\x01\x00\x01\x00", "latin1"))).toMatchObject({ details: { detected: "gif" } });
    expect(await failure(new Uint8Array(0))).toMatchObject({ code: "bad_request", details: { reason: "empty_image" } });
  });

  it("refuses truncated JPEG, PNG and WebP files", async () => {
    const jpeg = await (await samplePixels()).jpeg().toBuffer();
    const png = await (await samplePixels()).png().toBuffer();
    const webp = await (await samplePixels()).webp().toBuffer();
    for (const [bytes, format] of [
      [jpeg.subarray(0, Math.floor(jpeg.length * 0.6)), "jpeg"],
      [jpeg.subarray(0, jpeg.length - 2), "jpeg"],
      [jpeg.subarray(0, 20), "jpeg"],
      [png.subarray(0, png.length - 12), "png"],
      [webp.subarray(0, webp.length - 10), "webp"],
    ] as const) {
      expect(await failure(bytes), `${format} ${bytes.length}`).toMatchObject({ code: "unprocessable", details: { reason: "truncated_image", format } });
    }
  });

  it("refuses decompression bombs from the header, before reading the pixel data", async () => {
    // A PNG that claims 100 000 × 100 000 pixels: only its signature and IHDR exist.
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(100_000, 0);
    ihdr.writeUInt32BE(100_000, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const bomb = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk("IHDR", ihdr)]);
    expect(await failure(bomb)).toMatchObject({ code: "payload_too_large", details: { reason: "too_many_pixels", width: 100_000, height: 100_000 } });
    // A JPEG over a small configured limit is refused before its scan data is consumed.
    const jpeg = await (await samplePixels(400, 300)).jpeg().toBuffer();
    let consumed = 0;
    const session = sanitizeImageStream(
      (async function* () {
        for (let at = 0; at < jpeg.length; at += 64) {
          consumed = at + 64;
          yield jpeg.subarray(at, at + 64);
        }
      })(),
      { maxPixels: 100_000 },
    );
    await expect((async () => {
      for await (const _ of session.output);
    })()).rejects.toMatchObject({ details: { reason: "too_many_pixels" } });
    expect(consumed).toBeLessThan(jpeg.length / 2);
  });

  it("refuses a JPEG with garbage where a marker belongs", async () => {
    const jpeg = await (await samplePixels()).jpeg().toBuffer();
    const broken = Buffer.from(jpeg);
    broken[2 + 2 + broken.readUInt16BE(4)] = 0x12; // right after the first segment
    expect(await failure(broken)).toMatchObject({ code: "unprocessable", details: { reason: "invalid_image" } });
  });
});
