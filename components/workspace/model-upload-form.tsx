"use client";
// Adding a model: the .onnx file, its labels (one per line, or a JSON array), a name and a
// preprocessing preset, sent as multipart to POST /api/v1/models, which loads the model with
// onnxruntime and checks that its output fits the labels before it is registered.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { z } from "zod";
import { callWorkspaceApi } from "./workspace-api";
import styles from "./workspace.module.css";

const resultSchema = z.object({ model: z.object({ id: z.string(), name: z.string() }), created: z.boolean() });

export function ModelUploadForm({ presets }: { presets: { name: string; description: string }[] }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [presetName, setPresetName] = useState(presets[0]?.name ?? "");

  async function upload(form: HTMLFormElement) {
    setBusy(true);
    setMessage(null);
    try {
      const result = await callWorkspaceApi(resultSchema, "/api/v1/models", { method: "POST", body: new FormData(form) });
      setMessage({ tone: "ok", text: result.created ? `${result.model.name} was validated and added.` : `This file is registered already, as ${result.model.name}.` });
      form.reset();
      router.refresh();
    } catch (e) {
      setMessage({ tone: "error", text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className={`card ${styles.formGrid}`}
      aria-labelledby="upload-heading"
      onSubmit={(event) => {
        event.preventDefault();
        void upload(event.currentTarget);
      }}
    >
      <h2 id="upload-heading" className={styles.full} style={{ margin: 0 }}>
        Add a model
      </h2>
      <div className="field">
        <label htmlFor="model-name">Name</label>
        <input id="model-name" name="name" required maxLength={200} placeholder="MobileNetV2 (ImageNet)" />
      </div>
      <div className="field">
        <label htmlFor="model-preset">Preprocessing</label>
        <select id="model-preset" name="preset" value={presetName} onChange={(event) => setPresetName(event.target.value)}>
          {presets.map((preset) => (
            <option key={preset.name} value={preset.name}>
              {preset.name}
            </option>
          ))}
        </select>
        <span className="small muted">{presets.find((preset) => preset.name === presetName)?.description}</span>
      </div>
      <div className="field">
        <label htmlFor="model-file">ONNX file</label>
        <input id="model-file" name="file" type="file" accept=".onnx,application/octet-stream" required />
      </div>
      <div className="field">
        <label htmlFor="model-labels">Labels (a text file, one per line, or a JSON array)</label>
        <input id="model-labels" name="labels" type="file" accept=".txt,.json,text/plain,application/json" required />
      </div>
      {message ? (
        <p className={`notice ${message.tone === "error" ? "error" : ""} ${styles.full}`} role={message.tone === "error" ? "alert" : "status"}>
          {message.text}
        </p>
      ) : null}
      <div className={styles.full}>
        <button className="button" type="submit" disabled={busy}>
          {busy ? "Validating…" : "Upload and validate"}
        </button>
      </div>
    </form>
  );
}
