// Reading a stream of byte chunks for the streaming image sanitiser: exact reads for headers and
// segments, pass-through of large runs without buffering them. Pure.
//
// The readers are synchronous generators fed by their caller: a read whose bytes are already
// buffered returns them at once, and one that needs more yields NEED_INPUT, after which the
// driver (sanitizeImageStream) pushes the next chunk, or ends the input, and resumes it. A parser
// written this way costs no promise per header byte: an upload's bytes arrive in a few large
// chunks, and all the waiting happens in the driver, once per chunk.

export class TruncatedInputError extends Error {
  constructor() {
    super("The input ended early.");
    this.name = "TruncatedInputError";
  }
}

/** Yielded by a reader (and the parsers built on it) when it needs the next chunk. */
export const NEED_INPUT: unique symbol = Symbol("need input");
export type NeedInput = typeof NEED_INPUT;

/** What a parser yields: bytes to pass on, or a request for more input. */
export type ByteStep = Buffer | NeedInput;

const EMPTY = Buffer.alloc(0);

export class ByteReader {
  private buffer: Buffer = EMPTY;
  private ended = false;
  /** Bytes consumed so far. */
  position = 0;

  /** The next chunk of input (kept by reference, never modified). */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error("ByteReader: push after end");
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // Only the unread tail of the previous chunk (usually nothing, or a few header bytes) is copied.
    this.buffer = this.buffer.length === 0 ? bytes : Buffer.concat([this.buffer, bytes]);
  }

  /** No more input will come. */
  end(): void {
    this.ended = true;
  }

  /** Wait until at least n bytes are buffered or the input ended; returns the buffered length. */
  *fill(n: number): Generator<NeedInput, number> {
    while (this.buffer.length < n && !this.ended) yield NEED_INPUT;
    return this.buffer.length;
  }

  /** Up to n bytes without consuming them (fewer only at the end of the input). */
  *peek(n: number): Generator<NeedInput, Buffer> {
    if (this.buffer.length < n) yield* this.fill(n);
    return this.buffer.subarray(0, Math.min(n, this.buffer.length));
  }

  /**
   * Exactly n bytes; TruncatedInputError when the input ends first. The bytes are a view of the
   * input, not a copy: pass them on or read them, never modify them (readCopy is for editing).
   */
  *read(n: number): Generator<NeedInput, Buffer> {
    if (this.buffer.length < n && (yield* this.fill(n)) < n) throw new TruncatedInputError();
    const out = this.buffer.subarray(0, n);
    this.consume(n);
    return out;
  }

  /** Exactly n bytes as a copy the caller may modify; TruncatedInputError when the input ends first. */
  *readCopy(n: number): Generator<NeedInput, Buffer> {
    return Buffer.from(yield* this.read(n));
  }

  /** Whatever is buffered (waiting for a chunk when empty); empty only at the end of the input. */
  *available(): Generator<NeedInput, Buffer> {
    if (this.buffer.length === 0) yield* this.fill(1);
    return this.buffer;
  }

  consume(n: number): void {
    this.buffer = this.buffer.subarray(n);
    this.position += n;
  }

  /** Pass n bytes through without holding more than one chunk. */
  *take(n: number): Generator<ByteStep, void> {
    let left = n;
    while (left > 0) {
      const chunk = yield* this.available();
      if (chunk.length === 0) throw new TruncatedInputError();
      const part = chunk.subarray(0, Math.min(left, chunk.length));
      this.consume(part.length);
      left -= part.length;
      yield part;
    }
  }

  /** Pass the rest of the input through. */
  *rest(): Generator<ByteStep, void> {
    for (;;) {
      const chunk = yield* this.available();
      if (chunk.length === 0) return;
      this.consume(chunk.length);
      yield chunk;
    }
  }
}

/**
 * Runs a parser over an async source of chunks: pushes a chunk whenever the parser asks for one and
 * yields what the parser passes on, the pieces of one chunk joined where they lie next to each other
 * in memory (a segment passed through as a view of its chunk is not copied, and not handed on in
 * fragments). `onChunk` sees every input chunk as it arrives, before the parser does.
 */
export async function* driveByteParser(source: AsyncIterable<Uint8Array>, reader: ByteReader, parser: Generator<ByteStep, void>, onChunk?: (chunk: Uint8Array) => void): AsyncGenerator<Buffer> {
  const input = source[Symbol.asyncIterator]();
  let pending: Buffer | undefined;
  const joined: Buffer[] = [];
  const emit = (piece: Buffer) => {
    if (piece.length === 0) return;
    if (pending && pending.buffer === piece.buffer && pending.byteOffset + pending.length === piece.byteOffset) {
      pending = Buffer.from(pending.buffer, pending.byteOffset, pending.length + piece.length);
      return;
    }
    if (pending) joined.push(pending);
    pending = piece;
  };
  // The source is not closed early when the parser fails: the caller owns it (a multipart upload drains it).
  for (;;) {
    const step = parser.next();
    if (step.done) break;
    if (step.value !== NEED_INPUT) {
      emit(step.value);
      continue;
    }
    if (pending) joined.push(pending);
    pending = undefined;
    for (const piece of joined) yield piece;
    joined.length = 0;
    const next = await input.next();
    if (next.done) reader.end();
    else {
      onChunk?.(next.value);
      reader.push(next.value);
    }
  }
  if (pending) joined.push(pending);
  for (const piece of joined) yield piece;
}
