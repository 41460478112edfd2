// Counts the files of an export archive as its bytes stream past (the CLI's and the export page's
// progress): each local header the export writer emits (signature, UTF-8 flag, STORE). Only for
// display; the exact count comes from the central directory at the end. Pure (browser and Node).

const SIGNATURE = [0x50, 0x4b, 0x03, 0x04];
const HEADER = 30;

export type ZipEntryCounter = { readonly count: number; push(chunk: Uint8Array): void };

export function createZipEntryCounter(): ZipEntryCounter {
  let tail = new Uint8Array(0);
  let count = 0;
  return {
    get count() {
      return count;
    },
    push(chunk) {
      const data = new Uint8Array(tail.length + chunk.length);
      data.set(tail);
      data.set(chunk, tail.length);
      const last = data.length - HEADER;
      for (let at = data.indexOf(SIGNATURE[0]!); at >= 0 && at <= last; at = data.indexOf(SIGNATURE[0]!, at + 1)) {
        if (data[at + 1] !== SIGNATURE[1] || data[at + 2] !== SIGNATURE[2] || data[at + 3] !== SIGNATURE[3]) continue;
        const flags = data[at + 6]! | (data[at + 7]! << 8);
        const method = data[at + 8]! | (data[at + 9]! << 8);
        // A photo's bytes practically never hold this exact pattern.
        if (method === 0 && (flags & 0x0800) !== 0) count++;
      }
      // Positions too close to the end to hold a whole header are checked with the next chunk.
      tail = data.slice(Math.max(0, last + 1));
    },
  };
}
