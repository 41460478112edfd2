"use client";
// One capture as the volunteer sees it: the photo, the model's top-5 with probabilities, the
// backend that ran and how long it took, and where the upload stands (with the server's reason
// when it refused). Fixed-size photo box and placeholder lines, so nothing jumps as results arrive.
import { useEffect } from "react";
import { captureMethodLabel } from "./capture-method-label";
import { SceneTag } from "./scene-tag";
import { usePhone, type CaptureEntry, type UploadState } from "./phone-provider";
import styles from "./phone.module.css";

function UploadBadge({ upload }: { upload: UploadState }) {
  switch (upload.kind) {
    case "uploaded":
      return <span className="badge ok">Uploaded</span>;
    case "rejected":
      return <span className="badge danger">Refused</span>;
    default:
      return <span className="badge warn">Waiting to upload</span>;
  }
}

export function ResultCard({ entry, showResults }: { entry: CaptureEntry; showResults: boolean }) {
  const { model } = usePhone();
  const prediction = entry.outcome?.prediction;
  const shown = Boolean(prediction && showResults);
  useEffect(() => {
    if (shown) performance.mark("parallax:result-shown", { detail: entry.clientCaptureId });
  }, [shown, entry.clientCaptureId]);
  const time = new Date(entry.takenAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  return (
    <article className={`card ${styles.resultCard}`} data-testid="result-card" data-capture-id={entry.clientCaptureId} data-upload={entry.upload.kind} aria-label={`Photo taken at ${time}`}>
      {/* eslint-disable-next-line @next/next/no-img-element -- a local blob: URL of the photo just taken */}
      <img className={styles.photo} src={entry.photoUrl} alt={`Your photo of scene ${entry.sceneKey}`} />
      <div className={styles.resultBody}>
        <div className={styles.resultHead}>
          <UploadBadge upload={entry.upload} />
          <span>
            {captureMethodLabel(entry.method)}
            {entry.burst ? ` · burst ${entry.burst.index + 1}` : ""} · {time}
          </span>
        </div>
        <SceneTag entry={entry} />
        {entry.upload.kind === "rejected" && (
          <p className="notice error small" role="alert" style={{ margin: 0 }}>
            The server refused this photo: {entry.upload.error}
          </p>
        )}
        {entry.upload.kind === "waiting" && entry.upload.error && <p className={styles.meta}>Last attempt: {entry.upload.error}</p>}
        {entry.classifying ? (
          <div className={styles.placeholderLines} role="status">
            <span className="small muted">{model.phase === "ready" ? "The model is looking at your photo…" : "Saved. The model looks at it as soon as it has downloaded…"}</span>
            {[80, 60, 50, 40, 30].map((width) => (
              <div key={width} className={styles.placeholderLine} style={{ width: `${width}%` }} />
            ))}
          </div>
        ) : prediction && showResults ? (
          <>
            <ol className={styles.topList} aria-label="What the model sees" data-testid="top5">
              {prediction.top.slice(0, 5).map((entryTop) => (
                <li key={entryTop.index} className={styles.topItem}>
                  <span className={styles.topLabel}>{entryTop.label}</span>
                  <span className={styles.topProb}>{(entryTop.prob * 100).toFixed(1)}%</span>
                  <span className={styles.topBar} aria-hidden="true">
                    <span className={styles.topBarFill} style={{ width: `${Math.max(1, entryTop.prob * 100)}%`, display: "block" }} />
                  </span>
                </li>
              ))}
            </ol>
            <p className={styles.meta} data-testid="result-runtime">
              {prediction.backend === "webgpu" ? "WebGPU" : prediction.backend === "wasm" ? "WebAssembly" : prediction.backend} ·{" "}
              {Math.round(entry.outcome?.timings.totalMs ?? 0)} ms (model {Math.round(prediction.timings.inferenceMs ?? 0)} ms)
            </p>
          </>
        ) : prediction ? (
          <p className="small">Saved. Thank you!</p>
        ) : (
          <p className="small muted">The model could not look at this photo{entry.classifyError ? `: ${entry.classifyError}` : ""}. It is uploaded anyway.</p>
        )}
      </div>
    </article>
  );
}
