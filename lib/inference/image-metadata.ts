// Reads what Parallax needs from an image file's header without decoding pixels: the format, the
// stored size (to refuse decompression bombs before decoding), the EXIF orientation and the
// embedded ICC profile (recorded, never applied). JPEG, PNG and WebP. Pure.

export type ImageFormat = "jpeg" | "png" | "webp";

export type IccProfileInfo = {
  /** Profile size in bytes (compressed size for PNG iCCP). */
  bytes: number;
  /** The profile's description ("Display P3", "sRGB IEC61966-2.1", …) when it could be read. */
  description?: string;
};

export type ImageMetadata = {
  format: ImageFormat;
  width: number;
  height: number;
  /** EXIF orientation 1–8; 1 when absent or invalid. */
  orientation: number;
  icc?: IccProfileInfo;
};

export class ImageFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageFormatError";
  }
}

export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 4) === "WEBP") return "webp";
  return undefined;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  let text = "";
  for (let i = start; i < start + length && i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

const u16be = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u32be = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const u16le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u24le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16);
const u32le = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/** Orientation tag (0x0112) of a TIFF/EXIF block starting at `start` (the "II"/"MM" header). */
export function readExifOrientation(bytes: Uint8Array, start: number, end = bytes.length): number {
  if (start + 8 > end) return 1;
  const order = ascii(bytes, start, 2);
  if (order !== "II" && order !== "MM") return 1;
  const little = order === "II";
  const u16 = (o: number) => (little ? u16le(bytes, o) : u16be(bytes, o));
  const u32 = (o: number) => (little ? u32le(bytes, o) : u32be(bytes, o));
  const ifd = start + u32(start + 4);
  if (ifd + 2 > end) return 1;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > end) break;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/** The 'desc' tag of an ICC profile (v2 'desc' ASCII or v4 'mluc' UTF-16BE). */
export function readIccDescription(profile: Uint8Array): string | undefined {
  if (profile.length < 132) return undefined;
  const count = u32be(profile, 128);
  for (let i = 0; i < count && 132 + i * 12 + 12 <= profile.length; i++) {
    const entry = 132 + i * 12;
    if (ascii(profile, entry, 4) !== "desc") continue;
    const offset = u32be(profile, entry + 4);
    const size = u32be(profile, entry + 8);
    if (offset + size > profile.length || size < 12) return undefined;
    const type = ascii(profile, offset, 4);
    if (type === "desc") {
      const length = u32be(profile, offset + 8);
      return cleanText(ascii(profile, offset + 12, Math.min(length, size - 12)));
    }
    if (type === "mluc") {
      const records = u32be(profile, offset + 8);
      if (records < 1) return undefined;
      const length = u32be(profile, offset + 20);
      const start = offset + u32be(profile, offset + 24);
      let text = "";
      for (let k = 0; k + 1 < length && start + k + 1 < profile.length; k += 2) text += String.fromCharCode(u16be(profile, start + k));
      return cleanText(text);
    }
  }
  return undefined;
}

function cleanText(text: string): string | undefined {
  // Keep printable characters only: the description ends up in the database and the UI.
  const cleaned = text.replace(/[^\x20-\x7e\u00a0-\uffff]/g, "").trim();
  return cleaned ? cleaned.slice(0, 200) : undefined;
}

function readJpeg(bytes: Uint8Array): ImageMetadata {
  let width = 0;
  let height = 0;
  let orientation = 1;
  const iccChunks: Uint8Array[] = [];
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) throw new ImageFormatError("The JPEG file is damaged (a marker is missing).");
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break; // end of image / start of scan
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    const length = u16be(bytes, offset + 2);
    const segment = offset + 4;
    const end = offset + 2 + length;
    if (length < 2 || end > bytes.length) throw new ImageFormatError("The JPEG file is truncated.");
    if (marker === 0xe1 && ascii(bytes, segment, 6) === "Exif\0\0") orientation = readExifOrientation(bytes, segment + 6, end);
    if (marker === 0xe2 && ascii(bytes, segment, 12) === "ICC_PROFILE\0") iccChunks.push(bytes.subarray(segment + 14, end));
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame && length >= 7) {
      height = u16be(bytes, segment + 1);
      width = u16be(bytes, segment + 3);
    }
    offset = end;
  }
  if (!width || !height) throw new ImageFormatError("The JPEG file has no image size (no frame header before the image data).");
  let icc: IccProfileInfo | undefined;
  if (iccChunks.length) {
    const total = iccChunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const profile = new Uint8Array(total);
    let at = 0;
    for (const chunk of iccChunks) {
      profile.set(chunk, at);
      at += chunk.length;
    }
    icc = { bytes: total, description: readIccDescription(profile) };
  }
  return { format: "jpeg", width, height, orientation, ...(icc ? { icc } : {}) };
}

function readPng(bytes: Uint8Array): ImageMetadata {
  if (bytes.length < 33 || ascii(bytes, 12, 4) !== "IHDR") throw new ImageFormatError("The PNG file has no header chunk.");
  const width = u32be(bytes, 16);
  const height = u32be(bytes, 20);
  let orientation = 1;
  let icc: IccProfileInfo | undefined;
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = u32be(bytes, offset);
    const type = ascii(bytes, offset + 4, 4);
    const data = offset + 8;
    if (data + length > bytes.length) break;
    if (type === "iCCP") {
      let nameEnd = data;
      while (nameEnd < data + length && bytes[nameEnd] !== 0) nameEnd++;
      icc = { bytes: Math.max(0, data + length - nameEnd - 2), description: cleanText(ascii(bytes, data, nameEnd - data)) };
    }
    if (type === "eXIf") orientation = readExifOrientation(bytes, data, data + length);
    if (type === "IDAT" || type === "IEND") break;
    offset = data + length + 4;
  }
  if (!width || !height) throw new ImageFormatError("The PNG file has a zero image size.");
  return { format: "png", width, height, orientation, ...(icc ? { icc } : {}) };
}

function readWebp(bytes: Uint8Array): ImageMetadata {
  let width = 0;
  let height = 0;
  let orientation = 1;
  let icc: IccProfileInfo | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const type = ascii(bytes, offset, 4);
    const length = u32le(bytes, offset + 4);
    const data = offset + 8;
    if (data + length > bytes.length && type !== "VP8 " && type !== "VP8L") break;
    if (type === "VP8X" && length >= 10) {
      width = u24le(bytes, data + 4) + 1;
      height = u24le(bytes, data + 7) + 1;
    } else if (type === "VP8 " && !width && data + 10 <= bytes.length) {
      width = u16le(bytes, data + 6) & 0x3fff;
      height = u16le(bytes, data + 8) & 0x3fff;
    } else if (type === "VP8L" && !width && data + 5 <= bytes.length) {
      const bits = u32le(bytes, data + 1);
      width = (bits & 0x3fff) + 1;
      height = ((bits >> 14) & 0x3fff) + 1;
    } else if (type === "ICCP") {
      const profile = bytes.subarray(data, data + length);
      icc = { bytes: length, description: readIccDescription(profile) };
    } else if (type === "EXIF") {
      const start = ascii(bytes, data, 6) === "Exif\0\0" ? data + 6 : data;
      orientation = readExifOrientation(bytes, start, data + length);
    }
    offset = data + length + (length % 2);
  }
  if (!width || !height) throw new ImageFormatError("The WebP file has no image size.");
  return { format: "webp", width, height, orientation, ...(icc ? { icc } : {}) };
}

/** Format, stored size, orientation and ICC profile; throws ImageFormatError for anything else. */
export function readImageMetadata(bytes: Uint8Array): ImageMetadata {
  const format = sniffImageFormat(bytes);
  if (format === "jpeg") return readJpeg(bytes);
  if (format === "png") return readPng(bytes);
  if (format === "webp") return readWebp(bytes);
  throw new ImageFormatError("The file is not a JPEG, PNG or WebP image.");
}
