// The workspace's calls to the API from the browser: the session cookie goes along by itself and
// every write carries the session's CSRF token (the readable parallax_csrf cookie) as X-CSRF-Token.
// Answers are checked with the API's zod schemas; errors carry the server's message for people.
import "client-only";
import { z } from "zod";

export class WorkspaceApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "WorkspaceApiError";
  }
}

const errorBodySchema = z.object({ error: z.object({ message: z.string(), details: z.unknown().optional() }) });

function readCsrfToken(): string {
  const cookie = document.cookie.split("; ").find((part) => part.startsWith("parallax_csrf="));
  return cookie ? decodeURIComponent(cookie.slice("parallax_csrf=".length)) : "";
}

function describeDetails(details: unknown): string {
  if (!Array.isArray(details)) return "";
  const parts = details.flatMap((item) => (item && typeof item === "object" && "message" in item ? [`${"path" in item ? `${String(item.path)}: ` : ""}${String(item.message)}`] : []));
  return parts.length ? ` (${parts.join("; ")})` : "";
}

export async function callWorkspaceApi<S extends z.ZodType>(schema: S, url: string, init: { method?: string; json?: unknown; body?: BodyInit } = {}): Promise<z.infer<S>> {
  const method = init.method ?? "GET";
  const headers = new Headers();
  if (method !== "GET") headers.set("X-CSRF-Token", readCsrfToken());
  if (init.json !== undefined) headers.set("Content-Type", "application/json");
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body, cache: "no-store", credentials: "same-origin" });
  } catch {
    throw new WorkspaceApiError("The server could not be reached.", 0);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = errorBodySchema.safeParse(body);
    throw new WorkspaceApiError(parsed.success ? parsed.data.error.message + describeDetails(parsed.data.error.details) : `The server answered ${response.status}.`, response.status);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new WorkspaceApiError("The server's answer was not understood.", response.status);
  return parsed.data;
}
