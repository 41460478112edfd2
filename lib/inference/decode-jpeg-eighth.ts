// Decode-time downscaling for big JPEGs: decodes a baseline (sequential Huffman, 8-bit) JPEG at
// 1/8 scale by keeping only each 8×8 block's DC coefficient (the block's mean), as libjpeg does
// for scale 1/8, so a 12 MP photo becomes a 504×378 image without any inverse DCT, colour
// upsampling or full-size buffer. Integer arithmetic only, identical in every JavaScript engine.
// Returns null for what it does not handle (progressive, arithmetic coding, 12-bit, CMYK,
// non-interleaved scans) and for corrupt data (a bit pattern that is no Huffman code, an
// over-subscribed Huffman table, a DC difference of more than 16 bits); the caller then decodes at
// full size. Pure.
//
// Speed: a 12 MP photo holds ~3 million Huffman symbols, and every AC one must be walked (skipped)
// to reach the next DC coefficient. So:
// - each restart segment is unstuffed (0xFF00 → 0xFF) into a clean, zero-padded buffer before it is
//   decoded, so the hot loop never looks for markers or the end of the data;
// - bits come from a 32-bit window refilled after every step with no branch (see decodeMcuRow);
// - one lookup of the next 12 bits skips as many whole AC symbols (code and value bits) as lie in
//   them, and one lookup decodes a DC difference together with the block's first AC symbols;
// - the hot loop reads one Int32Array and one DataView and calls nothing, so V8 keeps its state in
//   registers; it decodes one MCU row per call, so V8 optimises it as a whole within a photo or
//   two; every other loop sits alone in a small function (no untried code after a loop, which
//   would make V8 throw the loop's optimised code away);
// - the scan copy and the DC planes live in scratch memory reused from photo to photo, and the
//   usual YCbCr layout (full-size luma, chroma sampled alike) is upsampled and converted in one
//   pass that stores each RGBA pixel as one 32-bit word.
// Measured (Node 20, 4032×3024 q92 4:2:0 photo): 42 → 16 ms; in Chromium the last two steps took
// a further ~2.5 ms off (17 → 14.6 ms, best of 30).

export type EighthScaleImage = { data: Uint8ClampedArray; width: number; height: number };

type Component = { id: number; h: number; v: number; tq: number; dcTable: number; acTable: number; blocksPerLine: number; blocksPerColumn: number; dc: Int16Array };
/** A canonical Huffman table (JPEG F.2.2.3): maxCode[L] is the largest code of length L (-1: none). */
type Huffman = { counts: Uint8Array; values: Uint8Array; maxCode: Int32Array; valOffset: Int32Array; isOversubscribed: boolean };

/** Bits looked up at once in the fast tables (4096 entries, 16 KiB each); at most 15 (4-bit fields), and the hot loop's `bits >>> 20` is 32 minus it. */
const FAST_BITS = 12;
const FAST_SIZE = 1 << FAST_BITS;
/** No block consumes more: DC code and value (16 + 16 bits) and 63 AC symbols of at most 16 + 15 bits. */
const MAX_BLOCK_BITS = 2048;
/** Zero bytes after each unstuffed segment: a block that starts inside it never reads past them. */
const SEGMENT_PADDING = (MAX_BLOCK_BITS >> 3) + 16;
/** Larger DC differences cannot occur (11 bits for 8-bit samples); such data is refused as corrupt. */
const MAX_DC_SIZE = 16;
/** Positions an end-of-block symbol advances: enough to close the block from anywhere. */
const END_OF_BLOCK = 64;
/** Ints per block in the MCU schedule (see buildScanTables). */
const BLOCK_FIELDS = 9;
/** Slow-path data per Huffman table in the scan tables: maxCode[0..17], valOffset[0..17], then the symbols. */
const SLOW_VALUES = 36;

function buildHuffman(counts: Uint8Array, values: Uint8Array): Huffman {
  const maxCode = new Int32Array(18).fill(-1);
  const valOffset = new Int32Array(18);
  let code = 0;
  let k = 0;
  let isOversubscribed = false;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1] ?? 0;
    valOffset[length] = k - code;
    code += n;
    k += n;
    if (code > 1 << length) isOversubscribed = true; // more codes than bit patterns: libjpeg refuses it too
    maxCode[length] = n ? code - 1 : -1;
    code <<= 1;
  }
  return { counts, values, maxCode, valOffset, isOversubscribed };
}

const extend = (value: number, bits: number) => (bits === 0 ? 0 : value < 1 << (bits - 1) ? value - (1 << bits) + 1 : value);

/**
 * Fast-table entry for a code of at most FAST_BITS whose value bits do not fit in the window: its
 * low 4 bits are 0, as no fast entry's are, so the hot loop takes its slow path, which then needs
 * no code search. An entry of 0 is a code longer than FAST_BITS (or no code).
 */
const knownCode = (length: number, symbol: number) => (length << 4) | (symbol << 9);

/**
 * Each AC symbol whose code and value bits fit in FAST_BITS, at every window that starts with it:
 * bits consumed | positions advanced << 5 (END_OF_BLOCK for EOB); 0 elsewhere. `long`: the
 * knownCode entries of the codes whose value bits do not fit.
 */
function singleAcSymbols(table: Huffman): { single: Int32Array; long: Int32Array } {
  const single = new Int32Array(FAST_SIZE);
  const long = new Int32Array(FAST_SIZE);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= FAST_BITS; length++, code <<= 1) {
    for (let i = 0; i < table.counts[length - 1]!; i++, code++, k++) {
      const symbol = table.values[k]!;
      const size = symbol & 15;
      const run = symbol >> 4;
      const start = code << (FAST_BITS - length);
      const end = start + (1 << (FAST_BITS - length));
      if (length + size > FAST_BITS) long.fill(knownCode(length, symbol), start, end);
      else single.fill((length + size) | ((size === 0 ? (run === 15 ? 16 : END_OF_BLOCK) : run + 1) << 5), start, end);
    }
  }
  return { single, long };
}

/**
 * The AC symbols that lie whole in the FAST_BITS-bit window `bits` from bit `from` on, taken
 * greedily up to an EOB, one that does not fit, or 63 positions: bits consumed (from bit 0) |
 * positions advanced << 5 | positions advanced before the last symbol << 12.
 */
function walkAcSymbols(single: Int32Array, bits: number, from: number): number {
  let consumed = from;
  let advance = 0;
  let before = 0;
  while (advance < 63) {
    const next = single[(bits << consumed) & (FAST_SIZE - 1)]!;
    if (next === 0 || (next & 31) > FAST_BITS - consumed) break;
    before = advance;
    consumed += next & 31;
    advance += next >> 5;
    if (next >> 5 === END_OF_BLOCK) break;
  }
  return consumed | (advance << 5) | (before << 12);
}

/**
 * AC fast table, by the next FAST_BITS bits: the window's whole symbols' bits consumed (bits 0–3)
 * and positions advanced (4–10), the first symbol's bits consumed (11–14) and positions advanced
 * (15–21), and the positions advanced before the last symbol (22–28). The hot loop takes them all
 * when the block is still open before the last one, else only the first.
 */
function buildAcFastTable({ single, long }: { single: Int32Array; long: Int32Array }, out: Int32Array, base: number): void {
  for (let bits = 0; bits < FAST_SIZE; bits++) {
    const first = single[bits]!;
    const walk = walkAcSymbols(single, bits, 0);
    out[base + bits] = first === 0 ? long[bits]! : (walk & 31) | (((walk >> 5) & 127) << 4) | ((first & 31) << 11) | ((first >> 5) << 15) | ((walk >> 12) << 22);
  }
}

/**
 * DC fast table for a DC table and the AC table of the same component, by the next FAST_BITS
 * bits: the DC code and value bits and then the block's first whole AC symbols, as bits consumed
 * (bits 0–3) | positions advanced (4–10) | DC difference << 11.
 */
function buildDcFastTable(dc: Huffman, acSingle: Int32Array, out: Int32Array, base: number): void {
  let code = 0;
  let k = 0;
  for (let length = 1; length <= FAST_BITS; length++, code <<= 1) {
    for (let i = 0; i < dc.counts[length - 1]!; i++, code++, k++) {
      const size = dc.values[k]!;
      const start = code << (FAST_BITS - length);
      if (size > MAX_DC_SIZE || length + size > FAST_BITS) {
        out.fill(knownCode(length, size), base + start, base + start + (1 << (FAST_BITS - length)));
        continue;
      }
      for (let bits = start; bits < start + (1 << (FAST_BITS - length)); bits++) {
        const diff = extend((bits >> (FAST_BITS - length - size)) & ((1 << size) - 1), size);
        const walk = walkAcSymbols(acSingle, bits, length + size);
        out[base + bits] = (walk & 31) | (((walk >> 5) & 127) << 4) | (diff << 11);
      }
    }
  }
}

/**
 * Everything the hot loop reads, in one Int32Array: the MCU's blocks in coding order,
 * BLOCK_FIELDS each (index of the component's DC predictor, DC fast and slow table offsets, AC
 * fast and slow table offsets, DC quantiser, and where the block's value goes in the DC planes:
 * offset + mcuY·rowStep + mcuX·columnStep); the predictors; the tables.
 */
function buildScanTables(components: Component[], dcTables: Huffman[], acTables: Huffman[], quant: Int32Array[]): { tables: Int32Array; blocks: number } {
  const blocks = components.reduce((n, c) => n + c.h * c.v, 0);
  const predictorsAt = blocks * BLOCK_FIELDS;
  let size = predictorsAt + components.length;
  const reserve = (length: number) => (size += length) - length;
  // Slow-path data per Huffman table, a fast table per AC table and per (DC table, AC table) pair.
  const slow = new Map<Huffman, number>();
  const acFast = new Map<Huffman, number>();
  const dcFast = new Map<string, number>();
  for (const c of components) {
    for (const table of [dcTables[c.dcTable]!, acTables[c.acTable]!]) if (!slow.has(table)) slow.set(table, reserve(SLOW_VALUES + table.values.length));
    if (!acFast.has(acTables[c.acTable]!)) acFast.set(acTables[c.acTable]!, reserve(FAST_SIZE));
    if (!dcFast.has(`${c.dcTable} ${c.acTable}`)) dcFast.set(`${c.dcTable} ${c.acTable}`, reserve(FAST_SIZE));
  }
  const tables = new Int32Array(size);
  for (const [table, at] of slow) {
    tables.set(table.maxCode, at);
    tables.set(table.valOffset, at + 18);
    tables.set(table.values, at + SLOW_VALUES);
  }
  const acSymbols = new Map([...acFast.keys()].map((table) => [table, singleAcSymbols(table)]));
  for (const [table, at] of acFast) buildAcFastTable(acSymbols.get(table)!, tables, at);
  for (const [pair, at] of dcFast) {
    const [dc, ac] = pair.split(" ").map(Number) as [number, number];
    buildDcFastTable(dcTables[dc]!, acSymbols.get(acTables[ac]!)!.single, tables, at);
  }
  let block = 0;
  let planeStart = 0;
  components.forEach((c, ci) => {
    const dc = dcTables[c.dcTable]!;
    const ac = acTables[c.acTable]!;
    for (let by = 0; by < c.v; by++)
      for (let bx = 0; bx < c.h; bx++) {
        const fields = [predictorsAt + ci, dcFast.get(`${c.dcTable} ${c.acTable}`)!, slow.get(dc)!, acFast.get(ac)!, slow.get(ac)!, quant[c.tq]![0]!, planeStart + by * c.blocksPerLine + bx, c.v * c.blocksPerLine, c.h];
        tables.set(fields, block++ * BLOCK_FIELDS);
      }
    planeStart += c.dc.length;
  });
  return { tables, blocks };
}

/**
 * A scan's entropy-coded data: the file's bytes from the scan on, copied into `buffer` after
 * SEGMENT_PADDING bytes; each restart segment in turn is unstuffed in place to the buffer's start
 * (copyWithin: no allocation per chunk). A segment's unstuffed bytes and padding never reach the
 * next segment's raw bytes: they are at most as long as its own raw bytes, and those start at least
 * SEGMENT_PADDING in. `next`: where the next segment's raw bytes start.
 */
type EntropyData = { buffer: Uint8Array; view: DataView; next: number };

// Scratch memory reused from one photo to the next (decoding is synchronous and nothing returned
// points into it): a 12 MP photo's scan (~2 MB), its DC planes and weighted chroma rows (~1 MB).
// Fresh buffers for every photo cost ~1.5 ms in Chromium (new zeroed pages) and fed the garbage
// collector, whose background threads then compete with inference for a phone's cores.
let entropyScratch = new Uint8Array(0);
let planeScratch = new Int16Array(0);

/** `length` zeroed Int16 values of scratch memory (valid until the next decode). */
function planeMemory(length: number): Int16Array {
  if (planeScratch.length < length) planeScratch = new Int16Array(length);
  return planeScratch.subarray(0, length).fill(0);
}

function copyEntropyData(bytes: Uint8Array, scanStart: number): EntropyData {
  const length = SEGMENT_PADDING + Math.max(0, bytes.length - scanStart);
  if (entropyScratch.length < length) entropyScratch = new Uint8Array(length);
  const buffer = entropyScratch.subarray(0, length);
  buffer.fill(0, 0, SEGMENT_PADDING);
  buffer.set(bytes.subarray(scanStart), SEGMENT_PADDING);
  // Bounded to this scan's length, as a buffer of its own would be.
  return { buffer, view: new DataView(buffer.buffer, 0, length), next: SEGMENT_PADDING };
}

/**
 * Unstuffs the next restart segment to the start of the buffer, followed by SEGMENT_PADDING
 * zeros, and returns its length. As the reference decoder did: a segment ends at the first marker
 * (past it, the decoder reads zero bits), and the next one starts after the first RSTn marker found
 * from there (none: the rest of the scan is empty).
 */
function unstuffNextSegment(data: EntropyData): number {
  const { buffer } = data;
  const end = buffer.length;
  let read = data.next;
  let write = 0;
  let marker = end;
  while (read < end) {
    const ff = buffer.indexOf(0xff, read);
    const stop = ff < 0 ? end : ff;
    buffer.copyWithin(write, read, stop);
    write += stop - read;
    if (ff < 0) break;
    if (ff + 1 === end || buffer[ff + 1] !== 0x00) {
      marker = ff;
      break;
    }
    buffer[write++] = 0xff;
    read = ff + 2;
  }
  buffer.fill(0, write, write + SEGMENT_PADDING);
  data.next = end;
  for (let p = marker; p >= 0 && p + 1 < end; p = buffer.indexOf(0xff, p + 1)) {
    if (buffer[p + 1]! >= 0xd0 && buffer[p + 1]! <= 0xd7) {
      data.next = p + 2;
      break;
    }
  }
  return write;
}

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
  let planeSize = 0;
  for (const c of components) {
    const dc = frame.dcTables[c.dcTable];
    const ac = frame.acTables[c.acTable];
    if (!frame.quant[c.tq] || !dc || !ac || dc.isOversubscribed || ac.isOversubscribed) return null;
    c.blocksPerLine = mcusPerLine * c.h;
    c.blocksPerColumn = mcusPerColumn * c.v;
    planeSize += c.blocksPerLine * c.blocksPerColumn;
  }
  const outW = Math.ceil(width / 8);
  const outH = Math.ceil(height / 8);
  // One piece of scratch memory: the DC planes, then the weighted rows of horizontally subsampled
  // components (makeUpsampler).
  const rowsSize = components.reduce((n, c) => n + (c.h === hMax ? 0 : c.blocksPerColumn * outW), 0);
  const memory = planeMemory(planeSize + rowsSize);
  const dcPlanes = memory.subarray(0, planeSize);
  planeSize = 0;
  for (const c of components) {
    c.dc = dcPlanes.subarray(planeSize, planeSize + c.blocksPerLine * c.blocksPerColumn);
    planeSize += c.dc.length;
  }
  const tables = buildScanTables(components, frame.dcTables, frame.acTables, frame.quant);
  const data = copyEntropyData(bytes, scanStart);
  if (!decodeDcCoefficients(data, tables, components.length, frame.restartInterval, mcusPerColumn, mcusPerLine, dcPlanes)) return null;
  let rowsAt = dcPlanes.length;
  const upsamplers = components.map((c) => {
    const rows = c.h === hMax ? undefined : memory.subarray(rowsAt, (rowsAt += c.blocksPerColumn * outW));
    return makeUpsampler(c, hMax / c.h, vMax / c.v, outW, outH, rows);
  });
  return { data: toRgba(upsamplers, frame.isRgb, outW, outH), width: outW, height: outH };
}

/**
 * Walks every Huffman symbol of the scan and stores each block's DC value (mean sample, clamped)
 * in dcPlanes, one row of MCUs at a time (decodeMcuRow). False for corrupt data.
 */
function decodeDcCoefficients(
  data: EntropyData,
  tables: { tables: Int32Array; blocks: number },
  componentCount: number,
  restartInterval: number,
  mcusPerColumn: number,
  mcusPerLine: number,
  dcPlanes: Int16Array,
): boolean {
  const reader = new Float64Array(READER_FIELDS);
  reader[READER_END] = unstuffNextSegment(data) * 8;
  reader[READER_BITS] = data.view.getInt32(0);
  reader[READER_VALID] = 32;
  reader[READER_NEXT] = 4;
  reader[READER_UNTIL_RESTART] = restartInterval;
  for (let mcuY = 0; mcuY < mcusPerColumn; mcuY++) {
    if (!decodeMcuRow(data, tables.tables, tables.blocks, componentCount, restartInterval, mcuY, mcusPerLine, dcPlanes, reader)) return false;
  }
  return true;
}

// The reader's state between rows: the bit window, its valid bits, the next byte, the segment's
// end (in bits) and the MCUs left before the next restart marker.
const READER_BITS = 0;
const READER_VALID = 1;
const READER_NEXT = 2;
const READER_END = 3;
const READER_UNTIL_RESTART = 4;
const READER_FIELDS = 5;

/**
 * The hot loop, one row of MCUs per call. Called once per row rather than looping over the whole
 * scan: V8 then optimises it as a whole, once, within a photo or two, where a long loop in a
 * function called once per photo went through on-stack replacement again and again (Maglev, then
 * Turbofan, each thrown away on the next call's entry) until about the seventh photo.
 *
 * Bit reader: `bits` holds the stream's next bits, MSB first; its first `valid` bits (at least 25)
 * end at byte `next` of the segment. After each step it ORs in the 32 bits at `next`, shifted to
 * follow the valid ones (bits it writes twice are the same bits), and moves `next` on by the whole
 * bytes that took: no branch decides when to load, and a step that consumes at most FAST_BITS
 * always finds them valid. The slow paths re-read from the bit position.
 */
function decodeMcuRow(
  data: EntropyData,
  t: Int32Array,
  blocks: number,
  componentCount: number,
  restartInterval: number,
  mcuY: number,
  mcusPerLine: number,
  dcPlanes: Int16Array,
  reader: Float64Array,
): boolean {
  const view = data.view;
  const scheduleEnd = blocks * BLOCK_FIELDS;
  const predictorsAt = scheduleEnd;
  let end = reader[READER_END]!;
  let bits = reader[READER_BITS]! | 0;
  let valid = reader[READER_VALID]! | 0;
  let next = reader[READER_NEXT]! | 0;
  let untilRestart = reader[READER_UNTIL_RESTART]! | 0;
  for (let mcuX = 0; mcuX < mcusPerLine; mcuX++) {
    if (restartInterval !== 0) {
      if (untilRestart === 0) {
        untilRestart = restartInterval;
        end = unstuffNextSegment(data) * 8;
        bits = view.getInt32(0);
        valid = 32;
        next = 4;
        t.fill(0, predictorsAt, predictorsAt + componentCount);
      }
      untilRestart--;
    }
    for (let s = 0; s < scheduleEnd; s += BLOCK_FIELDS) {
      if (next * 8 - valid > end) {
        // Past the segment's end (corrupt data): zero bits from here on, as in the padding.
        next = (end >>> 3) + 4;
        bits = view.getInt32(next - 4);
        valid = 32;
      }
      // DC, with the block's first AC symbols when they fit in the window.
      let entry = t[t[s + 1]! + (bits >>> 20)]!; // 20 = 32 - FAST_BITS
      let diff = 0;
      let k = 1;
      if ((entry & 15) !== 0) {
        diff = entry >> 11;
        k += (entry >> 4) & 127;
        const used = entry & 15;
        bits <<= used;
        valid -= used;
        bits |= view.getInt32(next) >>> valid;
        const whole = (32 - valid) >>> 3;
        next += whole;
        valid += whole << 3;
      } else {
        let length = (entry >> 4) & 31;
        let size = entry >> 9;
        if (entry === 0) {
          // A code longer than FAST_BITS: canonical search from there on.
          const slow = t[s + 2]!;
          length = FAST_BITS + 1;
          while (length <= 16 && bits >>> (32 - length) > t[slow + length]!) length++;
          if (length > 16) return false;
          size = t[slow + SLOW_VALUES + (bits >>> (32 - length)) + t[slow + 18 + length]!]!;
        }
        if (size > MAX_DC_SIZE) return false;
        let position = next * 8 - valid + length;
        if (size !== 0) {
          const value = (view.getInt32(position >>> 3) << (position & 7)) >>> (32 - size);
          diff = value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
        }
        position += size;
        next = (position >>> 3) + 4;
        bits = view.getInt32(next - 4) << (position & 7);
        valid = 32 - (position & 7);
      }
      const predictorAt = t[s]!;
      const predictor = (t[predictorAt]! + diff) | 0; // wraps like the reference decoder's Int32Array
      t[predictorAt] = predictor;
      // AC: skipped, whole symbols at a time; k counts coefficient positions.
      const acFast = t[s + 3]!;
      while (k < 64) {
        entry = t[acFast + (bits >>> 20)]!;
        if ((entry & 15) !== 0) {
          let used: number;
          if (k + (entry >> 22) < 64) {
            used = entry & 15;
            k += (entry >> 4) & 127;
          } else {
            used = (entry >> 11) & 15;
            k += (entry >> 15) & 127;
          }
          bits <<= used;
          valid -= used;
          bits |= view.getInt32(next) >>> valid;
          const whole = (32 - valid) >>> 3;
          next += whole;
          valid += whole << 3;
        } else {
          let length = (entry >> 4) & 31;
          let symbol = entry >> 9;
          if (entry === 0) {
            const slow = t[s + 4]!;
            length = FAST_BITS + 1;
            while (length <= 16 && bits >>> (32 - length) > t[slow + length]!) length++;
            if (length > 16) return false;
            symbol = t[slow + SLOW_VALUES + (bits >>> (32 - length)) + t[slow + 18 + length]!]!;
          }
          const size = symbol & 15;
          k += size !== 0 ? (symbol >> 4) + 1 : symbol >> 4 === 15 ? 16 : END_OF_BLOCK;
          const position = next * 8 - valid + length + size;
          next = (position >>> 3) + 4;
          bits = view.getInt32(next - 4) << (position & 7);
          valid = 32 - (position & 7);
        }
      }
      // The IDCT's DC term: mean = DC·q / 8, plus the 128 level shift (libjpeg's rounding).
      const value = ((predictor * t[s + 5]! + 4) >> 3) + 128;
      dcPlanes[t[s + 6]! + mcuY * t[s + 7]! + mcuX * t[s + 8]!] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
  }
  reader[READER_END] = end;
  reader[READER_BITS] = bits;
  reader[READER_VALID] = valid;
  reader[READER_NEXT] = next;
  reader[READER_UNTIL_RESTART] = untilRestart;
  return true;
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

/**
 * One component at output (luma block) resolution, a row at a time. Subsampled chroma is
 * interpolated with libjpeg's "fancy" triangle weights (3/4 nearer, 1/4 farther sample) when the
 * ratio is 2: value = (wNear·rows[near] + wFar·rows[far] + half) >> shift, where `rows` holds each
 * stored row already weighted horizontally (the 2-D sum, separated). The weights sum to 1 or 4 per
 * axis, so the denominator is 1, 4 or 16 and, the sum being non-negative, dividing is shifting.
 */
type Upsampler = { rows: Int16Array; stride: number; yNear: Int32Array; yFar: Int32Array; wNear: number; wFar: number; shift: number; ratioX: number; ratioY: number };

/** `weighedRows`: room for blocksPerColumn × outW values where ratioX is not 1, else undefined. */
function makeUpsampler(c: Component, ratioX: number, ratioY: number, outW: number, outH: number, weighedRows: Int16Array | undefined): Upsampler {
  const tx = axisTaps(ratioX, outW, c.blocksPerLine);
  const ty = axisTaps(ratioY, outH, c.blocksPerColumn);
  const shift = (tx.wNear + tx.wFar === 4 ? 2 : 0) + (ty.wNear + ty.wFar === 4 ? 2 : 0);
  const upsampler = { rows: c.dc, stride: c.blocksPerLine, yNear: ty.near, yFar: ty.far, wNear: ty.wNear, wFar: ty.wFar, shift, ratioX, ratioY };
  if (!weighedRows) return upsampler;
  upsampler.rows = weighedRows;
  upsampler.stride = outW;
  weighRowsHorizontally(c, tx, upsampler.rows, outW);
  return upsampler;
}

function weighRowsHorizontally(c: Component, { near, far, wNear, wFar }: { near: Int32Array; far: Int32Array; wNear: number; wFar: number }, rows: Int16Array, outW: number): void {
  const dc = c.dc;
  for (let r = 0, o = 0; r < c.blocksPerColumn; r++) {
    const row = r * c.blocksPerLine;
    for (let x = 0; x < outW; x++, o++) rows[o] = wNear * dc[row + near[x]!]! + wFar * dc[row + far[x]!]!;
  }
}

function upsampleRow(u: Upsampler, y: number, out: Int32Array): void {
  const { rows, wNear, wFar, shift } = u;
  const near = u.yNear[y]! * u.stride;
  const far = u.yFar[y]! * u.stride;
  const half = (1 << shift) >> 1;
  for (let x = 0; x < out.length; x++) out[x] = (wNear * rows[near + x]! + wFar * rows[far + x]! + half) >> shift;
}

const isLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Interleaves the components into RGBA, row by row: grey, RGB (Adobe transform 0) or JFIF YCbCr. */
function toRgba(upsamplers: Upsampler[], isRgb: boolean, outW: number, outH: number): Uint8ClampedArray {
  const data = new Uint8ClampedArray(outW * outH * 4);
  const [luma, blue, red] = upsamplers as [Upsampler, Upsampler | undefined, Upsampler | undefined];
  // What (nearly) every camera writes: full-resolution luma, both chroma components sampled alike.
  if (blue && red && !isRgb && isLittleEndian && luma.ratioX === 1 && luma.ratioY === 1 && blue.ratioX === red.ratioX && blue.ratioY === red.ratioY) {
    writeYCbCr(new Uint32Array(data.buffer), luma, blue, red, outW, outH);
    return data;
  }
  const rows = upsamplers.map(() => new Int32Array(outW));
  for (let y = 0; y < outH; y++) {
    upsamplers.forEach((u, i) => upsampleRow(u, y, rows[i]!));
    const [r0, r1, r2] = rows as [Int32Array, Int32Array | undefined, Int32Array | undefined];
    if (!r1 || !r2) writeGreyRow(data, y * outW * 4, r0);
    else if (isRgb) writeRgbRow(data, y * outW * 4, r0, r1, r2);
    else writeYCbCrRow(data, y * outW * 4, r0, r1, r2);
  }
  return data;
}

/**
 * The same arithmetic as upsampleRow + writeYCbCrRow, fused: each pixel is one 32-bit store, the
 * luma is read straight from its plane (its upsampling is the identity), and both chroma rows use
 * the same taps. Clamping is explicit, as Uint8ClampedArray's stores of integers clamp.
 */
function writeYCbCr(words: Uint32Array, luma: Upsampler, blue: Upsampler, red: Upsampler, outW: number, outH: number): void {
  const half = (1 << blue.shift) >> 1;
  for (let y = 0; y < outH; y++) {
    const near = blue.yNear[y]! * blue.stride;
    const far = blue.yFar[y]! * blue.stride;
    writeYCbCrPixels(words, y * outW, outW, luma.rows, y * luma.stride, blue.rows, red.rows, near, far, blue.wNear, blue.wFar, half, blue.shift);
  }
}

function writeYCbCrPixels(
  words: Uint32Array,
  o: number,
  count: number,
  luma: Int16Array,
  lumaAt: number,
  cbRows: Int16Array,
  crRows: Int16Array,
  near: number,
  far: number,
  wNear: number,
  wFar: number,
  half: number,
  shift: number,
): void {
  for (let x = 0; x < count; x++) {
    const Y = luma[lumaAt + x]!;
    const cb = ((wNear * cbRows[near + x]! + wFar * cbRows[far + x]! + half) >> shift) - 128;
    const cr = ((wNear * crRows[near + x]! + wFar * crRows[far + x]! + half) >> shift) - 128;
    let r = Y + ((91881 * cr + 32768) >> 16);
    let g = Y + ((-22554 * cb - 46802 * cr + 32768) >> 16);
    let b = Y + ((116130 * cb + 32768) >> 16);
    r = r < 0 ? 0 : r > 255 ? 255 : r;
    g = g < 0 ? 0 : g > 255 ? 255 : g;
    b = b < 0 ? 0 : b > 255 ? 255 : b;
    words[o + x] = r | (g << 8) | (b << 16) | 0xff000000; // R, G, B, A in memory order (little-endian)
  }
}

function writeGreyRow(data: Uint8ClampedArray, o: number, g: Int32Array): void {
  for (let x = 0; x < g.length; x++, o += 4) {
    data[o] = data[o + 1] = data[o + 2] = g[x]!;
    data[o + 3] = 255;
  }
}

function writeRgbRow(data: Uint8ClampedArray, o: number, r: Int32Array, g: Int32Array, b: Int32Array): void {
  for (let x = 0; x < r.length; x++, o += 4) {
    data[o] = r[x]!;
    data[o + 1] = g[x]!;
    data[o + 2] = b[x]!;
    data[o + 3] = 255;
  }
}

/** JFIF YCbCr → RGB in 16-bit fixed point (as libjpeg's jdcolor.c). */
function writeYCbCrRow(data: Uint8ClampedArray, o: number, luma: Int32Array, blue: Int32Array, red: Int32Array): void {
  for (let x = 0; x < luma.length; x++, o += 4) {
    const Y = luma[x]!;
    const cb = blue[x]! - 128;
    const cr = red[x]! - 128;
    data[o] = Y + ((91881 * cr + 32768) >> 16);
    data[o + 1] = Y + ((-22554 * cb - 46802 * cr + 32768) >> 16);
    data[o + 2] = Y + ((116130 * cb + 32768) >> 16);
    data[o + 3] = 255;
  }
}
