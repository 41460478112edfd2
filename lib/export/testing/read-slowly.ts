// A slow consumer for export tests: keeps every chunk a stream hands it (not a copy) and waits a
// millisecond after each, so the producer reads ahead meanwhile; the bytes are joined only at the
// end. If the producer ever reused a buffer it had already handed out, the joined bytes would show it.
export async function readSlowlyHoldingChunks(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const reader = stream.getReader();
  const held: Uint8Array[] = [];
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    held.push(next.value);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return Buffer.concat(held);
}
