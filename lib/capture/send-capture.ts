// One upload attempt of one outbox item: POST /api/v1/captures as multipart (`meta` JSON first,
// then the photo's original bytes, untouched) with the device token, and what the answer means for
// the outbox: stored (200/201), try again later (network errors, timeouts, 408/425/429/5xx, with
// the server's Retry-After), or refused for good (any other 4xx, with the server's own reason).
// Uses only web-standard fetch/FormData/Blob, so it runs in the page, a worker and Node tests.
import { z } from "zod";
import type { OutboxItem, SendResult } from "./capture-outbox";
import { parseRetryAfter } from "./retry-delay";

export const CAPTURES_ENDPOINT = "/api/v1/captures";

const errorBodySchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const storedBodySchema = z.object({ capture: z.object({ id: z.string(), clientCaptureId: z.string() }), duplicate: z.boolean() });

const RETRYABLE_STATUSES = new Set([408, 425, 429]);

/** Slow phone networks: a minimum plus time for the bytes at ~20 KB/s, so big photos are not cut off. */
export function computeUploadTimeout(bytes: number): number {
  return 30_000 + Math.ceil(bytes / 20);
}

export function buildCaptureForm(item: Pick<OutboxItem, "meta" | "image" | "imageType" | "imageName">): FormData {
  const form = new FormData();
  // Order matters: the server reads `meta` (a plain field) before it streams the image.
  form.append("meta", JSON.stringify(item.meta));
  form.append("image", new Blob([item.image], { type: item.imageType || "application/octet-stream" }), item.imageName);
  return form;
}

async function readServerReason(response: Response): Promise<string> {
  const text = await response.text().catch(() => "");
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.error.message;
  } catch {
    // Not JSON (a proxy's error page): fall through to the status line.
  }
  return `The server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ""}.`;
}

export type SendOptions = {
  token: string;
  baseUrl?: string;
  fetch?: typeof fetch;
  now?: () => number;
};

export async function sendCaptureUpload(item: OutboxItem, options: SendOptions): Promise<SendResult> {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let response: Response;
  try {
    response = await doFetch(`${options.baseUrl ?? ""}${CAPTURES_ENDPOINT}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${options.token}` },
      body: buildCaptureForm(item),
      signal: AbortSignal.timeout(computeUploadTimeout(item.image.byteLength)),
      cache: "no-store",
    });
  } catch (error) {
    const name = (error as Error)?.name;
    const reason = name === "TimeoutError" || name === "AbortError" ? "The upload took too long." : navigatorIsOffline() ? "No network connection." : (error as Error)?.message || "network error";
    return { kind: "retry", error: reason };
  }
  if (response.status === 200 || response.status === 201) {
    // A 2xx without the stored capture (a captive portal, a broken proxy) is not an acknowledgement.
    const body = storedBodySchema.safeParse(await response.json().catch(() => undefined));
    if (body.success && body.data.capture.clientCaptureId === item.clientCaptureId) return { kind: "stored" };
    return { kind: "retry", error: "The server's answer did not confirm the upload." };
  }
  const reason = await readServerReason(response);
  if (response.status >= 500 || RETRYABLE_STATUSES.has(response.status)) {
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), now());
    return { kind: "retry", error: reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { kind: "rejected", error: reason };
}

function navigatorIsOffline(): boolean {
  return typeof navigator !== "undefined" && navigator.onLine === false;
}
