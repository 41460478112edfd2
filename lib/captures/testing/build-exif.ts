// Writes EXIF the way cameras do, for tests and the simulator: a little-endian TIFF block with
// IFD0 (Make, Model, Software, Orientation), the Exif IFD (exposure) and optionally a GPS IFD, and
// helpers that put it into a JPEG (APP1), a PNG (eXIf) or a WebP (EXIF chunk). Pure.
import { crc32 } from "node:zlib";

export type ExifInput = {
  make?: string;
  model?: string;
  software?: string;
  orientation?: number;
  exposureTime?: [number, number];
  fNumber?: [number, number];
  iso?: number;
  dateTimeOriginal?: string;
  gps?: { latitude: number; longitude: number; altitude?: number };
};

type Field = { tag: number; type: number; count: number; data: Buffer };

const ascii = (tag: number, text: string): Field => {
  const data = Buffer.from(`${text}\0`, "latin1");
  return { tag, type: 2, count: data.length, data };
};
const short = (tag: number, value: number): Field => {
  const data = Buffer.alloc(2);
  data.writeUInt16LE(value);
  return { tag, type: 3, count: 1, data };
};
const long = (tag: number, value: number): Field => {
  const data = Buffer.alloc(4);
  data.writeUInt32LE(value);
  return { tag, type: 4, count: 1, data };
};
const rationals = (tag: number, values: Array<[number, number]>): Field => {
  const data = Buffer.alloc(8 * values.length);
  values.forEach(([n, d], i) => {
    data.writeUInt32LE(n, i * 8);
    data.writeUInt32LE(d, i * 8 + 4);
  });
  return { tag, type: 5, count: values.length, data };
};
const bytes = (tag: number, values: number[]): Field => ({ tag, type: 1, count: values.length, data: Buffer.from(values) });

function degrees(value: number): Array<[number, number]> {
  const abs = Math.abs(value);
  const d = Math.floor(abs);
  const m = Math.floor((abs - d) * 60);
  const s = Math.round(((abs - d) * 60 - m) * 60 * 1000);
  return [
    [d, 1],
    [m, 1],
    [s, 1000],
  ];
}

/** Serialise IFDs laid out one after another; pointer fields are patched once offsets are known. */
function layoutIfd(fields: Field[], at: number): { size: number; write(out: Buffer, pointers: Map<number, number>): void } {
  fields.sort((a, b) => a.tag - b.tag);
  const tableSize = 2 + fields.length * 12 + 4;
  const extra = fields.reduce((sum, f) => sum + (f.data.length > 4 ? f.data.length + (f.data.length % 2) : 0), 0);
  return {
    size: tableSize + extra,
    write(out, pointers) {
      out.writeUInt16LE(fields.length, at);
      let dataAt = at + tableSize;
      fields.forEach((field, i) => {
        const entry = at + 2 + i * 12;
        out.writeUInt16LE(field.tag, entry);
        out.writeUInt16LE(field.type, entry + 2);
        out.writeUInt32LE(field.count, entry + 4);
        const pointer = pointers.get(field.tag);
        if (pointer !== undefined) out.writeUInt32LE(pointer, entry + 8);
        else if (field.data.length <= 4) field.data.copy(out, entry + 8);
        else {
          out.writeUInt32LE(dataAt, entry + 8);
          field.data.copy(out, dataAt);
          dataAt += field.data.length + (field.data.length % 2);
        }
      });
      out.writeUInt32LE(0, at + 2 + fields.length * 12);
    },
  };
}

export function buildExifTiff(input: ExifInput): Buffer {
  const ifd0: Field[] = [];
  if (input.make) ifd0.push(ascii(0x010f, input.make));
  if (input.model) ifd0.push(ascii(0x0110, input.model));
  if (input.orientation) ifd0.push(short(0x0112, input.orientation));
  if (input.software) ifd0.push(ascii(0x0131, input.software));
  const exif: Field[] = [];
  if (input.exposureTime) exif.push(rationals(0x829a, [input.exposureTime]));
  if (input.fNumber) exif.push(rationals(0x829d, [input.fNumber]));
  if (input.iso) exif.push(short(0x8827, input.iso));
  if (input.dateTimeOriginal) exif.push(ascii(0x9003, input.dateTimeOriginal));
  const gps: Field[] = [];
  if (input.gps) {
    gps.push(bytes(0x0000, [2, 3, 0, 0]));
    gps.push(ascii(0x0001, input.gps.latitude >= 0 ? "N" : "S"));
    gps.push(rationals(0x0002, degrees(input.gps.latitude)));
    gps.push(ascii(0x0003, input.gps.longitude >= 0 ? "E" : "W"));
    gps.push(rationals(0x0004, degrees(input.gps.longitude)));
    if (input.gps.altitude !== undefined) {
      gps.push(bytes(0x0005, [0]));
      gps.push(rationals(0x0006, [[Math.round(input.gps.altitude * 100), 100]]));
    }
  }
  if (exif.length) ifd0.push(long(0x8769, 0));
  if (gps.length) ifd0.push(long(0x8825, 0));
  const first = layoutIfd(ifd0, 8);
  const exifAt = 8 + first.size;
  const exifLayout = exif.length ? layoutIfd(exif, exifAt) : undefined;
  const gpsAt = exifAt + (exifLayout?.size ?? 0);
  const gpsLayout = gps.length ? layoutIfd(gps, gpsAt) : undefined;
  const out = Buffer.alloc(gpsAt + (gpsLayout?.size ?? 0));
  out.write("II", 0, "latin1");
  out.writeUInt16LE(42, 2);
  out.writeUInt32LE(8, 4);
  const pointers = new Map<number, number>();
  if (exifLayout) pointers.set(0x8769, exifAt);
  if (gpsLayout) pointers.set(0x8825, gpsAt);
  first.write(out, pointers);
  exifLayout?.write(out, new Map());
  gpsLayout?.write(out, new Map());
  return out;
}

/** A JPEG with the given TIFF block as its EXIF (APP1 right after SOI; any earlier EXIF APP1 removed). */
export function putExifIntoJpeg(jpeg: Uint8Array, tiff: Buffer, extraSegments: Buffer[] = []): Buffer {
  const source = Buffer.from(jpeg);
  const parts: Buffer[] = [source.subarray(0, 2)];
  const payload = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const app1 = Buffer.alloc(4);
  app1.writeUInt16BE(0xffe1, 0);
  app1.writeUInt16BE(payload.length + 2, 2);
  parts.push(app1, payload, ...extraSegments);
  let at = 2;
  while (at < source.length && source[at] === 0xff && source[at + 1] !== 0xda) {
    const length = source.readUInt16BE(at + 2);
    const isExif = source[at + 1] === 0xe1 && source.subarray(at + 4, at + 10).toString("latin1") === "Exif\0\0";
    if (!isExif) parts.push(source.subarray(at, at + 2 + length));
    at += 2 + length;
  }
  parts.push(source.subarray(at));
  return Buffer.concat(parts);
}

/** A JPEG APPn segment (for XMP or other metadata in tests). */
export function jpegSegment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

export function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(Buffer.from(type, "latin1"))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A PNG with extra chunks right after IHDR. */
export function putChunksIntoPng(png: Uint8Array, chunks: Buffer[]): Buffer {
  const source = Buffer.from(png);
  const ihdrEnd = 8 + 8 + 13 + 4;
  return Buffer.concat([source.subarray(0, ihdrEnd), ...chunks, source.subarray(ihdrEnd)]);
}

/** A WebP (extended format, as sharp writes with metadata) whose EXIF chunk holds the given TIFF block. */
export function putExifIntoWebp(webp: Uint8Array, tiff: Buffer): Buffer {
  const source = Buffer.from(webp);
  const chunks: Array<{ fourcc: string; data: Buffer }> = [];
  for (let at = 12; at + 8 <= source.length; ) {
    const fourcc = source.subarray(at, at + 4).toString("latin1");
    const size = source.readUInt32LE(at + 4);
    chunks.push({ fourcc, data: source.subarray(at + 8, at + 8 + size) });
    at += 8 + size + (size % 2);
  }
  if (chunks[0]?.fourcc !== "VP8X") throw new Error("putExifIntoWebp needs an extended-format WebP (write it with withExif/withMetadata)");
  const vp8x = Buffer.from(chunks[0].data);
  vp8x[0] = vp8x[0]! | 0x08; // EXIF flag
  chunks[0] = { fourcc: "VP8X", data: vp8x };
  const withoutExif = chunks.filter((c) => c.fourcc !== "EXIF");
  withoutExif.push({ fourcc: "EXIF", data: tiff });
  const body = Buffer.concat(
    withoutExif.map(({ fourcc, data }) => {
      const head = Buffer.alloc(8);
      head.write(fourcc, 0, "latin1");
      head.writeUInt32LE(data.length, 4);
      return Buffer.concat([head, data, Buffer.alloc(data.length % 2)]);
    }),
  );
  const header = Buffer.alloc(12);
  header.write("RIFF", 0, "latin1");
  header.writeUInt32LE(body.length + 4, 4);
  header.write("WEBP", 8, "latin1");
  return Buffer.concat([header, body]);
}

export const SAMPLE_XMP_WITH_LOCATION = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" xmlns:tiff="http://ns.adobe.com/tiff/1.0/"
 exif:GPSLatitude="48,51.3992N" exif:GPSLongitude="2,20.9214E" tiff:Make="Google" photoshop:City="Paris">
<exif:GPSAltitude>35/1</exif:GPSAltitude>
<photoshop:Country>France</photoshop:Country>
<tiff:Model>Pixel 7</tiff:Model>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`;
