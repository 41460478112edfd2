// SHA-256 as lowercase hex with WebCrypto, which browsers (secure contexts) and Node 20 both have:
// the tensor hash, the check of a downloaded model, the registry's content address. Pure.

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error("WebCrypto (crypto.subtle) is not available: the page must be served over HTTPS or from localhost.");
  // digest() needs a BufferSource that is not a SharedArrayBuffer view.
  const source = bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
  const digest = await subtle.digest("SHA-256", source as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
