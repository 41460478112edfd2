// The streaming gate every uploaded photo passes before it is stored: identifies the format from
// the bytes (JPEG, PNG, WebP; HEIC/AVIF and anything else refused), reads the pixel size from the
// header and refuses decompression bombs before any decoding, refuses truncated files, and removes
// GPS/location metadata without touching the compressed pixels — EXIF and XMP blocks are edited in
// place at the same length, so every other byte (and every offset) stays exactly as captured.
// Also hashes the original bytes and reads the EXIF summary. Pure (no I/O of its own).
import { createHash } from "node:crypto";
import { crc32, deflateSync, inflateSync } from "node:zlib";
import { AppError } from "@/lib/api/app-error";
import { ByteReader, driveByteParser, TruncatedInputError, type ByteStep } from "./byte-reader";
import { stripExifLocation, type ExifSummary } from "./exif-location";
import { blankIptcLocation } from "./iptc-location";
import { blankXmpLocation } from "./xmp-location";

export type ImageFormat = "jpeg" | "png" | "webp";
export const IMAGE_MIME: Record<ImageFormat, string> = { jpeg: "image/jpeg", png: "image/png", webp: "image/webp" };

export type SanitizedImage = {
  format: ImageFormat;
  mime: string;
  width: number;
  height: number;
  /** EXIF orientation 1–8 when present. */
  orientation: number | null;
  exif: ExifSummary;
  /** Whether any location metadata (EXIF GPS, XMP or IPTC location) was found and removed. */
  hadLocation: boolean;
  originalSha256: string;
  originalSize: number;
};

export type SanitizeLimits = { maxPixels: number };

/** Metadata blocks are held in memory while edited; beyond this a file is refused. */
const MAX_METADATA_BLOCK = 16 * 1024 * 1024;

function reject(code: "unsupported_media_type" | "unprocessable" | "payload_too_large" | "bad_request", message: string, details: Record<string, unknown>): AppError {
  return new AppError(code, message, details);
}

function truncated(format: string): AppError {
  return reject("unprocessable", `The ${format.toUpperCase()} file is truncated (it ends before the image does); send the whole file.`, { reason: "truncated_image", format });
}

function invalid(format: string, what: string): AppError {
  return reject("unprocessable", `The file is not a valid ${format.toUpperCase()} image (${what}).`, { reason: "invalid_image", format });
}

/** What the first bytes say the file is. */
export function sniffImageType(head: Uint8Array): ImageFormat | { unsupported: string } | undefined {
  if (head.length === 0) return undefined;
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return "jpeg";
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head.length >= 8 && head[0] === 0x89 && ascii(1, 4) === "PNG" && head[4] === 0x0d && head[5] === 0x0a) return "png";
  if (head.length >= 12 && ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "webp";
  if (head.length >= 12 && ascii(4, 8) === "ftyp") {
    const brand = ascii(8, 12);
    if (["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"].includes(brand)) return { unsupported: "heic" };
    if (["avif", "avis"].includes(brand)) return { unsupported: "avif" };
    return { unsupported: "isobmff" };
  }
  if (ascii(0, 4) === "GIF8") return { unsupported: "gif" };
  if (ascii(0, 2) === "BM") return { unsupported: "bmp" };
  if (ascii(0, 4) === "II*\0" || ascii(0, 4) === "MM\0*") return { unsupported: "tiff" };
  return { unsupported: "unknown" };
}

class ImageState {
  width = 0;
  height = 0;
  orientation: number | null = null;
  exif: ExifSummary = {};
  hadLocation = false;
  sawExif = false;
  constructor(
    readonly format: ImageFormat,
    readonly limits: SanitizeLimits,
  ) {}
  setSize(width: number, height: number): void {
    if (this.width) return;
    if (width <= 0 || height <= 0) throw invalid(this.format, "zero width or height");
    if (width * height > this.limits.maxPixels) {
      throw reject("payload_too_large", `The image is ${width}×${height} = ${(width * height / 1e6).toFixed(1)} MP, more than the ${(this.limits.maxPixels / 1e6).toFixed(1)} MP this server accepts.`, {
        reason: "too_many_pixels",
        width,
        height,
        maxPixels: this.limits.maxPixels,
      });
    }
    this.width = width;
    this.height = height;
  }
  /** EXIF block at buf[start, end): strip location; the first one is the image's own summary. */
  exifBlock(buf: Uint8Array, start: number, end: number): void {
    const result = stripExifLocation(buf, start, end);
    this.hadLocation = result.hadLocation || this.hadLocation;
    if (!this.sawExif) {
      this.sawExif = true;
      this.exif = result.summary;
      const orientation = result.summary.orientation;
      this.orientation = orientation !== undefined && orientation >= 1 && orientation <= 8 ? orientation : null;
    }
  }
}

// ---------- JPEG ----------

const XMP_SIGNATURE = Buffer.from("http://ns.adobe.com/xap/1.0/\0", "latin1");
const XMP_EXTENSION_SIGNATURE = Buffer.from("http://ns.adobe.com/xmp/extension/\0", "latin1");
const EXIF_SIGNATURE = Buffer.from("Exif\0\0", "latin1");

const startsWith = (segment: Buffer, signature: Buffer) => segment.length >= signature.length && segment.subarray(0, signature.length).equals(signature);

/** An appended (non-primary) image stopped parsing; everything consumed so far was passed on. */
class AppendedImageError extends Error {}

function isSof(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function* sanitizeJpegImage(reader: ByteReader, state: ImageState, primary: boolean): Generator<ByteStep, void> {
  const soi = yield* reader.read(2);
  if (soi[0] !== 0xff || soi[1] !== 0xd8) throw invalid("jpeg", "no start-of-image marker");
  yield soi;
  let sawFrame = false;
  for (;;) {
    // A marker: 0xFF (possibly repeated as fill) then the marker code. Every byte read is passed on
    // before anything can stop an appended image, so that nothing of it is lost.
    const first = yield* reader.read(1);
    if (first[0] !== 0xff) {
      if (!primary) {
        yield first;
        throw new AppendedImageError();
      }
      throw invalid("jpeg", `expected a marker at byte ${reader.position - 1}`);
    }
    yield first;
    let byte: number;
    do {
      const next = yield* reader.read(1);
      byte = next[0]!;
      yield next;
    } while (byte === 0xff);
    const marker = byte;
    if (marker === 0xd9) {
      if (primary && !sawFrame) throw invalid("jpeg", "no frame header");
      return;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (marker === 0xd8 || marker === 0x00) {
      if (!primary) throw new AppendedImageError();
      throw invalid("jpeg", `unexpected marker 0x${marker.toString(16)}`);
    }
    const lengthBytes = yield* reader.read(2);
    const length = lengthBytes.readUInt16BE(0);
    if (length < 2 && primary) throw invalid("jpeg", "segment length below 2");
    yield lengthBytes;
    if (length < 2) throw new AppendedImageError();
    // APP1 (EXIF, XMP) and APP13 (IPTC) may be edited: a copy; any other segment is only read.
    const segment = marker === 0xe1 || marker === 0xed ? yield* reader.readCopy(length - 2) : yield* reader.read(length - 2);
    if (isSof(marker)) {
      if (segment.length < 5) throw invalid("jpeg", "short frame header");
      if (primary) state.setSize(segment.readUInt16BE(3), segment.readUInt16BE(1));
      sawFrame = true;
    } else if (marker === 0xe1 && startsWith(segment, EXIF_SIGNATURE)) {
      if (primary) state.exifBlock(segment, EXIF_SIGNATURE.length, segment.length);
      else state.hadLocation = stripExifLocation(segment, EXIF_SIGNATURE.length, segment.length).hadLocation || state.hadLocation;
    } else if (marker === 0xe1 && startsWith(segment, XMP_SIGNATURE)) {
      state.hadLocation = blankXmpLocation(segment, XMP_SIGNATURE.length, segment.length) || state.hadLocation;
    } else if (marker === 0xe1 && startsWith(segment, XMP_EXTENSION_SIGNATURE)) {
      // GUID (32) + full length (4) + offset (4), then a slice of the extended packet.
      const dataAt = XMP_EXTENSION_SIGNATURE.length + 40;
      if (segment.length > dataAt) state.hadLocation = blankXmpLocation(segment, dataAt, segment.length) || state.hadLocation;
    } else if (marker === 0xed) {
      state.hadLocation = blankIptcLocation(segment, 0, segment.length) || state.hadLocation;
    }
    yield segment;
    if (marker === 0xda) {
      if (primary && !sawFrame) throw invalid("jpeg", "scan before frame header");
      yield* passEntropyCodedData(reader);
    }
  }
}

/** After a scan header: pass compressed data through up to the next real marker (not FF00, not RSTn). */
function* passEntropyCodedData(reader: ByteReader): Generator<ByteStep, void> {
  for (;;) {
    const chunk = yield* reader.available();
    if (chunk.length === 0) throw new TruncatedInputError();
    let from = 0;
    for (;;) {
      const at = chunk.indexOf(0xff, from);
      if (at < 0 || at === chunk.length - 1) {
        // No marker in this chunk (or an FF at its very end whose next byte is still to come).
        const upTo = at < 0 ? chunk.length : at;
        if (upTo > 0) {
          const part = chunk.subarray(0, upTo);
          reader.consume(upTo);
          yield part;
        } else {
          // Lone FF at the end: make sure the next byte arrives, then look again.
          const more = yield* reader.peek(2);
          if (more.length < 2) throw new TruncatedInputError();
        }
        break;
      }
      const next = chunk[at + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
        from = next === 0xff ? at + 1 : at + 2;
        continue;
      }
      // A marker starts at `at`.
      if (at > 0) {
        const part = chunk.subarray(0, at);
        reader.consume(at);
        yield part;
      }
      return;
    }
  }
}

function* sanitizeJpeg(reader: ByteReader, state: ImageState): Generator<ByteStep, void> {
  yield* sanitizeJpegImage(reader, state, true);
  // Images appended after the first (MPF: depth maps, gain maps, previews) carry their own EXIF.
  // Other trailing bytes (vendor trailers, embedded videos) pass through unchanged; an appended
  // image that turns out not to parse ends the editing, never the upload.
  for (;;) {
    const chunk = yield* reader.available();
    if (chunk.length === 0) return;
    const at = findJpegStart(chunk);
    if (at === 0) {
      const head = yield* reader.peek(4);
      if (head.length === 4 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff && head[3]! >= 0xc0 && head[3]! !== 0xff) {
        try {
          yield* sanitizeJpegImage(reader, state, false);
        } catch (error) {
          if (!(error instanceof TruncatedInputError) && !(error instanceof AppendedImageError)) throw error;
          yield* reader.rest();
          return;
        }
        continue;
      }
      if (head.length < 3) {
        yield* reader.rest();
        return;
      }
      yield yield* reader.read(1);
      continue;
    }
    const upTo = at < 0 ? chunk.length : at;
    const part = chunk.subarray(0, upTo);
    reader.consume(upTo);
    yield part;
  }
}

/** Where FF D8 FF starts in the chunk, or an FF in its last two bytes (a start that may continue); -1 otherwise. */
function findJpegStart(chunk: Buffer): number {
  let at = chunk.indexOf(0xff);
  while (at >= 0) {
    if (at + 2 >= chunk.length) return at;
    if (chunk[at + 1] === 0xd8 && chunk[at + 2] === 0xff) return at;
    at = chunk.indexOf(0xff, at + 1);
  }
  return -1;
}

// ---------- PNG ----------

function pngChunk(type: string, data: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(data.length, 0);
  header.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(Buffer.from(type, "latin1"))) >>> 0, 0);
  return Buffer.concat([header, data, crc]);
}

const XMP_KEYWORD = "XML:com.adobe.xmp";

/** A PNG text chunk after location removal: the same chunk, an edited one, or null to drop it. */
function sanitizePngText(type: string, data: Buffer, state: ImageState): Buffer | null {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 0) return data;
  const keyword = data.subarray(0, keywordEnd).toString("latin1");
  if (/^Raw profile type (exif|APP1|xmp|iptc|8bim)$/i.test(keyword)) {
    // ImageMagick's hex-encoded metadata copies: dropped whole (they duplicate EXIF/XMP).
    state.hadLocation = true;
    return null;
  }
  if (keyword !== XMP_KEYWORD) return data;
  if (type === "iTXt") {
    const compressed = data[keywordEnd + 1] === 1;
    let p = keywordEnd + 3;
    p = data.indexOf(0, p) + 1; // language tag
    p = data.indexOf(0, p) + 1; // translated keyword
    if (p <= 0) return data;
    if (!compressed) {
      state.hadLocation = blankXmpLocation(data, p, data.length) || state.hadLocation;
      return data;
    }
    const text = inflateSync(data.subarray(p));
    if (!blankXmpLocation(text, 0, text.length)) return data;
    state.hadLocation = true;
    return Buffer.concat([data.subarray(0, p), deflateSync(text)]);
  }
  if (type === "tEXt") {
    state.hadLocation = blankXmpLocation(data, keywordEnd + 1, data.length) || state.hadLocation;
    return data;
  }
  // zTXt
  const text = inflateSync(data.subarray(keywordEnd + 2));
  if (!blankXmpLocation(text, 0, text.length)) return data;
  state.hadLocation = true;
  return Buffer.concat([data.subarray(0, keywordEnd + 2), deflateSync(text)]);
}

function* sanitizePng(reader: ByteReader, state: ImageState): Generator<ByteStep, void> {
  const signature = yield* reader.read(8);
  if (!signature.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw invalid("png", "bad signature");
  yield signature;
  let first = true;
  for (;;) {
    const header = yield* reader.read(8);
    const length = header.readUInt32BE(0);
    const type = header.subarray(4, 8).toString("latin1");
    if (length > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type)) throw invalid("png", "bad chunk header");
    if (first && type !== "IHDR") throw invalid("png", "IHDR is not the first chunk");
    first = false;
    if (type === "IHDR") {
      if (length !== 13) throw invalid("png", "bad IHDR length");
      const rest = yield* reader.read(length + 4);
      state.setSize(rest.readUInt32BE(0), rest.readUInt32BE(4));
      yield header;
      yield rest;
    } else if (type === "eXIf" || type === "iTXt" || type === "tEXt" || type === "zTXt") {
      if (length > MAX_METADATA_BLOCK) throw invalid("png", `a ${type} metadata chunk of ${length} bytes`);
      const data = yield* reader.readCopy(length);
      yield* reader.read(4); // CRC, recomputed below
      let out: Buffer | null = data;
      if (type === "eXIf") state.exifBlock(data, 0, data.length);
      else out = sanitizePngText(type, data, state);
      if (out) yield pngChunk(type, out);
    } else {
      yield header;
      yield* reader.take(length + 4);
    }
    if (type === "IEND") break;
  }
  yield* reader.rest();
}

// ---------- WebP ----------

function* sanitizeWebp(reader: ByteReader, state: ImageState): Generator<ByteStep, void> {
  const header = yield* reader.read(12);
  const total = header.readUInt32LE(4) + 8;
  yield header;
  let offset = 12;
  while (offset < total) {
    const chunkHeader = yield* reader.read(8);
    const fourcc = chunkHeader.subarray(0, 4).toString("latin1");
    const size = chunkHeader.readUInt32LE(4);
    const padded = size + (size & 1);
    if (offset + 8 + padded > total) throw invalid("webp", `chunk ${fourcc} runs past the RIFF size`);
    yield chunkHeader;
    if (fourcc === "VP8X") {
      if (size < 10) throw invalid("webp", "short VP8X chunk");
      const data = yield* reader.read(padded);
      state.setSize(1 + data.readUIntLE(4, 3), 1 + data.readUIntLE(7, 3));
      yield data;
    } else if (fourcc === "VP8 " && !state.width) {
      if (size < 10) throw invalid("webp", "short VP8 chunk");
      const head = yield* reader.read(10);
      if (head[3] !== 0x9d || head[4] !== 0x01 || head[5] !== 0x2a) throw invalid("webp", "bad VP8 start code");
      state.setSize(head.readUInt16LE(6) & 0x3fff, head.readUInt16LE(8) & 0x3fff);
      yield head;
      yield* reader.take(padded - 10);
    } else if (fourcc === "VP8L" && !state.width) {
      if (size < 5) throw invalid("webp", "short VP8L chunk");
      const head = yield* reader.read(5);
      if (head[0] !== 0x2f) throw invalid("webp", "bad VP8L signature");
      const bits = head.readUInt32LE(1);
      state.setSize((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
      yield head;
      yield* reader.take(padded - 5);
    } else if (fourcc === "EXIF" || fourcc === "XMP ") {
      if (size > MAX_METADATA_BLOCK) throw invalid("webp", `a ${fourcc.trim()} chunk of ${size} bytes`);
      const data = yield* reader.readCopy(padded);
      if (fourcc === "EXIF") {
        const start = startsWith(data, EXIF_SIGNATURE) ? EXIF_SIGNATURE.length : 0;
        state.exifBlock(data, start, size);
      } else {
        state.hadLocation = blankXmpLocation(data, 0, size) || state.hadLocation;
      }
      yield data;
    } else {
      yield* reader.take(padded);
    }
    offset += 8 + padded;
  }
  if (!state.width) throw invalid("webp", "no image chunk");
  yield* reader.rest();
}

// ---------- entry point ----------

export type SanitizeSession = {
  /** The bytes to store, produced while the input is read. */
  output: AsyncGenerator<Buffer>;
  /** What was found; available once `output` has been consumed to the end. */
  result(): SanitizedImage;
};

export function sanitizeImageStream(source: AsyncIterable<Uint8Array>, limits: SanitizeLimits): SanitizeSession {
  const hash = createHash("sha256");
  let originalSize = 0;
  const reader = new ByteReader();
  let outcome: SanitizedImage | undefined;
  let originalSha256: string | undefined;
  const output = driveByteParser(
    source,
    reader,
    sanitizeImage(reader, limits, (found) => (outcome = found)),
    // Every chunk is hashed as it arrives, before the parser can edit a copy of any of it.
    (chunk) => {
      hash.update(chunk);
      originalSize += chunk.byteLength;
    },
  );
  return {
    output,
    result() {
      if (!outcome) throw new Error("sanitizeImageStream: the output was not consumed to the end");
      originalSha256 ??= hash.digest("hex");
      return { ...outcome, originalSha256, originalSize };
    },
  };
}

function* sanitizeImage(reader: ByteReader, limits: SanitizeLimits, done: (found: SanitizedImage) => void): Generator<ByteStep, void> {
  const head = yield* reader.peek(16);
  const sniffed = sniffImageType(head);
  if (sniffed === undefined) throw reject("bad_request", "The image is empty.", { reason: "empty_image" });
  if (typeof sniffed === "object") {
    const known: Record<string, string> = {
      heic: "HEIC photos are not supported yet: on an iPhone choose Settings › Camera › Formats › Most Compatible, or share the photo as JPEG.",
      avif: "AVIF images are not supported; send JPEG, PNG or WebP.",
    };
    throw reject("unsupported_media_type", known[sniffed.unsupported] ?? "This file is not a JPEG, PNG or WebP image.", {
      reason: sniffed.unsupported === "heic" ? "heic_unsupported" : "unsupported_image_type",
      detected: sniffed.unsupported,
      supported: ["image/jpeg", "image/png", "image/webp"],
    });
  }
  const state = new ImageState(sniffed, limits);
  try {
    if (sniffed === "jpeg") yield* sanitizeJpeg(reader, state);
    else if (sniffed === "png") yield* sanitizePng(reader, state);
    else yield* sanitizeWebp(reader, state);
  } catch (error) {
    if (error instanceof TruncatedInputError) throw truncated(sniffed);
    if (error instanceof RangeError) throw invalid(sniffed, "a header field is out of range");
    throw error;
  }
  done({
    format: sniffed,
    mime: IMAGE_MIME[sniffed],
    width: state.width,
    height: state.height,
    orientation: state.orientation,
    exif: state.exif,
    hadLocation: state.hadLocation,
    originalSha256: "",
    originalSize: 0,
  });
}
