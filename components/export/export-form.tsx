"use client";
// The export page's form: which scenes (divergent only by default), device models, dates, capture
// methods, backends, with or without photos; the size estimate follows every change; the download
// streams with a progress bar (bytes, files) and can be cancelled. Small exports are gathered in
// memory and saved; large ones go straight to a file where the browser can (File System Access),
// else to the browser's own download manager through a plain link.
import { useEffect, useMemo, useRef, useState } from "react";
import { createZipEntryCounter } from "@/lib/export/count-zip-entries";
import type { ExportEstimate } from "@/lib/export/export-schemas";
import { exportCommand, exportUrl, type ExportChoices } from "@/lib/export/export-request";
import styles from "./export.module.css";

export type ExportFormInitial = ExportChoices;
type Options = { deviceModels: string[]; backends: string[]; captureMethods: string[]; firstCaptureAt: string | null; lastCaptureAt: string | null };

type EstimateState = { status: "loading" } | { status: "ready"; estimate: ExportEstimate } | { status: "error"; message: string };
type DownloadState =
  | { status: "idle" }
  | { status: "running"; bytes: number; files: number; expectedBytes: number; expectedFiles: number; startedAt: number }
  | { status: "done"; fileName: string; bytes: number; files: number; seconds: number; savedTo: "memory" | "disk" }
  | { status: "cancelled" }
  | { status: "error"; message: string };

/** Above this the archive is not gathered in the page's memory. */
const IN_MEMORY_LIMIT = 512 * 1024 * 1024;

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

async function readError(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    if (body.error?.message) return body.error.message;
  } catch {
    // not JSON
  }
  return `The server answered ${response.status}.`;
}

function fileNameOf(response: Response, fallback: string): string {
  const match = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "");
  return match?.[1] ?? fallback;
}

type SaveFilePicker = (options: { suggestedName: string; types?: { description: string; accept: Record<string, string[]> }[] }) => Promise<{
  createWritable(): Promise<WritableStream<Uint8Array>>;
}>;

function Checklist({ legend, name, options, selected, onChange, allLabel }: { legend: string; name: string; options: string[]; selected: string[]; onChange: (next: string[]) => void; allLabel: string }) {
  return (
    <fieldset className={styles.group}>
      <legend>{legend}</legend>
      <p className="small muted">{selected.length === 0 ? allLabel : `${selected.length} of ${options.length} selected`}</p>
      {options.length === 0 ? <p className="small muted">None recorded yet.</p> : null}
      <div className={styles.checks}>
        {options.map((option) => (
          <label key={option} className={styles.check}>
            <input
              type="checkbox"
              name={name}
              value={option}
              checked={selected.includes(option)}
              onChange={(event) => onChange(event.target.checked ? [...selected, option] : selected.filter((item) => item !== option))}
            />
            <span>{option}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

export function ExportForm({ studyId, studyName, options, totalCaptures, initial }: { studyId: string; studyName: string; options: Options; totalCaptures: number; initial: ExportFormInitial }) {
  const [choices, setChoices] = useState<ExportChoices>(initial);
  const [estimate, setEstimate] = useState<EstimateState>({ status: "loading" });
  const [download, setDownload] = useState<DownloadState>({ status: "idle" });
  const abortRef = useRef<AbortController | null>(null);
  const update = (patch: Partial<ExportChoices>) => setChoices((current) => ({ ...current, ...patch }));

  const estimateUrl = useMemo(() => exportUrl(studyId, choices, { estimate: "1" }), [studyId, choices]);
  const archiveUrl = useMemo(() => exportUrl(studyId, choices), [studyId, choices]);
  const command = exportCommand(studyId, choices, `${studyName.replace(/[^A-Za-z0-9._-]+/g, "-").toLowerCase() || "study"}.zip`);

  useEffect(() => {
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      setEstimate({ status: "loading" });
      try {
        const response = await fetch(estimateUrl, { signal: controller.signal, cache: "no-store" });
        if (!response.ok) return setEstimate({ status: "error", message: await readError(response) });
        setEstimate({ status: "ready", estimate: (await response.json()) as ExportEstimate });
      } catch (error) {
        if (!controller.signal.aborted) setEstimate({ status: "error", message: error instanceof Error ? error.message : String(error) });
      }
    }, 250);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [estimateUrl]);

  useEffect(() => () => abortRef.current?.abort(), []);

  const ready = estimate.status === "ready" ? estimate.estimate : null;
  const isRunning = download.status === "running";

  async function startDownload() {
    const controller = new AbortController();
    abortRef.current = controller;
    const expectedBytes = ready?.estimatedBytes ?? 0;
    const expectedFiles = (ready?.images ? ready.captures : 0) + 4;
    const startedAt = performance.now();
    const picker = (window as unknown as { showSaveFilePicker?: SaveFilePicker }).showSaveFilePicker;
    const toDisk = expectedBytes > IN_MEMORY_LIMIT;
    if (toDisk && !picker) {
      // The browser's download manager streams it to disk and shows its own progress.
      window.location.assign(archiveUrl);
      return;
    }
    setDownload({ status: "running", bytes: 0, files: 0, expectedBytes, expectedFiles, startedAt });
    try {
      const fallbackName = `${studyId}-export.zip`;
      const fileHandle = toDisk && picker ? await picker({ suggestedName: fallbackName, types: [{ description: "ZIP archive", accept: { "application/zip": [".zip"] } }] }) : null;
      const response = await fetch(archiveUrl, { signal: controller.signal, cache: "no-store" });
      if (!response.ok || !response.body) throw new Error(await readError(response));
      const fileName = fileNameOf(response, fallbackName);
      const counter = createZipEntryCounter();
      const chunks: Uint8Array[] = [];
      const writable = fileHandle ? await fileHandle.createWritable() : null;
      const writer = writable?.getWriter();
      const reader = response.body.getReader();
      let bytes = 0;
      let lastPaint = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
        counter.push(value);
        if (writer) await writer.write(value);
        else chunks.push(value);
        const now = performance.now();
        if (now - lastPaint > 100) {
          lastPaint = now;
          setDownload({ status: "running", bytes, files: counter.count, expectedBytes, expectedFiles, startedAt });
        }
      }
      await writer?.close();
      if (!writer) {
        const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: "application/zip" }));
        const link = document.createElement("a");
        link.href = url;
        link.download = fileName;
        document.body.append(link);
        link.click();
        link.remove();
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      }
      setDownload({ status: "done", fileName, bytes, files: counter.count, seconds: (performance.now() - startedAt) / 1000, savedTo: writer ? "disk" : "memory" });
    } catch (error) {
      if (controller.signal.aborted || (error instanceof DOMException && error.name === "AbortError")) setDownload({ status: "cancelled" });
      else setDownload({ status: "error", message: error instanceof Error ? error.message : String(error) });
    } finally {
      abortRef.current = null;
    }
  }

  const firstDay = options.firstCaptureAt?.slice(0, 10);
  const lastDay = options.lastCaptureAt?.slice(0, 10);
  const percent = download.status === "running" && download.expectedBytes > 0 ? Math.min(99, Math.floor((download.bytes / download.expectedBytes) * 100)) : 0;

  return (
    <div className={styles.layout}>
      <form className={`card ${styles.form}`} onSubmit={(event) => event.preventDefault()} aria-label="Export filters">
        <fieldset className={styles.group}>
          <legend>Scenes</legend>
          <label className={styles.check}>
            <input type="checkbox" name="divergentOnly" checked={choices.divergentOnly} onChange={(event) => update({ divergentOnly: event.target.checked })} />
            <span>
              <strong>Divergent scenes only</strong>
              <span className="small muted"> — scenes where device models’ votes are not all equal, exactly as the dashboards count them</span>
            </span>
          </label>
          <label className={styles.check}>
            <input type="checkbox" name="images" checked={choices.images} onChange={(event) => update({ images: event.target.checked })} />
            <span>
              <strong>Include photos</strong>
              <span className="small muted"> — off for a small metadata-only archive</span>
            </span>
          </label>
        </fieldset>
        <Checklist legend="Device models" name="deviceModels" options={options.deviceModels} selected={choices.deviceModels} onChange={(deviceModels) => update({ deviceModels })} allLabel="All device models" />
        <fieldset className={styles.group}>
          <legend>Capture dates</legend>
          <div className={styles.dates}>
            <div className="field">
              <label htmlFor="export-from">From</label>
              <input id="export-from" type="date" value={choices.fromDay} min={firstDay} max={lastDay} onChange={(event) => update({ fromDay: event.target.value })} />
            </div>
            <div className="field">
              <label htmlFor="export-to">To (inclusive)</label>
              <input id="export-to" type="date" value={choices.toDay} min={firstDay} max={lastDay} onChange={(event) => update({ toDay: event.target.value })} />
            </div>
          </div>
        </fieldset>
        <Checklist legend="Capture method" name="captureMethods" options={options.captureMethods} selected={choices.captureMethods} onChange={(captureMethods) => update({ captureMethods })} allLabel="All capture methods" />
        <Checklist legend="Backend (the phone’s)" name="backends" options={options.backends} selected={choices.backends} onChange={(backends) => update({ backends })} allLabel="All backends" />
      </form>

      <section className={`card ${styles.summary}`} aria-labelledby="export-summary-title">
        <h2 id="export-summary-title">Your export</h2>
        <div aria-live="polite" data-testid="export-estimate">
          {estimate.status === "loading" ? <p className="muted">Estimating the size…</p> : null}
          {estimate.status === "error" ? <p className="notice error">The estimate failed: {estimate.message}</p> : null}
          {ready ? (
            <dl className={styles.facts}>
              <div>
                <dt>Scenes</dt>
                <dd>{ready.scenes.toLocaleString("en")}</dd>
              </div>
              <div>
                <dt>Photos</dt>
                <dd>{ready.captures.toLocaleString("en")}</dd>
              </div>
              <div>
                <dt>Device models</dt>
                <dd>{ready.deviceModels}</dd>
              </div>
              <div>
                <dt>Size</dt>
                <dd data-testid="export-size">≈ {formatBytes(ready.estimatedBytes)}</dd>
              </div>
            </dl>
          ) : null}
          {ready && ready.captures === 0 ? (
            <p className="notice">
              Nothing matches: {choices.divergentOnly ? "no scene has disagreeing votes under these filters" : "no capture matches these filters"} (the study has {totalCaptures.toLocaleString("en")} captures).
            </p>
          ) : null}
        </div>

        <div className="row">
          <button type="button" className="button" onClick={startDownload} disabled={isRunning || estimate.status !== "ready"} data-testid="export-download">
            {isRunning ? "Downloading…" : "Download ZIP"}
          </button>
          {isRunning ? (
            <button type="button" className="button secondary" onClick={() => abortRef.current?.abort()}>
              Cancel
            </button>
          ) : null}
        </div>

        <div aria-live="polite" data-testid="export-progress">
          {download.status === "running" ? (
            <div className={styles.progress}>
              <progress max={100} value={percent} aria-label="Download progress" />
              <p className="small">
                {formatBytes(download.bytes)} of ≈ {formatBytes(download.expectedBytes)} · {Math.min(download.files, download.expectedFiles)} of {download.expectedFiles} files ·{" "}
                {formatBytes(Math.round(download.bytes / Math.max(0.001, (performance.now() - download.startedAt) / 1000)))}/s
              </p>
            </div>
          ) : null}
          {download.status === "done" ? (
            <p className="notice" data-testid="export-done">
              Saved <span className="mono">{download.fileName}</span>: {download.files} files, {formatBytes(download.bytes)} in {download.seconds.toFixed(1)} s.
            </p>
          ) : null}
          {download.status === "cancelled" ? <p className="notice">Download cancelled; nothing was saved.</p> : null}
          {download.status === "error" ? <p className="notice error">The download failed: {download.message}</p> : null}
        </div>

        <details className={styles.more}>
          <summary>Other ways to get it</summary>
          <p className="small">
            <a href={archiveUrl} download>
              Direct link
            </a>{" "}
            (your browser’s download manager; the same archive).
          </p>
          <p className="small">From a terminal, with a researcher API token in PARALLAX_ADMIN_TOKEN or --token (re-run to resume; a complete file is not downloaded again):</p>
          <pre className={styles.command}>{command}</pre>
        </details>
      </section>
    </div>
  );
}
