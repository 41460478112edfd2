// The bytes of an uploaded stimulus ZIP: either the whole request body (Content-Type application/zip)
// or the first file part of a multipart/form-data body (the researcher page's form). Capped in size
// as it streams in (413 beyond). Server only.
import "server-only";
import { AppError } from "@/lib/api/app-error";
import { iterateMultipart } from "@/lib/api/multipart";

export const MAX_STIMULUS_ZIP_BYTES = 512 * 1024 * 1024;

function tooLarge(): AppError {
  return new AppError("payload_too_large", `The ZIP is larger than ${MAX_STIMULUS_ZIP_BYTES} bytes.`, { reason: "file_too_large", maxBytes: MAX_STIMULUS_ZIP_BYTES });
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > MAX_STIMULUS_ZIP_BYTES) throw tooLarge();
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

export async function readStimulusUpload(request: Request): Promise<Buffer> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > MAX_STIMULUS_ZIP_BYTES + 64 * 1024) throw tooLarge();
  if (type.startsWith("multipart/form-data")) {
    for await (const part of iterateMultipart(request, { maxFileBytes: MAX_STIMULUS_ZIP_BYTES, maxFieldBytes: 1024, maxFiles: 1, maxFields: 4 })) {
      if (part.kind === "file") return collect(part.bytes);
    }
    throw new AppError("bad_request", "The form has no file: attach the stimulus ZIP.", { reason: "missing_file" });
  }
  if (type.startsWith("application/zip") || type.startsWith("application/x-zip-compressed") || type.startsWith("application/octet-stream")) {
    if (!request.body) throw new AppError("bad_request", "The request has no body.", { reason: "empty_body" });
    return collect(request.body as unknown as AsyncIterable<Uint8Array>);
  }
  throw new AppError("unsupported_media_type", "Send the stimulus set as application/zip, or as multipart/form-data with the ZIP as a file part.", { reason: "expected_zip" });
}
