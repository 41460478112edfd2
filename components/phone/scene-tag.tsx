"use client";
// Which scene a photo was saved for and where that came from (the QR code in the photo, or the
// typed / followed key), with a way to correct it. The detection's geometry (the codes and the
// stimulus quadrilateral in photo pixels) is on data- attributes for tests and support.
import { useState } from "react";
import { sceneKeySchema } from "@/lib/studies/study-schemas";
import { usePhone, type CaptureEntry } from "./phone-provider";
import styles from "./phone.module.css";

const SOURCE_TEXT: Record<CaptureEntry["sceneSource"], string> = {
  qr: "read from the QR code in your photo",
  typed: "no QR code found: the scene code above",
  pending: "looking for the scene's QR code…",
  corrected: "corrected by you",
};

export function SceneTag({ entry }: { entry: CaptureEntry }) {
  const { correctScene } = usePhone();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(entry.sceneKey);
  const valid = sceneKeySchema.safeParse(draft).success;
  const detection = entry.sceneDetection;
  const correction = entry.correction;
  return (
    <div
      className={styles.sceneTag}
      data-testid="scene-tag"
      data-scene-key={entry.sceneKey}
      data-scene-source={entry.sceneSource}
      data-stimulus-quad={detection?.summary.stimulusQuad ? JSON.stringify(detection.summary.stimulusQuad) : undefined}
      data-photo-size={detection ? `${detection.photo.width}x${detection.photo.height}` : undefined}
      data-rectified={detection?.rectified ? `${detection.rectified.width}x${detection.rectified.height}` : undefined}
      data-rectified-top1={entry.rectifiedOutcome?.prediction.top[0]?.label}
    >
      {editing ? (
        <form
          className={styles.sceneCorrect}
          onSubmit={(event) => {
            event.preventDefault();
            if (!valid) return;
            correctScene(entry.clientCaptureId, draft);
            setEditing(false);
          }}
        >
          <label className="visually-hidden" htmlFor={`correct-${entry.clientCaptureId}`}>
            Correct scene code
          </label>
          <input id={`correct-${entry.clientCaptureId}`} className={styles.sceneInput} value={draft} autoComplete="off" autoCapitalize="none" spellCheck={false} aria-invalid={!valid} onChange={(event) => setDraft(event.target.value.trim())} />
          <button type="submit" className="button" disabled={!valid}>
            Save
          </button>
          <button type="button" className="button secondary" onClick={() => setEditing(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <p className={styles.sceneTagLine}>
          <span>
            Scene <strong className="mono">{entry.sceneKey}</strong> <span className="muted">({SOURCE_TEXT[entry.sceneSource]}</span>
            {correction?.state === "failed" ? <span className={styles.hintError}>; not saved: {correction.error}</span> : null}
            {correction && correction.state !== "saved" && correction.state !== "failed" ? <span className="muted">; saved once uploaded</span> : null}
            <span className="muted">)</span>
          </span>
          {!entry.classifying && entry.sceneSource !== "pending" && (
            <button
              type="button"
              className={`button secondary ${styles.sceneTagButton}`}
              onClick={() => {
                setDraft(entry.sceneKey);
                setEditing(true);
              }}
            >
              Wrong scene?
            </button>
          )}
        </p>
      )}
      {entry.rectifiedOutcome && detection?.rectified && (
        <p className={styles.meta}>
          Screen area only: {entry.rectifiedOutcome.prediction.top[0]?.label} ({((entry.rectifiedOutcome.prediction.top[0]?.prob ?? 0) * 100).toFixed(1)}%)
        </p>
      )}
    </div>
  );
}
