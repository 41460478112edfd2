"use client";
// The model's state in a box of fixed height (three rows whatever the state): download progress
// the first time, then which backend runs it and whether photos taken offline get a prediction.
// Photos can be taken at any time; they wait for the model if needed.
import type { LoadProgress } from "@/lib/inference/browser/inference-client";
import { usePhone } from "./phone-provider";
import styles from "./phone.module.css";

const PHASES: Record<LoadProgress["phase"], string> = { runtime: "Downloading the runtime", model: "Downloading the model", session: "Preparing the model" };

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

export function ModelStatus() {
  const { model, retryModel } = usePhone();
  let title: React.ReactNode;
  let detail: React.ReactNode;
  let fraction = 0;
  if (model.phase === "ready") {
    fraction = 1;
    const backend = model.runtime.backend === "webgpu" ? "WebGPU" : `WebAssembly (${model.runtime.threads} thread${model.runtime.threads === 1 ? "" : "s"})`;
    title = "Model ready";
    detail = (
      <span data-testid="model-backend">
        Runs on this phone with {backend}
        {model.offlineReady ? " · works offline" : ""}
      </span>
    );
  } else if (model.phase === "error") {
    title = <span className="error">The model could not be loaded</span>;
    detail = model.error;
  } else {
    const progress = model.phase === "loading" ? model.progress : undefined;
    fraction = progress && progress.total > 0 ? Math.min(1, progress.loaded / progress.total) : 0;
    title = `${progress ? PHASES[progress.phase] : "Starting the model"}…`;
    const amount = progress && progress.total > 0 && progress.phase !== "session" ? `${megabytes(progress.loaded)} of ${megabytes(progress.total)} MB · ` : "";
    detail = `${amount}Only the first time. You can take photos already.`;
  }
  return (
    <section
      className={`card ${styles.modelStatus}`}
      aria-label="Model"
      data-testid="model-status"
      data-phase={model.phase}
      data-offline-ready={model.phase === "ready" && model.offlineReady ? "true" : undefined}
    >
      <div role="status" aria-live="polite">
        <div className={styles.modelTitle}>{title}</div>
        <div className={styles.modelDetail}>{detail}</div>
      </div>
      {model.phase === "error" ? (
        <button type="button" className={`button secondary ${styles.modelRetry}`} onClick={retryModel}>
          Try again
        </button>
      ) : (
        <div className={styles.progress} role="progressbar" aria-label="Model download" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(fraction * 100)}>
          <div className={styles.progressFill} style={{ width: `${Math.round(fraction * 100)}%` }} />
        </div>
      )}
    </section>
  );
}
