// Blanks IPTC location datasets (city, sublocation, province/state, country code and name,
// content location) inside a JPEG APP13 "Photoshop 3.0" block, in place. Pure.

const LOCATION_DATASETS = new Set([26, 27, 90, 92, 95, 100, 101]);

export function blankIptcLocation(buf: Uint8Array, start: number, end: number): boolean {
  const signature = "Photoshop 3.0\0";
  for (let i = 0; i < signature.length; i++) if (buf[start + i] !== signature.charCodeAt(i)) return false;
  let at = start + signature.length;
  let changed = false;
  const u16 = (p: number) => (buf[p]! << 8) | buf[p + 1]!;
  const u32 = (p: number) => ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;
  while (at + 12 <= end && String.fromCharCode(buf[at]!, buf[at + 1]!, buf[at + 2]!, buf[at + 3]!) === "8BIM") {
    const id = u16(at + 4);
    const nameLength = buf[at + 6]!;
    let p = at + 6 + 1 + nameLength;
    if ((1 + nameLength) % 2 === 1) p += 1;
    if (p + 4 > end) break;
    const size = u32(p);
    const dataAt = p + 4;
    const dataEnd = Math.min(dataAt + size, end);
    if (id === 0x0404) {
      let q = dataAt;
      while (q + 5 <= dataEnd && buf[q] === 0x1c) {
        const record = buf[q + 1]!;
        const dataset = buf[q + 2]!;
        const length = u16(q + 3);
        if (length & 0x8000) break; // extended datasets are not used for these fields
        const valueAt = q + 5;
        if (record === 2 && LOCATION_DATASETS.has(dataset) && valueAt + length <= dataEnd) {
          buf.fill(0x20, valueAt, valueAt + length);
          changed = true;
        }
        q = valueAt + length;
      }
    }
    at = dataAt + size + (size % 2);
  }
  return changed;
}
