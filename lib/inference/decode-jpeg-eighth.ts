// Decode-time downscaling for big JPEGs: decodes a baseline (sequential Huffman, 8-bit) JPEG at
// 1/8 scale by keeping only each 8×8 block's DC coefficient (the block's mean), as libjpeg does
// for scale 1/8, so a 12 MP photo becomes a 504×378 image without any inverse DCT, colour
// upsampling or full-size buffer. Integer arithmetic only, identical in every JavaScript engine.
// Returns null for what it does not handle (progressive, arithmetic coding, 12-bit, CMYK,
// non-interleaved scans); the caller then decodes at full size. Pure.

export type EighthScaleImage = { data: Uint8ClampedArray; width: number; height: number };

type Component = { id: number; h: number; v: number; tq: number; dcTable: number; acTable: number; blocksPerLine: number; blocksPerColumn: number; dc: Int16Array };
type Huffman = {
  lookup: Int32Array;
  maxCode: Int32Array;
  valOffset: Int32Array;
  values: Uint8Array;
  /** For AC tables: (code length + value bits) << 8 | run-size symbol, when both fit in 9 bits; else -1. */
  skip: Int32Array;
};

const LOOKUP_BITS = 9;

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  // Canonical codes; lookup[code << (9 - length) ...] = (length << 8) | value for codes up to 9 bits.
  const lookup = new Int32Array(1 << LOOKUP_BITS).fill(-1);
  const maxCode = new Int32Array(18).fill(-1);
  const valOffset = new Int32Array(18);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1]!;
    valOffset[length] = k - code;
    for (let i = 0; i < n; i++) {
      if (length <= LOOKUP_BITS) {
        const shift = LOOKUP_BITS - length;
        for (let fill = 0; fill < 1 << shift; fill++) lookup[(code << shift) | fill] = (length << 8) | values[k]!;
      }
      code++;
      k++;
    }
    maxCode[length] = n ? code - 1 : -1;
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff;
  // AC coefficients are skipped, not used: one table step consumes a short code and its value bits.
  const skip = new Int32Array(1 << LOOKUP_BITS).fill(-1);
  for (let i = 0; i < skip.length; i++) {
    const entry = lookup[i]!;
    if (entry < 0) continue;
    const total = (entry >> 8) + ((entry & 0xff) & 15);
    if (total <= LOOKUP_BITS) skip[i] = (total << 8) | (entry & 0xff);
  }
  return { lookup, maxCode, valOffset, values, skip };
}

class BitReader {
  private bits = 0;
  private count = 0;
  private hitMarker = false;
  constructor(
    private readonly data: Uint8Array,
    public offset: number,
  ) {}

  private fill(): void {
    while (this.count <= 24) {
      let byte = 0;
      if (!this.hitMarker && this.offset < this.data.length) {
        byte = this.data[this.offset]!;
        if (byte === 0xff) {
          const next = this.data[this.offset + 1];
          if (next === 0x00) this.offset += 2;
          else {
            this.hitMarker = true; // a marker: feed zeros until the caller handles it
            byte = 0;
          }
        } else this.offset += 1;
      }
      this.bits = (this.bits << 8) | byte;
      this.count += 8;
    }
  }

  peek(n: number): number {
    if (this.count < n) this.fill();
    return (this.bits >>> (this.count - n)) & ((1 << n) - 1);
  }

  skip(n: number): void {
    this.count -= n;
  }

  read(n: number): number {
    if (n === 0) return 0;
    const value = this.peek(n);
    this.count -= n;
    return value;
  }

  decode(table: Huffman): number {
    const entry = table.lookup[this.peek(LOOKUP_BITS)]!;
    if (entry >= 0) {
      this.count -= entry >> 8;
      return entry & 0xff;
    }
    let length = LOOKUP_BITS + 1;
    let code = this.peek(length);
    while (code > table.maxCode[length]!) {
      length++;
      if (length > 16) throw new Error("corrupt Huffman code");
      code = this.peek(length);
    }
    this.count -= length;
    return table.values[code + table.valOffset[length]!]!;
  }

  /** At a restart marker: drop buffered bits, step over RSTn. */
  restart(): void {
    this.bits = 0;
    this.count = 0;
    this.hitMarker = false;
    while (this.offset + 1 < this.data.length && !(this.data[this.offset] === 0xff && this.data[this.offset + 1]! >= 0xd0 && this.data[this.offset + 1]! <= 0xd7)) this.offset++;
    this.offset += 2;
  }
}

/** Sample positions and weights along one axis for a subsampling ratio (1, 2 or other → nearest). */
function axisTaps(ratio: number, out: number, size: number): { near: Int32Array; far: Int32Array; wNear: number; wFar: number } {
  const near = new Int32Array(out);
  const far = new Int32Array(out);
  for (let x = 0; x < out; x++) {
    const k = Math.min(size - 1, Math.floor(x / ratio));
    near[x] = k;
    far[x] = ratio === 2 ? Math.max(0, Math.min(size - 1, x % 2 === 0 ? k - 1 : k + 1)) : k;
  }
  return ratio === 2 ? { near, far, wNear: 3, wFar: 1 } : { near, far, wNear: 1, wFar: 0 };
}

function upsamplePlane(c: Component, ratioX: number, ratioY: number, outW: number, outH: number): Uint8Array {
  const plane = new Uint8Array(outW * outH);
  const tx = axisTaps(ratioX, outW, c.blocksPerLine);
  const ty = axisTaps(ratioY, outH, c.blocksPerColumn);
  const denominator = (tx.wNear + tx.wFar) * (ty.wNear + ty.wFar);
  const half = denominator >> 1;
  for (let y = 0; y < outH; y++) {
    const rowNear = ty.near[y]! * c.blocksPerLine;
    const rowFar = ty.far[y]! * c.blocksPerLine;
    for (let x = 0; x < outW; x++) {
      const xn = tx.near[x]!;
      const xf = tx.far[x]!;
      const sum =
        ty.wNear * (tx.wNear * c.dc[rowNear + xn]! + tx.wFar * c.dc[rowNear + xf]!) + ty.wFar * (tx.wNear * c.dc[rowFar + xn]! + tx.wFar * c.dc[rowFar + xf]!);
      plane[y * outW + x] = Math.floor((sum + half) / denominator);
    }
  }
  return plane;
}

const extend = (value: number, bits: number) => (bits === 0 ? 0 : value < 1 << (bits - 1) ? value - (1 << bits) + 1 : value);

export function decodeJpegAtEighthScale(bytes: Uint8Array): EighthScaleImage | null {
  const quant: Int32Array[] = [];
  const dcTables: Huffman[] = [];
  const acTables: Huffman[] = [];
  let components: Component[] = [];
  let width = 0;
  let height = 0;
  let restartInterval = 0;
  let adobeTransform = -1;
  let offset = 2;
  const u16 = (o: number) => (bytes[o]! << 8) | bytes[o + 1]!;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++;
      continue;
    }
    const length = u16(offset + 2);
    const start = offset + 4;
    const end = offset + 2 + length;
    if (end > bytes.length) return null;
    if (marker === 0xdb) {
      for (let p = start; p < end; ) {
        const precision = bytes[p]! >> 4;
        const id = bytes[p]! & 15;
        const table = new Int32Array(64);
        for (let i = 0; i < 64; i++) table[i] = precision ? u16(p + 1 + i * 2) : bytes[p + 1 + i]!;
        quant[id] = table;
        p += 1 + (precision ? 128 : 64);
      }
    } else if (marker === 0xc4) {
      for (let p = start; p < end; ) {
        const tableClass = bytes[p]! >> 4;
        const id = bytes[p]! & 15;
        const counts = bytes.subarray(p + 1, p + 17);
        const total = counts.reduce((a, b) => a + b, 0);
        const table = buildHuffman(counts, bytes.subarray(p + 17, p + 17 + total));
        (tableClass === 0 ? dcTables : acTables)[id] = table;
        p += 17 + total;
      }
    } else if (marker === 0xc0 || marker === 0xc1) {
      if (bytes[start] !== 8) return null; // 12-bit
      height = u16(start + 1);
      width = u16(start + 3);
      const count = bytes[start + 5]!;
      if (count !== 1 && count !== 3) return null;
      components = [];
      for (let i = 0; i < count; i++) {
        const p = start + 6 + i * 3;
        components.push({ id: bytes[p]!, h: bytes[p + 1]! >> 4, v: bytes[p + 1]! & 15, tq: bytes[p + 2]!, dcTable: 0, acTable: 0, blocksPerLine: 0, blocksPerColumn: 0, dc: new Int16Array(0) });
      }
    } else if ((marker >= 0xc2 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) || marker === 0xc9) {
      return null; // progressive, lossless, arithmetic coding
    } else if (marker === 0xdd) {
      restartInterval = u16(start);
    } else if (marker === 0xee && length >= 12 && String.fromCharCode(...bytes.subarray(start, start + 5)) === "Adobe") {
      adobeTransform = bytes[start + 11]!;
    } else if (marker === 0xda) {
      if (!components.length || !width || !height) return null;
      const inScan = bytes[start]!;
      if (inScan !== components.length) return null; // non-interleaved scans: not handled
      for (let i = 0; i < inScan; i++) {
        const component = components.find((c) => c.id === bytes[start + 1 + i * 2]);
        if (!component) return null;
        component.dcTable = bytes[start + 2 + i * 2]! >> 4;
        component.acTable = bytes[start + 2 + i * 2]! & 15;
      }
      return decodeScan(bytes, end, { width, height, components, quant, dcTables, acTables, restartInterval, isRgb: adobeTransform === 0 && components.length === 3 });
    }
    offset = end;
  }
  return null;
}

function decodeScan(
  bytes: Uint8Array,
  scanStart: number,
  frame: { width: number; height: number; components: Component[]; quant: Int32Array[]; dcTables: Huffman[]; acTables: Huffman[]; restartInterval: number; isRgb: boolean },
): EighthScaleImage | null {
  const { width, height, components } = frame;
  const hMax = Math.max(...components.map((c) => c.h));
  const vMax = Math.max(...components.map((c) => c.v));
  if (components.some((c) => c.h < 1 || c.v < 1 || hMax % c.h !== 0 || vMax % c.v !== 0)) return null;
  const mcusPerLine = Math.ceil(width / (8 * hMax));
  const mcusPerColumn = Math.ceil(height / (8 * vMax));
  for (const c of components) {
    if (!frame.quant[c.tq] || !frame.dcTables[c.dcTable] || !frame.acTables[c.acTable]) return null;
    c.blocksPerLine = mcusPerLine * c.h;
    c.blocksPerColumn = mcusPerColumn * c.v;
    c.dc = new Int16Array(c.blocksPerLine * c.blocksPerColumn);
  }
  const reader = new BitReader(bytes, scanStart);
  const predictors = new Int32Array(components.length);
  const totalMcus = mcusPerLine * mcusPerColumn;
  try {
    for (let mcu = 0; mcu < totalMcus; mcu++) {
      if (frame.restartInterval && mcu > 0 && mcu % frame.restartInterval === 0) {
        reader.restart();
        predictors.fill(0);
      }
      const mcuX = mcu % mcusPerLine;
      const mcuY = (mcu / mcusPerLine) | 0;
      for (let ci = 0; ci < components.length; ci++) {
        const c = components[ci]!;
        const dcTable = frame.dcTables[c.dcTable]!;
        const acTable = frame.acTables[c.acTable]!;
        const q0 = frame.quant[c.tq]![0]!;
        for (let by = 0; by < c.v; by++) {
          for (let bx = 0; bx < c.h; bx++) {
            const size = reader.decode(dcTable);
            predictors[ci] = predictors[ci]! + extend(reader.read(size), size);
            const acSkip = acTable.skip;
            for (let k = 1; k < 64; ) {
              const fast = acSkip[reader.peek(LOOKUP_BITS)]!;
              if (fast >= 0) {
                reader.skip(fast >> 8);
                const run = (fast >> 4) & 15;
                if ((fast & 15) === 0) {
                  if (run !== 15) break;
                  k += 16;
                } else k += run + 1;
                continue;
              }
              const rs = reader.decode(acTable);
              const s = rs & 15;
              const r = rs >> 4;
              if (s === 0) {
                if (r !== 15) break;
                k += 16;
                continue;
              }
              k += r + 1;
              reader.read(s);
            }
            // The IDCT's DC term: mean = DC·q / 8, plus the 128 level shift (libjpeg's rounding).
            const value = ((predictors[ci]! * q0 + 4) >> 3) + 128;
            c.dc[(mcuY * c.v + by) * c.blocksPerLine + mcuX * c.h + bx] = value < 0 ? 0 : value > 255 ? 255 : value;
          }
        }
      }
    }
  } catch {
    return null;
  }
  const outW = Math.ceil(width / 8);
  const outH = Math.ceil(height / 8);
  // Each component's plane at output (luma block) resolution. Subsampled chroma is interpolated
  // with libjpeg's "fancy" triangle weights (3/4 nearer, 1/4 farther sample) when the ratio is 2.
  const planes = components.map((c) => upsamplePlane(c, hMax / c.h, vMax / c.v, outW, outH));
  const data = new Uint8ClampedArray(outW * outH * 4);
  const [p0, p1, p2] = planes;
  for (let i = 0; i < outW * outH; i++) {
    const o = i * 4;
    if (!p1 || !p2) {
      data[o] = data[o + 1] = data[o + 2] = p0![i]!;
    } else if (frame.isRgb) {
      data[o] = p0![i]!;
      data[o + 1] = p1[i]!;
      data[o + 2] = p2[i]!;
    } else {
      // JFIF YCbCr → RGB in 16-bit fixed point (as libjpeg's jdcolor.c).
      const Y = p0![i]!;
      const cb = p1[i]! - 128;
      const cr = p2[i]! - 128;
      data[o] = Y + ((91881 * cr + 32768) >> 16);
      data[o + 1] = Y + ((-22554 * cb - 46802 * cr + 32768) >> 16);
      data[o + 2] = Y + ((116130 * cb + 32768) >> 16);
    }
    data[o + 3] = 255;
  }
  return { data, width: outW, height: outH };
}
