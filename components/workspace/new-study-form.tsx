"use client";
// The "new study" form: posts to POST /api/v1/studies (and closes it at once when asked), then
// opens the new study's page.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { z } from "zod";
import type { StudySettings } from "@/lib/studies/study-settings";
import { callWorkspaceApi } from "./workspace-api";
import styles from "./workspace.module.css";

export type ModelChoice = { id: string; name: string; isBuiltin: boolean; classes: number; input: string; preprocessing: string[] };

const createdSchema = z.object({ id: z.string(), code: z.string() });

const PERMISSIONS = [
  { key: "allowUnknownScenes", label: "Accept unknown scene codes", hint: "A scene is created the first time a phone names it; off: only scenes added beforehand." },
  { key: "allowLiveCamera", label: "Allow the live camera", hint: "The in-page camera with bursts, next to the phone's own camera app." },
  { key: "allowGallery", label: "Allow photos from the gallery", hint: "Existing photos (recorded as capture method “gallery”)." },
  { key: "rectifyDisplayStimulus", label: "Also classify the displayed stimulus, straightened", hint: "Display mode: when a photo shows the display's QR codes, the phone also classifies the stimulus cut out and straightened (a second prediction)." },
] as const;

export function NewStudyForm({ models, defaultConsentText, defaultSettings }: { models: ModelChoice[]; defaultConsentText: string; defaultSettings: StudySettings }) {
  const router = useRouter();
  const [modelId, setModelId] = useState(models[0]?.id ?? "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const model = models.find((choice) => choice.id === modelId);

  async function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? "");
    setBusy(true);
    setError(null);
    try {
      const created = await callWorkspaceApi(createdSchema, "/api/v1/studies", {
        method: "POST",
        json: {
          name: text("name"),
          description: text("description"),
          modelId,
          consentText: text("consentText"),
          settings: Object.fromEntries(PERMISSIONS.map(({ key }) => [key, data.get(key) === "on"])),
        },
      });
      if (text("status") === "closed") await callWorkspaceApi(z.unknown(), `/api/v1/studies/${encodeURIComponent(created.id)}`, { method: "PATCH", json: { status: "closed" } });
      router.push(`/studies/${encodeURIComponent(created.id)}`);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  }

  return (
    <form
      className={`card ${styles.formGrid}`}
      onSubmit={(event) => {
        event.preventDefault();
        void submit(event.currentTarget);
      }}
    >
      <div className="field">
        <label htmlFor="study-name">Name</label>
        <input id="study-name" name="name" required maxLength={200} placeholder="Kitchen objects, spring 2026" />
      </div>
      <div className="field">
        <label htmlFor="study-model">Model</label>
        <select id="study-model" name="modelId" value={modelId} onChange={(event) => setModelId(event.target.value)}>
          {models.map((choice) => (
            <option key={choice.id} value={choice.id}>
              {choice.name}
              {choice.isBuiltin ? " (built-in)" : ""}
            </option>
          ))}
        </select>
        {model ? (
          <div data-testid="model-preprocessing">
            <p className="small muted" style={{ margin: 0 }}>
              {model.classes.toLocaleString("en-US")} classes · input {model.input}. Each phone prepares a photo like this:
            </p>
            <ul className={styles.preprocessing}>
              {model.preprocessing.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </div>
      <div className={`field ${styles.full}`}>
        <label htmlFor="study-description">Description (for researchers and on the join page)</label>
        <textarea id="study-description" name="description" maxLength={5000} rows={3} style={{ minHeight: 80 }} />
      </div>
      <div className={`field ${styles.full}`}>
        <label htmlFor="study-consent">Consent text (volunteers read it before they take part)</label>
        <textarea id="study-consent" name="consentText" required maxLength={20000} rows={9} defaultValue={defaultConsentText} />
      </div>
      <fieldset className={styles.checks}>
        <legend>Capturing</legend>
        {PERMISSIONS.map(({ key, label, hint }) => (
          <label key={key} className={styles.check}>
            <input type="checkbox" name={key} defaultChecked={defaultSettings[key]} />
            <span>
              {label}
              <small>{hint}</small>
            </span>
          </label>
        ))}
      </fieldset>
      <fieldset className={styles.checks}>
        <legend>Joining</legend>
        <label className={styles.check}>
          <input type="radio" name="status" value="open" defaultChecked />
          <span>
            Open
            <small>Volunteers can join and upload as soon as it is created.</small>
          </span>
        </label>
        <label className={styles.check}>
          <input type="radio" name="status" value="closed" />
          <span>
            Closed
            <small>Prepare it first (scenes, stimuli); open it from the study page.</small>
          </span>
        </label>
      </fieldset>
      {error ? (
        <p className={`notice error ${styles.full}`} role="alert">
          {error}
        </p>
      ) : null}
      <div className={`row ${styles.full}`}>
        <button className="button" type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create study"}
        </button>
      </div>
    </form>
  );
}
