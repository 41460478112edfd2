// Streaming multipart/form-data: parts are handed out one at a time, in order, and a file part's
// bytes flow through as they arrive (never buffered whole). Size caps per field and per file,
// a cap on the number of parts, and 400s for malformed bodies.
import type { Readable } from "node:stream";
import busboy from "busboy";
import { AppError } from "./app-error";

export type MultipartLimits = { maxFileBytes: number; maxFieldBytes: number; maxFiles: number; maxFields: number };

export type MultipartPart =
  | { kind: "field"; name: string; value: string }
  | { kind: "file"; name: string; filename: string | undefined; mimeType: string; bytes: AsyncIterable<Buffer>; drain(): Promise<void> };

type Event = { part: MultipartPart } | { error: unknown } | { end: true };

function malformed(message: string): AppError {
  return new AppError("bad_request", `The multipart body is malformed: ${message}.`, { reason: "malformed_multipart" });
}

/** The parts of a multipart request; each file part must be read (or drained) before the next one arrives. */
export async function* iterateMultipart(request: Request, limits: MultipartLimits): AsyncGenerator<MultipartPart> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(contentType)) {
    throw new AppError("unsupported_media_type", "Send the capture as multipart/form-data with a `meta` part and an `image` part.", { reason: "expected_multipart" });
  }
  if (!request.body) throw new AppError("bad_request", "The request has no body.", { reason: "empty_body" });
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { "content-type": contentType },
      // Larger chunks than the 16 KiB default: fewer trips through the image sanitiser and the blob store.
      fileHwm: 256 * 1024,
      limits: { fileSize: limits.maxFileBytes, fieldSize: limits.maxFieldBytes, files: limits.maxFiles, fields: limits.maxFields, parts: limits.maxFiles + limits.maxFields + 1, fieldNameSize: 100 },
    });
  } catch (error) {
    throw malformed((error as Error).message);
  }

  const events: Event[] = [];
  let wake: (() => void) | undefined;
  const push = (event: Event) => {
    events.push(event);
    wake?.();
  };
  let currentFile: Readable | undefined;
  const fail = (error: unknown) => {
    currentFile?.destroy(error instanceof Error ? error : new Error(String(error)));
    push({ error });
  };

  parser.on("field", (name, value, info) => {
    if (info.valueTruncated) {
      fail(new AppError("payload_too_large", `The ${name} part is larger than ${limits.maxFieldBytes} bytes.`, { reason: "part_too_large", part: name }));
      return;
    }
    push({ part: { kind: "field", name, value } });
  });
  parser.on("file", (name, stream, info) => {
    currentFile = stream;
    // Errors reach the reader through its iterator; this listener keeps an unread stream's error from crashing the process.
    stream.on("error", () => {});
    let overLimit = false;
    stream.on("limit", () => {
      overLimit = true;
    });
    const bytes = (async function* () {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        if (overLimit) throw new AppError("payload_too_large", `The ${name} file is larger than ${limits.maxFileBytes} bytes.`, { reason: "file_too_large", part: name, maxBytes: limits.maxFileBytes });
        yield chunk;
      }
      if (overLimit || (stream as Readable & { truncated?: boolean }).truncated) {
        throw new AppError("payload_too_large", `The ${name} file is larger than ${limits.maxFileBytes} bytes.`, { reason: "file_too_large", part: name, maxBytes: limits.maxFileBytes });
      }
    })();
    const drain = () =>
      new Promise<void>((resolve) => {
        if (stream.readableEnded || stream.destroyed) return resolve();
        stream.on("end", resolve).on("close", resolve).on("error", () => resolve());
        stream.resume();
      });
    push({ part: { kind: "file", name, filename: info.filename, mimeType: info.mimeType, bytes, drain } });
  });
  const tooMany = () => fail(new AppError("bad_request", `A capture upload has at most ${limits.maxFields} field(s) and ${limits.maxFiles} file(s).`, { reason: "too_many_parts" }));
  // busboy reports reaching the parts limit, which is one above what is allowed.
  parser.on("partsLimit", tooMany);
  parser.on("filesLimit", tooMany);
  parser.on("fieldsLimit", tooMany);
  parser.on("error", (error) => fail(malformed((error as Error).message)));
  parser.on("close", () => push({ end: true }));

  // Feed the parser straight from the request's stream (no intermediate Node stream), honouring its backpressure.
  const reader = request.body.getReader();
  let stopReading = false;
  let wakeWriter: (() => void) | undefined;
  const writerMayGo = () => {
    const wake = wakeWriter;
    wakeWriter = undefined;
    wake?.();
  };
  parser.on("drain", writerMayGo);
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          if (!stopReading) parser.end();
          return;
        }
        // Once nobody wants the body, the rest is read and discarded: cancelling the request's
        // stream mid-read makes Node's fetch body adapter enqueue into a closed stream and crash.
        if (stopReading) continue;
        if (!parser.write(value) && !stopReading) await new Promise<void>((resolve) => (wakeWriter = resolve));
      }
    } catch (error) {
      fail(new AppError("bad_request", "The upload was interrupted before it was complete.", { reason: "interrupted", cause: (error as Error).message }));
    }
  })();
  request.signal?.addEventListener("abort", () => fail(new AppError("bad_request", "The upload was interrupted before it was complete.", { reason: "interrupted" })));

  try {
    for (;;) {
      while (events.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const event = events.shift()!;
      if ("error" in event) throw event.error;
      if ("end" in event) return;
      yield event.part;
    }
  } finally {
    stopReading = true;
    writerMayGo();
  }
}
