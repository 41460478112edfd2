"use client";
// Closing or reopening a study (closed: no new joins, uploads refused with a clear message on the
// phone) and deleting it: the confirmation names what goes (GET …/deletion-preview) and asks for
// the join code typed out.
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { z } from "zod";
import { dataSummarySchema, deletionResultSchema, type DataSummary } from "@/lib/studies/workspace-schemas";
import { formatBytes, plural } from "./format-workspace";
import { callWorkspaceApi } from "./workspace-api";
import styles from "./workspace.module.css";

const previewSchema = z.object({ deletes: dataSummarySchema });

export function StudyControls({ study }: { study: { id: string; name: string; code: string; status: "open" | "closed" } }) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [preview, setPreview] = useState<DataSummary | null>(null);
  const [typed, setTyped] = useState("");
  const [isDialogOpen, setDialogOpen] = useState(false);
  const base = `/api/v1/studies/${encodeURIComponent(study.id)}`;
  const isOpen = study.status === "open";

  async function setStatus(status: "open" | "closed") {
    setBusy(true);
    setError(null);
    try {
      await callWorkspaceApi(z.unknown(), base, { method: "PATCH", json: { status } });
      router.refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  }

  async function openDeletion() {
    setError(null);
    setTyped("");
    setPreview(null);
    dialog.current?.showModal();
    setDialogOpen(true);
    try {
      setPreview((await callWorkspaceApi(previewSchema, `${base}/deletion-preview`)).deletes);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await callWorkspaceApi(deletionResultSchema, `${base}?confirm=${encodeURIComponent(typed)}`, { method: "DELETE" });
      router.push("/studies");
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  }

  const matches = typed.trim().toUpperCase() === study.code;
  return (
    <section className={`card stack ${styles.dangerZone}`} aria-labelledby="manage-heading">
      <h2 id="manage-heading">Manage</h2>
      <p className="small" style={{ margin: 0 }} data-testid="study-status">
        {isOpen
          ? "Open: volunteers can join and upload photos."
          : "Closed: new volunteers see that the study is closed, and phones that joined get their uploads refused with that message."}
      </p>
      <div className="row">
        <button type="button" className="button secondary" disabled={busy} onClick={() => void setStatus(isOpen ? "closed" : "open")}>
          {isOpen ? "Close study" : "Reopen study"}
        </button>
        <button type="button" className="button danger" disabled={busy} onClick={() => void openDeletion()}>
          Delete study…
        </button>
      </div>
      {error && !isDialogOpen ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      <dialog ref={dialog} className={styles.dialog} aria-labelledby="delete-heading" onClose={() => {
          setBusy(false);
          setDialogOpen(false);
        }}>
        <form
          className={`stack ${styles.dialogBody}`}
          onSubmit={(event) => {
            event.preventDefault();
            if (matches) void remove();
          }}
        >
          <h2 id="delete-heading">Delete “{study.name}”?</h2>
          {preview ? (
            <div data-testid="deletion-preview">
              <p style={{ margin: "0 0 6px" }}>This deletes for good:</p>
              <ul className={styles.deletionList}>
                <li>{plural(preview.devices, "device")}</li>
                <li>{plural(preview.captures, "capture")} with {plural(preview.predictions, "prediction")}</li>
                <li>
                  {plural(preview.photos, "photo file")} ({formatBytes(preview.photoBytes)})
                  {preview.sharedPhotos > 0 ? `; ${plural(preview.sharedPhotos, "identical photo")} used elsewhere ${preview.sharedPhotos === 1 ? "is" : "are"} kept` : ""}
                </li>
                <li>
                  {plural(preview.scenes, "scene")}
                  {preview.stimuli > 0 ? ` and ${plural(preview.stimuli, "stimulus image", "stimulus images")}` : ""}
                </li>
              </ul>
            </div>
          ) : (
            <p className="muted">Counting what would be deleted…</p>
          )}
          <div className="field">
            <label htmlFor="confirm-code">
              Type the join code <span className="mono">{study.code}</span> to confirm
            </label>
            <input id="confirm-code" autoComplete="off" autoCapitalize="characters" spellCheck={false} value={typed} onChange={(event) => setTyped(event.target.value)} />
          </div>
          {error ? (
            <p className="notice error" role="alert">
              {error}
            </p>
          ) : null}
          <div className="row">
            <button type="submit" className="button danger" disabled={!matches || busy || !preview}>
              {busy ? "Deleting…" : "Delete study and its data"}
            </button>
            <button type="button" className="button secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </section>
  );
}
