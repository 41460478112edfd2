// The export CLI's work: asks the server for the size estimate, streams the archive into
// FILE.zip.part with a progress bar (bytes and files), checks the ZIP's central directory and only
// then renames it to FILE.zip. Re-running after a failure starts the download again (an archive is
// built afresh from the database, so a byte range of an earlier attempt cannot be trusted); a
// complete FILE.zip is recognised and not downloaded again. Every failure is one sentence.
import { createWriteStream } from "node:fs";
import { rename, stat } from "node:fs/promises";
import { Writable } from "node:stream";
import { createZipEntryCounter } from "./count-zip-entries";
import { exportEstimateSchema, type ExportEstimate } from "./export-schemas";
import { readZipDirectory, ZipFormatError } from "./read-zip";

export type OutputStream = { write(text: string): unknown; isTTY?: boolean; columns?: number };

export type DownloadExportOptions = {
  server: string;
  token?: string;
  studyId: string;
  /** The export's query (divergentOnly, filters, images). */
  query: URLSearchParams;
  out: string;
  stderr: OutputStream;
  fetch?: typeof fetch;
  now?: () => number;
};

export type DownloadExportResult = { status: "already-complete" | "downloaded"; file: string; files: number; bytes: number };

/** A failure the CLI reports as its one-sentence message (exit 1). */
export class ExportCliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExportCliError";
  }
}

const MB = 1024 * 1024;
const formatMb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

async function existingArchive(file: string): Promise<{ files: number; bytes: number } | null> {
  const info = await stat(file).catch(() => null);
  if (!info) return null;
  try {
    const entries = await readZipDirectory(file);
    if (!entries.some((entry) => entry.name === "README.md")) throw new ZipFormatError("no README.md");
    return { files: entries.length, bytes: info.size };
  } catch (error) {
    if (error instanceof ZipFormatError) throw new ExportCliError(`${file} exists but is not a complete Parallax export; remove it or choose another --out.`);
    throw error;
  }
}

async function describeFailure(response: Response, server: string, studyId: string): Promise<string> {
  let message = "";
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    message = body.error?.message ?? "";
  } catch {
    // not JSON
  }
  switch (response.status) {
    case 401:
      return `The server at ${server} refused the credentials (401): pass a researcher API token with --token or set PARALLAX_ADMIN_TOKEN.`;
    case 403:
      return `The token may not read studies on ${server} (403): use a researcher's API token, not a device token.`;
    case 404:
      return `There is no study with id ${studyId} on ${server} (404).`;
    case 400:
      return `The server refused the export's options (400): ${message || "check the filters"}.`;
    default:
      return `The server at ${server} answered ${response.status}${message ? `: ${message}` : ""}.`;
  }
}

async function request(options: DownloadExportOptions, params: URLSearchParams): Promise<Response> {
  const url = new URL(`/api/v1/studies/${encodeURIComponent(options.studyId)}/export`, options.server);
  url.search = params.toString();
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, { headers });
  } catch {
    throw new ExportCliError(`Cannot reach the Parallax server at ${options.server}: is it running (npm start), or is --server wrong?`);
  }
  if (!response.ok) throw new ExportCliError(await describeFailure(response, options.server, options.studyId));
  return response;
}

function createByteProgress(stream: OutputStream, estimate: ExportEstimate, now: () => number) {
  const started = now();
  let lastDraw = -Infinity;
  let lastDecile = -1;
  const total = Math.max(1, estimate.estimatedBytes);
  const files = estimate.images ? estimate.captures + 4 : 4;
  const line = (bytes: number, entries: number) => {
    const seconds = (now() - started) / 1000;
    const rate = seconds > 0 ? bytes / seconds / MB : 0;
    const percent = Math.min(100, Math.floor((bytes / total) * 100));
    const width = 24;
    const filled = Math.round((percent / 100) * width);
    return { percent, text: `Exporting [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(percent).padStart(3)}% ${formatMb(bytes)} of ~${formatMb(total)} · ${Math.min(entries, files)}/${files} files · ${rate.toFixed(1)} MB/s` };
  };
  return {
    update(bytes: number, entries: number) {
      const { percent, text } = line(bytes, entries);
      if (stream.isTTY) {
        if (now() - lastDraw < 100) return;
        lastDraw = now();
        stream.write(`\r${text.slice(0, (stream.columns ?? 120) - 1)}\x1b[K`);
      } else if (Math.floor(percent / 10) !== lastDecile) {
        lastDecile = Math.floor(percent / 10);
        stream.write(`${text}\n`);
      }
    },
    finish() {
      if (stream.isTTY) stream.write("\n");
    },
  };
}

export async function downloadExport(options: DownloadExportOptions): Promise<DownloadExportResult> {
  const now = options.now ?? (() => performance.now());
  const complete = await existingArchive(options.out);
  if (complete) {
    options.stderr.write(`${options.out} is already complete (${complete.files} files, ${formatMb(complete.bytes)}); nothing to download.\n`);
    return { status: "already-complete", file: options.out, ...complete };
  }

  const estimateParams = new URLSearchParams(options.query);
  estimateParams.set("estimate", "1");
  const estimateResponse = await request(options, estimateParams);
  const estimate = exportEstimateSchema.parse(await estimateResponse.json());
  options.stderr.write(
    `Study ${options.studyId}: ${estimate.scenes} scenes, ${estimate.captures} photos from ${estimate.deviceModels} device models, about ${formatMb(estimate.estimatedBytes)}.\n`,
  );

  const partFile = `${options.out}.part`;
  const response = await request(options, options.query);
  if (!response.body) throw new ExportCliError(`The server at ${options.server} sent no archive.`);
  const progress = createByteProgress(options.stderr, estimate, now);
  const counter = createZipEntryCounter();
  let bytes = 0;
  const file = createWriteStream(partFile);
  const sink = Writable.toWeb(file);
  const counting = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      bytes += chunk.length;
      counter.push(chunk);
      progress.update(bytes, counter.count);
      controller.enqueue(chunk);
    },
  });
  try {
    await response.body.pipeThrough(counting).pipeTo(sink);
  } catch (error) {
    progress.finish();
    const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    throw new ExportCliError(`The download broke off after ${formatMb(bytes)} (${reason}); run the same command again to start it over.`);
  }
  progress.update(bytes, counter.count);
  progress.finish();
  let files: number;
  try {
    files = (await readZipDirectory(partFile)).length;
  } catch (error) {
    if (!(error instanceof ZipFormatError)) throw error;
    throw new ExportCliError(`The archive arrived incomplete (${error.message}); run the same command again to start it over.`);
  }
  await rename(partFile, options.out);
  options.stderr.write(`Wrote ${options.out}: ${files} files, ${formatMb(bytes)}.\n`);
  return { status: "downloaded", file: options.out, files, bytes };
}

