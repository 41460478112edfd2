// The simulator's HTTP client for Parallax's public API v1: exactly the calls a researcher's script
// and a volunteer's phone make (bearer tokens, JSON, multipart capture uploads), with retries on
// network errors, 5xx and 429 (honouring Retry-After). Idempotent uploads make retries safe;
// requests that are not idempotent are only retried when the connection was refused or the
// server answered 429 (both mean nothing was done).
import { setTimeout as sleep } from "node:timers/promises";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** An API answer that is not a success, with the server's `{ error: { code, message } }`. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

export type RetryPolicy = { attempts: number; baseDelayMs: number; maxDelayMs: number };

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 6, baseDelayMs: 200, maxDelayMs: 5_000 };

export type ParallaxClientOptions = {
  serverUrl: string;
  fetch?: FetchLike;
  retry?: RetryPolicy;
  /** Called before each retry (for progress output). */
  onRetry?: (info: { method: string; path: string; attempt: number; reason: string }) => void;
};

type RequestOptions = {
  method?: string;
  token?: string;
  json?: unknown;
  /** A body, or a function making a fresh one for each attempt. */
  body?: BodyInit | (() => BodyInit);
  headers?: Record<string, string>;
  /**
   * false for requests that must not run twice (join, create study): retried only when the
   * connection was refused or the answer was 429, i.e. nothing was done. Default true.
   */
  idempotent?: boolean;
};

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504 || status === 500;
}

function isConnectionRefused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === "ECONNREFUSED";
}

function retryAfterMs(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : undefined;
}

async function readError(response: Response): Promise<ApiRequestError> {
  let code = `http_${response.status}`;
  let message = `${response.status} ${response.statusText}`;
  let details: unknown;
  try {
    const body = (await response.json()) as { error?: { code?: unknown; message?: unknown; details?: unknown } };
    if (body.error && typeof body.error.message === "string") {
      code = typeof body.error.code === "string" ? body.error.code : code;
      message = body.error.message;
      details = body.error.details;
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiRequestError(response.status, code, message, details);
}

export type ParallaxClient = {
  serverUrl: string;
  /** A JSON request; returns the parsed body. */
  request<T>(path: string, options?: RequestOptions): Promise<T>;
  /** A request returning raw bytes (model files). */
  requestBytes(path: string, options?: RequestOptions): Promise<Uint8Array>;
};

export function createParallaxClient(options: ParallaxClientOptions): ParallaxClient {
  const serverUrl = options.serverUrl.replace(/\/+$/, "");
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const policy = options.retry ?? DEFAULT_RETRY_POLICY;

  async function send(path: string, request: RequestOptions): Promise<Response> {
    const method = request.method ?? (request.json !== undefined || request.body !== undefined ? "POST" : "GET");
    const url = /^https?:\/\//.test(path) ? path : `${serverUrl}${path}`;
    const headers: Record<string, string> = { accept: "application/json", ...request.headers };
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    const attempts = policy.attempts;
    const idempotent = request.idempotent !== false;
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      let waitMs: number | undefined;
      try {
        const body = request.json !== undefined ? JSON.stringify(request.json) : typeof request.body === "function" ? request.body() : request.body;
        if (request.json !== undefined) headers["content-type"] = "application/json";
        const response = await doFetch(url, { method, headers, body });
        // 429 means the request was refused before doing anything: safe to repeat even when not idempotent.
        if (response.ok || !isRetryableStatus(response.status) || attempt >= attempts || (!idempotent && response.status !== 429)) return response;
        reason = `${response.status}`;
        waitMs = retryAfterMs(response);
        await response.body?.cancel();
      } catch (error) {
        if (attempt >= attempts || (!idempotent && !isConnectionRefused(error))) throw new Error(`${method} ${url} failed after ${attempt} attempt(s): ${(error as Error).message}`, { cause: error });
        reason = (error as Error).message;
      }
      options.onRetry?.({ method, path, attempt, reason });
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(waitMs ?? backoff);
    }
  }

  return {
    serverUrl,
    async request<T>(path: string, request: RequestOptions = {}): Promise<T> {
      const response = await send(path, request);
      if (!response.ok) throw await readError(response);
      return (await response.json()) as T;
    },
    async requestBytes(path: string, request: RequestOptions = {}): Promise<Uint8Array> {
      const response = await send(path, request);
      if (!response.ok) throw await readError(response);
      return new Uint8Array(await response.arrayBuffer());
    },
  };
}
