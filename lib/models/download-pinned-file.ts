// Downloads one pinned file (URL + SHA-256 + size) into memory with progress callbacks; refuses
// anything whose hash differs. Network failures become one clear sentence (DownloadError).
import { createHash } from "node:crypto";
import type { PinnedFile } from "./known-models";

export class DownloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DownloadError";
  }
}

export type DownloadProgress = { fileName: string; received: number; total: number };

function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** Fetch `file` (from `mirror` + its file name when a mirror is given) and check its SHA-256. */
export async function downloadPinnedFile(file: PinnedFile, options: { mirror?: string; onProgress?: (progress: DownloadProgress) => void; timeoutMs?: number } = {}): Promise<Uint8Array> {
  const url = options.mirror ? new URL(file.fileName, options.mirror.endsWith("/") ? options.mirror : `${options.mirror}/`).href : file.url;
  const host = new URL(url).host;
  let response: Response;
  try {
    response = await fetch(url, { redirect: "follow", signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
  } catch (error) {
    throw new DownloadError(`Could not reach ${host} to download ${file.fileName} (${networkReason(error)}); check the network connection, nothing was changed.`);
  }
  if (!response.ok || !response.body) throw new DownloadError(`${host} answered ${response.status} for ${file.fileName}; nothing was changed.`);
  const total = Number(response.headers.get("content-length")) || file.size;
  const chunks: Uint8Array[] = [];
  let received = 0;
  const hash = createHash("sha256");
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      hash.update(chunk);
      received += chunk.length;
      if (received > file.size * 2 + 1024 * 1024) throw new DownloadError(`${file.fileName} from ${host} is much larger than expected; nothing was changed.`);
      options.onProgress?.({ fileName: file.fileName, received, total });
    }
  } catch (error) {
    if (error instanceof DownloadError) throw error;
    throw new DownloadError(`The download of ${file.fileName} from ${host} broke off (${networkReason(error)}); nothing was changed.`);
  }
  const sha256 = hash.digest("hex");
  if (sha256 !== file.sha256) {
    throw new DownloadError(`${file.fileName} from ${host} has SHA-256 ${sha256.slice(0, 12)}…, not the pinned ${file.sha256.slice(0, 12)}…; it was refused and nothing was changed.`);
  }
  const bytes = new Uint8Array(received);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}
