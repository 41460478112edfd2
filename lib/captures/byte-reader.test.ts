import { describe, expect, it } from "vitest";
import { ByteReader, driveByteParser, TruncatedInputError, type ByteStep } from "./byte-reader";

async function* chunked(bytes: Uint8Array, sizes: number[]) {
  let at = 0;
  for (let i = 0; at < bytes.length; i++) {
    const size = sizes[i % sizes.length]!;
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

async function collect(source: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const pieces: Buffer[] = [];
  for await (const piece of source) pieces.push(piece);
  return pieces;
}

/** A little length-prefixed format: [n][n bytes] records, the copy of each record's body reversed. */
function* reverseRecords(reader: ByteReader, seen: number[]): Generator<ByteStep, void> {
  for (;;) {
    const head = yield* reader.peek(1);
    if (head.length === 0) return;
    const length = yield* reader.read(1);
    yield length;
    const body = yield* reader.readCopy(length[0]!);
    seen.push(reader.position);
    yield body.reverse();
    if (length[0] === 0) {
      // An empty record: the rest passes through untouched, in pieces.
      yield* reader.take(3);
      yield* reader.rest();
      return;
    }
  }
}

const INPUT = Buffer.from([3, 1, 2, 3, 1, 9, 5, 10, 20, 30, 40, 50, 0, 7, 7, 7, 8, 9, 10, 11, 12]);
const EXPECTED = Buffer.from([3, 3, 2, 1, 1, 9, 5, 50, 40, 30, 20, 10, 0, 7, 7, 7, 8, 9, 10, 11, 12]);

describe("ByteReader and driveByteParser", () => {
  it("give the same bytes and positions for every way of cutting the input into chunks", async () => {
    const chunkings = [[1], [2], [3], [4], [5], [7], [INPUT.length], [1, 4], [6, 1, 1], [2, 9, 3]];
    for (const sizes of chunkings) {
      const reader = new ByteReader();
      const seen: number[] = [];
      const arrived: number[] = [];
      const out = Buffer.concat(await collect(driveByteParser(chunked(INPUT, sizes), reader, reverseRecords(reader, seen), (chunk) => arrived.push(chunk.length))));
      expect(out.equals(EXPECTED), `chunks of ${sizes}`).toBe(true);
      expect(seen).toEqual([4, 6, 12, 13]);
      expect(reader.position).toBe(INPUT.length);
      expect(arrived.reduce((a, b) => a + b, 0)).toBe(INPUT.length);
    }
    // The input itself is never modified (bodies are edited in copies).
    expect(INPUT.equals(Buffer.from([3, 1, 2, 3, 1, 9, 5, 10, 20, 30, 40, 50, 0, 7, 7, 7, 8, 9, 10, 11, 12]))).toBe(true);
  });

  it("passes a run that lies in one chunk on as a single view of that chunk, not copied or in fragments", async () => {
    const input = Buffer.from("header:the rest of a large body");
    const reader = new ByteReader();
    const parser = (function* (): Generator<ByteStep, void> {
      yield yield* reader.read(3);
      yield yield* reader.read(4);
      yield* reader.take(5);
      yield* reader.rest();
    })();
    const pieces = await collect(driveByteParser(chunked(input, [input.length]), reader, parser));
    expect(pieces).toHaveLength(1);
    expect(pieces[0]!.buffer).toBe(input.buffer);
    expect(pieces[0]!.byteOffset).toBe(input.byteOffset);
    expect(pieces[0]!.equals(input)).toBe(true);
  });

  it("reads exactly across chunk boundaries and refuses to read past the end", async () => {
    const reader = new ByteReader();
    const reads: string[] = [];
    const parser = (function* (): Generator<ByteStep, void> {
      reads.push((yield* reader.read(5)).toString());
      reads.push((yield* reader.peek(100)).toString());
      reads.push((yield* reader.read(4)).toString());
      yield* reader.read(1);
    })();
    await expect(collect(driveByteParser(chunked(Buffer.from("abcdefghi"), [2, 2, 2]), reader, parser))).rejects.toBeInstanceOf(TruncatedInputError);
    expect(reads).toEqual(["abcde", "fghi", "fghi"]);
  });
});
