// Successful API responses: the body is checked against the endpoint's documented response schema
// (the same one the OpenAPI document shows), then sent as JSON, never cached.
import type { z } from "zod";

export function jsonResponse<S extends z.ZodType>(schema: S, body: z.input<S>, init: { status?: number; headers?: Record<string, string | string[]> } = {}): Response {
  const checked = schema.parse(body);
  const headers = new Headers({ "Cache-Control": "no-store" });
  for (const [name, value] of Object.entries(init.headers ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return Response.json(checked, { status: init.status ?? 200, headers });
}
