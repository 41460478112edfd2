"use client";
// The main volunteer screen: consent first (if this phone has not joined), then the scene code,
// the model's state, the capture buttons (the phone's own camera first) and this visit's results.
import { useState } from "react";
import { sceneKeySchema } from "@/lib/studies/study-schemas";
import type { CaptureMethod } from "@/lib/captures/capture-schemas";
import { ConsentScreen } from "./consent-screen";
import { LiveCameraPanel } from "./live-camera-panel";
import { ModelStatus } from "./model-status";
import { usePhone } from "./phone-provider";
import { ResultCard } from "./result-card";
import styles from "./phone.module.css";

function FileButton({ label, method, capture, disabled, primary }: { label: string; method: CaptureMethod; capture?: "environment"; disabled: boolean; primary?: boolean }) {
  const phone = usePhone();
  const [error, setError] = useState<string | undefined>();
  return (
    <>
      <label className={`button ${primary ? "" : "secondary"} ${styles.bigButton} ${styles.fileLabel}`} aria-disabled={disabled}>
        {label}
        <input
          className={styles.fileInput}
          type="file"
          accept="image/*"
          {...(capture ? { capture } : {})}
          disabled={disabled}
          data-testid={`file-${method}`}
          onChange={async (event) => {
            const input = event.currentTarget;
            const file = input.files?.[0];
            if (!file) return;
            // User Timing marks: real-user and benchmark measurements of "photo chosen → result shown".
            performance.mark("parallax:photo-chosen");
            setError(undefined);
            try {
              // A gallery photo was taken when its file was made; a camera photo just now.
              const capturedAt = method === "gallery" && file.lastModified > 0 ? new Date(file.lastModified) : undefined;
              await phone.capture({ image: file, method, capturedAt });
            } catch (e) {
              setError(`The photo could not be saved on this phone: ${e instanceof Error ? e.message : String(e)}`);
            } finally {
              // Choosing the same file again must fire another change.
              input.value = "";
            }
          }}
        />
      </label>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** The scene the study's screen shows, and whether this phone follows it. */
function FollowDisplay() {
  const { followed, following, setFollowing } = usePhone();
  if (!followed?.sceneKey) return null;
  return (
    <div className={styles.follow} data-testid="followed-scene" data-scene-key={followed.sceneKey}>
      <span>
        The screen shows <strong className="mono">{followed.sceneKey}</strong>
      </span>
      <label>
        <input type="checkbox" checked={following} onChange={(event) => setFollowing(event.target.checked)} /> Follow the screen
      </label>
    </div>
  );
}

function SceneField() {
  const { sceneKey, setSceneKey, followed, following } = usePhone();
  const [draft, setDraft] = useState(sceneKey);
  const [lastSaved, setLastSaved] = useState(sceneKey);
  // Follow the remembered key when it arrives from storage after the first render.
  if (sceneKey !== lastSaved) {
    setLastSaved(sceneKey);
    setDraft(sceneKey);
  }
  const valid = draft === "" || sceneKeySchema.safeParse(draft).success;
  return (
    <section className="card stack" aria-label="Scene">
      <div className="field">
        <label id="scene-label" htmlFor="scene-key">
          Scene code
        </label>
        <input
          id="scene-key"
          className={styles.sceneInput}
          value={draft}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          enterKeyHint="done"
          placeholder="as shown next to the scene"
          aria-invalid={!valid}
          aria-describedby="scene-hint"
          onChange={(event) => {
            const next = event.target.value.trim();
            setDraft(next);
            if (next === "" || sceneKeySchema.safeParse(next).success) {
              setLastSaved(next);
              setSceneKey(next);
            }
          }}
        />
      </div>
      <p id="scene-hint" className={`${styles.hint} ${valid ? "" : styles.hintError}`}>
        {!valid
          ? "Letters, digits, '.', '_' and '-' only."
          : sceneKey
            ? following && followed?.sceneKey === sceneKey
              ? `Photos are saved for the scene on the screen; a QR code in the photo decides.`
              : `Photos are saved for scene “${sceneKey}”. Change it when you move to the next scene.`
            : "Type the code of the scene you are photographing."}
      </p>
      <FollowDisplay />
    </section>
  );
}

export function CaptureScreen() {
  const phone = usePhone();
  const preview = phone.preview;
  const [cameraOpen, setCameraOpen] = useState(false);

  if (phone.status === "starting") return <div className={`card ${styles.skeleton}`} aria-busy="true" aria-label="Loading" />;
  if (phone.status === "not-joined") {
    if (!preview) {
      return (
        <section className="card stack">
          <h1>Study not found</h1>
          <p>No study has the code “{phone.code}”. Check the code on the poster or screen.</p>
        </section>
      );
    }
    return <ConsentScreen preview={preview} />;
  }

  const settings = phone.session!.study.settings;
  const canCapture = phone.sceneKey !== "";
  return (
    <>
      <h1 className="visually-hidden">Take photos</h1>
      <SceneField />
      <ModelStatus />
      <section className={styles.captureActions} aria-label="Capture">
        {!canCapture && <p className={styles.hint}>Type the scene code first.</p>}
        <FileButton label="Take a photo" method="native-camera" capture="environment" disabled={!canCapture} primary />
        {settings.allowLiveCamera && !cameraOpen && (
          <button type="button" className={`button secondary ${styles.bigButton}`} disabled={!canCapture} onClick={() => setCameraOpen(true)}>
            Use the live camera{settings.allowBurst ? " (burst)" : ""}
          </button>
        )}
        {settings.allowGallery && <FileButton label="Choose from gallery" method="gallery" disabled={!canCapture} />}
      </section>
      {cameraOpen && canCapture && <LiveCameraPanel onClose={() => setCameraOpen(false)} />}
      {phone.captures.length > 0 && (
        <section className={styles.results} aria-label="Your photos in this visit">
          {phone.captures.map((entry) => (
            <ResultCard key={entry.clientCaptureId} entry={entry} showResults={settings.showResultsToVolunteer} />
          ))}
        </section>
      )}
    </>
  );
}
