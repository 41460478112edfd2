// Pull-based reading of an async stream of byte chunks: exact reads for headers and segments,
// pass-through of large runs without buffering them. Used by the streaming image sanitiser. Pure.

export class TruncatedInputError extends Error {
  constructor() {
    super("The input ended early.");
    this.name = "TruncatedInputError";
  }
}

export class ByteReader {
  private buffer: Buffer = Buffer.alloc(0);
  private ended = false;
  /** Bytes consumed so far. */
  position = 0;

  constructor(private readonly iterator: AsyncIterator<Uint8Array>) {}

  static from(source: AsyncIterable<Uint8Array>): ByteReader {
    return new ByteReader(source[Symbol.asyncIterator]());
  }

  /** Pull chunks until at least n bytes are buffered or the input ended; returns the buffered length. */
  private async fill(n: number): Promise<number> {
    while (this.buffer.length < n && !this.ended) {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        break;
      }
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    }
    return this.buffer.length;
  }

  /** Up to n bytes without consuming them (fewer only at the end of the input). */
  async peek(n: number): Promise<Buffer> {
    await this.fill(n);
    return this.buffer.subarray(0, Math.min(n, this.buffer.length));
  }

  async atEnd(): Promise<boolean> {
    return (await this.fill(1)) === 0;
  }

  /** Exactly n bytes (a copy the caller may modify); TruncatedInputError when the input ends first. */
  async read(n: number): Promise<Buffer> {
    if ((await this.fill(n)) < n) throw new TruncatedInputError();
    const out = Buffer.from(this.buffer.subarray(0, n));
    this.consume(n);
    return out;
  }

  /** Whatever is buffered (pulling one chunk when empty); empty only at the end of the input. */
  async available(): Promise<Buffer> {
    await this.fill(1);
    return this.buffer;
  }

  consume(n: number): void {
    this.buffer = this.buffer.subarray(n);
    this.position += n;
  }

  /** Pass n bytes through without holding more than one chunk. */
  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      const chunk = await this.available();
      if (chunk.length === 0) throw new TruncatedInputError();
      const part = chunk.subarray(0, Math.min(left, chunk.length));
      this.consume(part.length);
      left -= part.length;
      yield part;
    }
  }

  /** Pass the rest of the input through. */
  async *rest(): AsyncGenerator<Buffer> {
    for (;;) {
      const chunk = await this.available();
      if (chunk.length === 0) return;
      this.consume(chunk.length);
      yield chunk;
    }
  }
}
