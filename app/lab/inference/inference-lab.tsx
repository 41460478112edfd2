"use client";
// The interactive part of /lab/inference. Also exposes `window.parallaxLab` (the client API and the
// models) so browser tests, benchmarks and researchers' console sessions can drive it.
import { useEffect, useRef, useState } from "react";
import { createInferenceClient, type BackendPreference, type ClassifyOutcome, type InferenceClient, type LoadProgress, type RuntimeState } from "@/lib/inference/browser/inference-client";
import type { ModelInfo } from "@/lib/models/model-info";

type Row = { file: string; outcome?: ClassifyOutcome; error?: string };

declare global {
  interface Window {
    parallaxLab?: { createInferenceClient: typeof createInferenceClient; models: ModelInfo[] };
  }
}

// Fields share a row on wide screens and stack on phones without overflowing.
const fieldStyle = { flex: "1 1 260px", minWidth: 0 } as const;

const phaseLabel: Record<LoadProgress["phase"], string> = { runtime: "runtime", model: "model", session: "creating session" };

export function InferenceLab({ models }: { models: ModelInfo[] }) {
  const [modelId, setModelId] = useState(models[0]?.id ?? "");
  const [backend, setBackend] = useState<BackendPreference>("auto");
  const [progress, setProgress] = useState<LoadProgress | undefined>();
  const [runtime, setRuntime] = useState<RuntimeState | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [rows, setRows] = useState<Row[]>([]);
  const [busy, setBusy] = useState(false);
  const client = useRef<InferenceClient | undefined>(undefined);

  useEffect(() => {
    window.parallaxLab = { createInferenceClient, models };
    return () => {
      client.current?.dispose();
    };
  }, [models]);

  const model = models.find((m) => m.id === modelId);

  async function load() {
    if (!model) return;
    setBusy(true);
    setError(undefined);
    setRuntime(undefined);
    client.current?.dispose();
    client.current = createInferenceClient();
    try {
      setRuntime(await client.current.loadModel(model, setProgress, { backend }));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setProgress(undefined);
      setBusy(false);
    }
  }

  async function classify(files: FileList | null) {
    if (!files || !client.current || !runtime) return;
    setBusy(true);
    const results: Row[] = [];
    for (const file of Array.from(files)) {
      try {
        results.push({ file: file.name, outcome: await client.current.classify(file) });
      } catch (e) {
        results.push({ file: file.name, error: e instanceof Error ? e.message : String(e) });
      }
      setRows([...results]);
    }
    setBusy(false);
  }

  if (models.length === 0) return <p className="notice">No model is registered yet (npm run model:add).</p>;

  return (
    <div className="stack">
      <div className="card stack">
        <div className="row">
          <label className="field" style={fieldStyle}>
            <span>Model</span>
            <select value={modelId} onChange={(e) => setModelId(e.target.value)} data-testid="lab-model" style={{ maxWidth: "100%" }}>
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} ({m.numClasses} classes, {m.inputWidth}×{m.inputHeight})
                </option>
              ))}
            </select>
          </label>
          <label className="field" style={fieldStyle}>
            <span>Backend</span>
            <select value={backend} onChange={(e) => setBackend(e.target.value as BackendPreference)} data-testid="lab-backend" style={{ maxWidth: "100%" }}>
              <option value="auto">auto (WebGPU if it runs the model, else WASM)</option>
              <option value="webgpu">WebGPU</option>
              <option value="wasm">WASM</option>
            </select>
          </label>
        </div>
        <button className="button" onClick={load} disabled={busy || !model} data-testid="lab-load">
          Load model
        </button>
        {progress && (
          <p className="small muted" role="status">
            Loading {phaseLabel[progress.phase]}… {progress.total ? `${Math.round((progress.loaded / progress.total) * 100)}%` : ""}
          </p>
        )}
        {error && <p className="notice" role="alert">{error}</p>}
        {runtime && (
          <dl className="small mono" data-testid="lab-runtime">
            <div>
              backend: <strong>{runtime.backend}</strong> · {runtime.runtime} {runtime.runtimeVersion} · threads {runtime.threads}
              {runtime.crossOriginIsolated ? " (isolated)" : " (not isolated: single thread)"}
            </div>
            <div>bundle: {runtime.runtimeBundle}</div>
            {runtime.adapter && (
              <div>
                WebGPU adapter: {runtime.adapter.vendor} {runtime.adapter.architecture} {runtime.adapter.description}
              </div>
            )}
            {runtime.webgpuFailure && <div>WebGPU not used: {runtime.webgpuFailure}</div>}
            {!runtime.adapter && !runtime.webgpuFailure && <div>WebGPU: {backend === "wasm" ? "not requested" : "no adapter in this browser (or iOS, where WASM is the default)"}</div>}
            <div>
              session {runtime.sessionMs.toFixed(0)} ms · model {runtime.modelFromCache ? "from Cache Storage" : "downloaded"}
            </div>
          </dl>
        )}
      </div>
      {runtime && (
        <div className="card stack">
          <label className="field">
            <span>Photos (JPEG, PNG, WebP)</span>
            <input type="file" accept="image/jpeg,image/png,image/webp" multiple onChange={(e) => classify(e.target.files)} disabled={busy} data-testid="lab-files" />
          </label>
          {rows.length > 0 && (
            <div className="table-scroll">
              <table className="small" data-testid="lab-results" style={{ minWidth: 760 }}>
                <thead>
                  <tr>
                    <th>photo</th>
                    <th>top-1</th>
                    <th>top-5</th>
                    <th>decode / preprocess / inference ms</th>
                    <th>image</th>
                    <th>tensor sha256</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row, i) => (
                    <tr key={i}>
                      <td>{row.file}</td>
                      {row.outcome ? (
                        <>
                          <td>
                            <strong>{row.outcome.prediction.top[0]!.label}</strong> {(row.outcome.prediction.top[0]!.prob * 100).toFixed(1)}%
                          </td>
                          <td>{row.outcome.prediction.top.map((t) => `${t.label} ${(t.prob * 100).toFixed(1)}%`).join(" · ")}</td>
                          <td className="mono">
                            {row.outcome.timings.decodeMs?.toFixed(1)} / {row.outcome.timings.preprocessMs?.toFixed(1)} / {row.outcome.timings.inferenceMs?.toFixed(1)}
                          </td>
                          <td>
                            {row.outcome.decoded.format} {row.outcome.decoded.sourceWidth}×{row.outcome.decoded.sourceHeight}
                            {row.outcome.decoded.scaleDenominator === 8 ? ` (decoded at 1/8: ${row.outcome.decoded.width}×${row.outcome.decoded.height})` : ""}, orientation{" "}
                            {row.outcome.decoded.orientation}
                            {row.outcome.decoded.icc ? `, ICC ${row.outcome.decoded.icc.description ?? "profile"}` : ""}
                          </td>
                          <td className="mono">{row.outcome.tensorSha256.slice(0, 16)}…</td>
                        </>
                      ) : (
                        <td colSpan={5} className="notice">
                          {row.error}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
