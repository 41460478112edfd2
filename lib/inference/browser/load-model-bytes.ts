// How the inference worker gets a model's ONNX bytes: from Cache Storage when an earlier visit kept
// them, else downloaded — the gzip file (/m/<sha256>.onnx.gz) gunzipped with DecompressionStream
// where the browser has it (Safari ≥ 16.4, Chrome ≥ 80), the plain file otherwise or when the gzip
// path fails. Whatever the path, the bytes must hash to the model's SHA-256 before anything runs
// them; verified bytes are kept in Cache Storage under the plain file's URL, so later visits (and
// offline ones) download nothing. Uses only web APIs, so tests run it in Node with a fake fetch.
import { sha256Hex } from "../sha256-hex";

export type ModelBytesSource = { sha256: string; fileUrl: string; gzipFileUrl?: string; sizeBytes?: number };

/** The part of Cache Storage's Cache this uses (tests pass a Map-backed one). */
export type ModelBytesCache = {
  match(key: string): Promise<Response | undefined>;
  put(key: string, response: Response): Promise<void>;
  delete(key: string): Promise<boolean>;
};

export type LoadModelBytesOptions = {
  /** Resolves the model's relative URLs; the cache key is the plain file's absolute URL. */
  baseUrl: string;
  cache?: ModelBytesCache;
  fetch?: (url: string) => Promise<Response>;
  /** Bytes received so far and the expected total (compressed bytes on the gzip path). */
  onProgress?: (loaded: number, total: number) => void;
  /** Whether to try the gzip file; default: when the runtime has DecompressionStream. */
  useGzip?: boolean;
};

export type LoadedModelBytes = {
  bytes: Uint8Array;
  /** How the verified bytes arrived. */
  via: "cache" | "gzip" | "plain";
  /** Why the gzip file was tried and not used (then `via` is "plain"). */
  gzipFailure?: string;
};

export class ModelHashMismatchError extends Error {
  constructor(
    readonly url: string,
    readonly actual: string,
    readonly expected: string,
  ) {
    super(`The downloaded model does not match its SHA-256 (got ${actual.slice(0, 12)}…, expected ${expected.slice(0, 12)}…).`);
    this.name = "ModelHashMismatchError";
  }
}

/** A length header's value, or 0 when absent or not a length. */
function lengthHeader(value: string | null): number {
  const length = Number(value);
  return value && Number.isSafeInteger(length) && length > 0 ? length : 0;
}

export function canGunzip(): boolean {
  return typeof DecompressionStream !== "undefined";
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** Reads a stream to its end; refuses more than `limit` bytes (a gzip bomb, a wrong file). */
async function readAll(stream: ReadableStream<Uint8Array>, limit: number, onChunk?: (length: number) => void): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
    if (length > limit) {
      await reader.cancel().catch(() => {});
      throw new Error(`more than the expected ${limit} bytes`);
    }
    onChunk?.(length);
  }
  return concat(chunks, length);
}

async function fetchOk(fetchFn: (url: string) => Promise<Response>, url: string): Promise<Response & { body: ReadableStream<Uint8Array> }> {
  const response = await fetchFn(url);
  if (!response.ok || !response.body) throw new Error(`${url} answered ${response.status}`);
  return response as Response & { body: ReadableStream<Uint8Array> };
}

async function verified(bytes: Uint8Array, url: string, expected: string): Promise<Uint8Array> {
  const actual = await sha256Hex(bytes);
  if (actual !== expected) throw new ModelHashMismatchError(url, actual, expected);
  return bytes;
}

const NO_LIMIT = Number.MAX_SAFE_INTEGER;

async function downloadGzip(model: ModelBytesSource, url: string, fetchFn: (url: string) => Promise<Response>, onProgress?: (loaded: number, total: number) => void): Promise<Uint8Array> {
  const response = await fetchOk(fetchFn, url);
  // Next.js drops Content-Length from route handlers; the server repeats it as X-Compressed-Length.
  const total = lengthHeader(response.headers.get("content-length")) || lengthHeader(response.headers.get("x-compressed-length"));
  let loaded = 0;
  const counted = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        loaded += chunk.length;
        onProgress?.(loaded, Math.max(total, loaded));
        controller.enqueue(chunk);
      },
    }),
  );
  const decompressed = counted.pipeThrough(new DecompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
  return verified(await readAll(decompressed, model.sizeBytes ?? NO_LIMIT), url, model.sha256);
}

async function downloadPlain(model: ModelBytesSource, url: string, fetchFn: (url: string) => Promise<Response>, onProgress?: (loaded: number, total: number) => void): Promise<Uint8Array> {
  const response = await fetchOk(fetchFn, url);
  const total = model.sizeBytes ?? lengthHeader(response.headers.get("content-length"));
  const bytes = await readAll(response.body, model.sizeBytes ?? NO_LIMIT, (loaded) => onProgress?.(loaded, Math.max(total, loaded)));
  return verified(bytes, url, model.sha256);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The model's verified ONNX bytes (see the header); throws when no path gives the right bytes. */
export async function loadModelBytes(model: ModelBytesSource, options: LoadModelBytesOptions): Promise<LoadedModelBytes> {
  const { cache, onProgress } = options;
  const fetchFn = options.fetch ?? ((url: string) => fetch(url));
  const key = new URL(model.fileUrl, options.baseUrl).href;

  const hit = await cache?.match(key).catch(() => undefined);
  if (hit) {
    const bytes = new Uint8Array(await hit.arrayBuffer());
    if ((await sha256Hex(bytes)) === model.sha256) {
      onProgress?.(bytes.length, bytes.length);
      return { bytes, via: "cache" };
    }
    await cache?.delete(key).catch(() => false); // a damaged copy: download it again
  }

  let result: LoadedModelBytes | undefined;
  if (model.gzipFileUrl && (options.useGzip ?? canGunzip())) {
    try {
      result = { bytes: await downloadGzip(model, new URL(model.gzipFileUrl, options.baseUrl).href, fetchFn, onProgress), via: "gzip" };
    } catch (error) {
      const gzipFailure = errorText(error);
      const bytes = await downloadPlain(model, key, fetchFn, onProgress).catch((plainError: unknown) => {
        throw new Error(`${errorText(plainError)} (after the gzip file failed: ${gzipFailure})`, { cause: plainError });
      });
      result = { bytes, via: "plain", gzipFailure };
    }
  }
  result ??= { bytes: await downloadPlain(model, key, fetchFn, onProgress), via: "plain" };
  await cache?.put(key, new Response(result.bytes as Uint8Array<ArrayBuffer>, { headers: { "Content-Type": "application/octet-stream" } })).catch(() => {});
  return result;
}
