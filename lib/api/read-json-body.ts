// Reads a JSON request body with a size cap, refuses malformed JSON and text PostgreSQL cannot
// store (NUL characters, lone surrogates), then validates it with the endpoint's zod schema.
import type { z } from "zod";
import { AppError } from "./app-error";

export const DEFAULT_MAX_JSON_BYTES = 1024 * 1024;

/** The request body as text, at most maxBytes (413 beyond; counted as it streams in). */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Discard the rest rather than cancelling the request stream (see lib/api/multipart.ts).
      void (async () => {
        try {
          while (!(await reader.read()).done);
        } catch {
          // the client went away
        }
      })();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
}

function tooLarge(maxBytes: number): AppError {
  return new AppError("payload_too_large", `The request body is larger than ${maxBytes} bytes.`, { reason: "body_too_large", maxBytes });
}

/** Throws 400 when any string (key or value) holds a NUL character or an unpaired surrogate. */
export function assertStorableText(value: unknown, path: string[] = []): void {
  const check = (text: string, at: string[]) => {
    if (text.includes("\u0000") || !text.isWellFormed()) {
      throw new AppError("validation_failed", "Text fields must not contain NUL characters or unpaired surrogates.", [{ path: at.join("."), message: "invalid characters" }]);
    }
  };
  if (typeof value === "string") check(value, path);
  else if (Array.isArray(value)) value.forEach((item, index) => assertStorableText(item, [...path, String(index)]));
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      check(key, [...path, key]);
      assertStorableText(item, [...path, key]);
    }
  }
}

/** JSON.parse with a 400 that says where the JSON broke. */
export function parseJsonText(text: string, what = "The request body"): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError("bad_request", `${what} is not valid JSON: ${(error as Error).message}`, { reason: "malformed_json" });
  }
}

export function parseWithSchema<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  assertStorableText(value);
  return validate(schema, value);
}

function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw parsed.error;
  return parsed.data;
}

/**
 * JSON text parsed and validated by `schema`, refusing what parseWithSchema refuses. JSON allows
 * no raw NUL in a string and decoded text is well-formed, so only a \u escape (or text that is not
 * well-formed) can bring either in: without one, the walk over every string is skipped.
 */
export function parseJsonWithSchema<S extends z.ZodType>(schema: S, text: string, what?: string): z.output<S> {
  const value = parseJsonText(text, what);
  if (text.includes("\\u") || !text.isWellFormed()) assertStorableText(value);
  return validate(schema, value);
}

/**
 * A JSON body validated by `schema`. An empty body is read as `{}` when `emptyAsObject` is set
 * (endpoints whose fields are all optional).
 */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S, options: { maxBytes?: number; emptyAsObject?: boolean } = {}): Promise<z.output<S>> {
  const contentType = request.headers.get("content-type") ?? "";
  const text = await readBodyText(request, options.maxBytes ?? DEFAULT_MAX_JSON_BYTES);
  if (text.trim() === "" && options.emptyAsObject) return parseWithSchema(schema, {});
  if (contentType && !/^application\/(?:[\w.+-]+\+)?json\b/i.test(contentType)) {
    throw new AppError("unsupported_media_type", "Send the body as application/json.", { reason: "expected_json", contentType: contentType.slice(0, 100) });
  }
  if (text.trim() === "") throw new AppError("bad_request", "The request body is empty; send a JSON object.", { reason: "empty_body" });
  return parseJsonWithSchema(schema, text);
}

/** URL search parameters validated by `schema` (repeated keys: the last wins). */
export function readQuery<S extends z.ZodType>(request: Request, schema: S): z.output<S> {
  const params = Object.fromEntries(new URL(request.url).searchParams.entries());
  return parseWithSchema(schema, params);
}
