// Removes location from an EXIF (TIFF) block in place, without changing its size: the GPSInfo
// pointer is taken out of every IFD that has one (the entries after it move up, the freed slot is
// zeroed) and the GPS IFD with its values is zeroed. Make, Model, Software, exposure and orientation
// stay. Also reads the summary Parallax records. A block too broken to walk is zeroed entirely
// (safe: no location can survive). Pure.

export type ExifSummary = {
  make?: string;
  model?: string;
  software?: string;
  orientation?: number;
  dateTimeOriginal?: string;
  exposureTime?: number;
  fNumber?: number;
  iso?: number;
  focalLength?: number;
  focalLength35mm?: number;
  exposureBias?: number;
  flash?: number;
  whiteBalance?: number;
  lensMake?: string;
  lensModel?: string;
  colorSpace?: number;
};

export type ExifLocationResult = { hadLocation: boolean; summary: ExifSummary; unreadable: boolean };

const TAG = {
  make: 0x010f,
  model: 0x0110,
  orientation: 0x0112,
  software: 0x0131,
  exifIfd: 0x8769,
  gpsIfd: 0x8825,
  exposureTime: 0x829a,
  fNumber: 0x829d,
  iso: 0x8827,
  dateTimeOriginal: 0x9003,
  exposureBias: 0x9204,
  flash: 0x9209,
  focalLength: 0x920a,
  colorSpace: 0xa001,
  whiteBalance: 0xa403,
  focalLength35mm: 0xa405,
  lensMake: 0xa433,
  lensModel: 0xa434,
} as const;

const TYPE_SIZES: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4 };

class Unreadable extends Error {}

type Entry = { index: number; tag: number; type: number; count: number; valueAt: number; size: number };

class TiffView {
  readonly le: boolean;
  constructor(
    readonly buf: Uint8Array,
    readonly start: number,
    readonly end: number,
  ) {
    if (end - start < 8) throw new Unreadable();
    const order = String.fromCharCode(buf[start]!, buf[start + 1]!);
    if (order !== "II" && order !== "MM") throw new Unreadable();
    this.le = order === "II";
    if (this.u16(start + 2) !== 42) throw new Unreadable();
  }
  check(at: number, length: number): void {
    if (at < this.start || at + length > this.end || length < 0) throw new Unreadable();
  }
  u16(at: number): number {
    this.check(at, 2);
    const b = this.buf;
    return this.le ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
  }
  u32(at: number): number {
    this.check(at, 4);
    const b = this.buf;
    return (this.le ? b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24) : (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }
  put16(at: number, value: number): void {
    this.check(at, 2);
    if (this.le) {
      this.buf[at] = value & 0xff;
      this.buf[at + 1] = value >> 8;
    } else {
      this.buf[at] = value >> 8;
      this.buf[at + 1] = value & 0xff;
    }
  }
  /** Absolute position of a TIFF offset. */
  abs(offset: number): number {
    return this.start + offset;
  }
  entries(ifdAt: number): Entry[] {
    const count = this.u16(ifdAt);
    this.check(ifdAt + 2, count * 12 + 4);
    const entries: Entry[] = [];
    for (let index = 0; index < count; index++) {
      const at = ifdAt + 2 + index * 12;
      const tag = this.u16(at);
      const type = this.u16(at + 2);
      const n = this.u32(at + 4);
      const size = (TYPE_SIZES[type] ?? 0) * n;
      const valueAt = size <= 4 ? at + 8 : this.abs(this.u32(at + 8));
      entries.push({ index, tag, type, count: n, valueAt, size });
    }
    return entries;
  }
  nextIfd(ifdAt: number): number {
    const count = this.u16(ifdAt);
    return this.u32(ifdAt + 2 + count * 12);
  }
  number(entry: Entry): number | undefined {
    try {
      switch (entry.type) {
        case 3:
          return this.u16(entry.valueAt);
        case 4:
          return this.u32(entry.valueAt);
        case 8: {
          const v = this.u16(entry.valueAt);
          return v >= 0x8000 ? v - 0x10000 : v;
        }
        case 5:
        case 10: {
          let num = this.u32(entry.valueAt);
          let den = this.u32(entry.valueAt + 4);
          if (entry.type === 10) {
            num = num | 0;
            den = den | 0;
          }
          return den === 0 ? undefined : num / den;
        }
        default:
          return undefined;
      }
    } catch {
      return undefined;
    }
  }
  text(entry: Entry): string | undefined {
    if (entry.type !== 2 && entry.type !== 7) return undefined;
    try {
      this.check(entry.valueAt, entry.size);
    } catch {
      return undefined;
    }
    let text = "";
    for (let i = 0; i < Math.min(entry.size, 400); i++) {
      const c = this.buf[entry.valueAt + i]!;
      if (c === 0) break;
      text += String.fromCharCode(c);
    }
    const cleaned = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").replace(/\s+/g, " ").trim().slice(0, 200);
    return cleaned || undefined;
  }
  zero(at: number, length: number): void {
    const from = Math.max(at, this.start);
    const to = Math.min(at + length, this.end);
    if (to > from) this.buf.fill(0, from, to);
  }
}

function readSummary(view: TiffView, entries: Entry[], summary: ExifSummary): void {
  for (const entry of entries) {
    switch (entry.tag) {
      case TAG.make:
        summary.make = view.text(entry);
        break;
      case TAG.model:
        summary.model = view.text(entry);
        break;
      case TAG.software:
        summary.software = view.text(entry);
        break;
      case TAG.orientation:
        summary.orientation = view.number(entry);
        break;
      case TAG.dateTimeOriginal:
        summary.dateTimeOriginal = view.text(entry);
        break;
      case TAG.exposureTime:
        summary.exposureTime = view.number(entry);
        break;
      case TAG.fNumber:
        summary.fNumber = view.number(entry);
        break;
      case TAG.iso:
        summary.iso = view.number(entry);
        break;
      case TAG.focalLength:
        summary.focalLength = view.number(entry);
        break;
      case TAG.focalLength35mm:
        summary.focalLength35mm = view.number(entry);
        break;
      case TAG.exposureBias:
        summary.exposureBias = view.number(entry);
        break;
      case TAG.flash:
        summary.flash = view.number(entry);
        break;
      case TAG.whiteBalance:
        summary.whiteBalance = view.number(entry);
        break;
      case TAG.colorSpace:
        summary.colorSpace = view.number(entry);
        break;
      case TAG.lensMake:
        summary.lensMake = view.text(entry);
        break;
      case TAG.lensModel:
        summary.lensModel = view.text(entry);
        break;
    }
  }
}

/** Remove the GPS pointer from the IFD at ifdAt and zero the GPS IFD it pointed to. */
function removeGpsFrom(view: TiffView, ifdAt: number, entries: Entry[]): boolean {
  const gps = entries.filter((entry) => entry.tag === TAG.gpsIfd);
  if (gps.length === 0) return false;
  for (const pointer of gps) {
    const gpsAt = view.abs(view.u32(pointer.valueAt));
    try {
      for (const entry of view.entries(gpsAt)) if (entry.size > 4) view.zero(entry.valueAt, entry.size);
      view.zero(gpsAt, 2 + view.u16(gpsAt) * 12 + 4);
    } catch {
      // The pointer leads nowhere readable; removing it is enough.
    }
  }
  // Take the pointer entries out, last first so indices stay valid.
  for (const pointer of [...gps].sort((a, b) => b.index - a.index)) {
    const count = view.u16(ifdAt);
    const entriesAt = ifdAt + 2;
    const tailEnd = entriesAt + count * 12 + 4;
    view.buf.copyWithin(entriesAt + pointer.index * 12, entriesAt + (pointer.index + 1) * 12, tailEnd);
    view.buf.fill(0, tailEnd - 12, tailEnd);
    view.put16(ifdAt, count - 1);
  }
  return true;
}

/** Strip location from the TIFF block buf[start, end) in place; read its summary. */
export function stripExifLocation(buf: Uint8Array, start: number, end: number): ExifLocationResult {
  const summary: ExifSummary = {};
  let hadLocation = false;
  try {
    const view = new TiffView(buf, start, end);
    const visited = new Set<number>();
    let ifdOffset = view.u32(start + 4);
    let ifdIndex = 0;
    while (ifdOffset !== 0 && ifdIndex < 8) {
      const ifdAt = view.abs(ifdOffset);
      if (visited.has(ifdAt)) break;
      visited.add(ifdAt);
      const entries = view.entries(ifdAt);
      if (ifdIndex === 0) readSummary(view, entries, summary);
      const exifPointer = entries.find((entry) => entry.tag === TAG.exifIfd);
      if (exifPointer) {
        const exifAt = view.abs(view.u32(exifPointer.valueAt));
        if (!visited.has(exifAt)) {
          visited.add(exifAt);
          const exifEntries = view.entries(exifAt);
          if (ifdIndex === 0) readSummary(view, exifEntries, summary);
          hadLocation = removeGpsFrom(view, exifAt, exifEntries) || hadLocation;
        }
      }
      hadLocation = removeGpsFrom(view, ifdAt, entries) || hadLocation;
      ifdOffset = view.nextIfd(ifdAt);
      ifdIndex += 1;
    }
  } catch (error) {
    if (!(error instanceof Unreadable)) throw error;
    buf.fill(0, start, end);
    return { hadLocation: false, summary: {}, unreadable: true };
  }
  for (const key of Object.keys(summary) as Array<keyof ExifSummary>) if (summary[key] === undefined) delete summary[key];
  return { hadLocation, summary, unreadable: false };
}
