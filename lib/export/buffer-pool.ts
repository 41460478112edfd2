// A few byte buffers reused for the reads of one dataset export (photos, temporary files).
//
// Why: an export reads every photo of a study, ~1 GB for 5 000 photos. A fresh Buffer per read
// lives outside V8's heap, and V8 frees such buffers only at a garbage collection, which it starts
// after tens of MB of them have piled up; the pile stays in the process's resident memory (malloc
// rarely hands it back). Reading into the same few buffers over and over keeps that memory flat:
// with two photos in flight (the one being sent, the next one being read) two buffers suffice.
//
// Why it is safe: a buffer is lent by acquire() and comes back by release() only when its borrower
// is done with every byte; nothing else writes into it meanwhile. The export releases a photo's
// buffer only once the ZIP writer has asked for the next entry, which it does only after the send
// assembler (zip-stream.ts) has copied the photo into its own send chunk. The chunks handed to the
// HTTP response are never pooled: a web ReadableStream gives no sign of when its reader is done with
// a chunk (Response.arrayBuffer() keeps them all, Next.js's pipe hands them to the socket), so no
// consumer can ever see a reused buffer. release() refuses a buffer that is not lent (a double
// release would let two borrowers write into one buffer).
import "server-only";

export type BufferPoolOptions = {
  /** Allocation unit: buffers are allocated in multiples of it (so a few sizes serve many requests). */
  unitBytes: number;
  /** Buffers kept idle for the next acquire(); more released ones are dropped (the largest stay). */
  maxIdle: number;
};

export class BufferPool {
  private readonly idle: Uint8Array[] = [];
  private readonly lent = new Set<Uint8Array>();

  constructor(private readonly options: BufferPoolOptions) {}

  /** A buffer of at least `bytes` bytes (its whole length is the borrower's until release()). */
  acquire(bytes: number): Uint8Array {
    // The smallest idle buffer that fits, so large ones stay free for large requests.
    let best = -1;
    for (let i = 0; i < this.idle.length; i++) {
      const length = this.idle[i]!.length;
      if (length >= bytes && (best < 0 || length < this.idle[best]!.length)) best = i;
    }
    const buffer = best >= 0 ? this.idle.splice(best, 1)[0]! : new Uint8Array(Math.max(1, Math.ceil(bytes / this.options.unitBytes)) * this.options.unitBytes);
    this.lent.add(buffer);
    return buffer;
  }

  /** Gives back a buffer from acquire() whose bytes nobody reads any more. */
  release(buffer: Uint8Array): void {
    if (!this.lent.delete(buffer)) throw new Error("BufferPool.release: this buffer is not lent out (released twice, or never acquired)");
    this.idle.push(buffer);
    if (this.idle.length > this.options.maxIdle) {
      this.idle.sort((a, b) => b.length - a.length);
      this.idle.length = this.options.maxIdle;
    }
  }

  /** Buffers currently lent out (tests check that every borrower gave its buffer back). */
  get lentCount(): number {
    return this.lent.size;
  }
}
