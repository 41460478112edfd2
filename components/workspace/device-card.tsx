"use client";
// One device of a study: its device-model key, how it was identified (and the evidence), captures,
// when it joined; a volunteer's deletion request with the button that honours it.
import { useState } from "react";
import type { DeviceView } from "@/lib/devices/device-schemas";
import { deletionResultSchema } from "@/lib/studies/workspace-schemas";
import { describeIdentification, formatUtc, IDENTIFICATION_LABEL, plural } from "./format-workspace";
import { callWorkspaceApi } from "./workspace-api";
import styles from "./workspace.module.css";

export function DeviceCard({ device, onDeleted }: { device: DeviceView; onDeleted: () => void | Promise<void> }) {
  const [state, setState] = useState<{ phase: "idle" | "confirm" | "deleting"; error?: string }>({ phase: "idle" });
  const requested = device.deletionRequestedAt !== null;

  async function remove() {
    setState({ phase: "deleting" });
    try {
      await callWorkspaceApi(deletionResultSchema, `/api/v1/studies/${encodeURIComponent(device.studyId)}/devices/${encodeURIComponent(device.id)}`, { method: "DELETE" });
      await onDeleted();
    } catch (e) {
      setState({ phase: "confirm", error: e instanceof Error ? e.message : String(e) });
    }
  }

  return (
    <li className={styles.deviceCard} data-testid="device-card" data-device-id={device.id} data-deletion={requested ? "requested" : "none"}>
      <div className={styles.titleLine}>
        <span className={styles.deviceKey}>{device.deviceModelKey}</span>
        <span className="badge" title="How the device model was identified">
          {IDENTIFICATION_LABEL[device.deviceModelSource]}
        </span>
        {device.isSimulated ? <span className="badge">simulated</span> : null}
      </div>
      <span className={styles.evidence}>{describeIdentification(device)}</span>
      <span className="small">
        {plural(device.captures, "capture")} · joined {formatUtc(device.createdAt)}
      </span>
      {requested ? (
        <div className="stack" style={{ marginTop: 6 }}>
          <span className="badge danger" style={{ alignSelf: "flex-start" }}>
            Deletion requested {formatUtc(device.deletionRequestedAt)}
          </span>
          {state.phase === "idle" ? (
            <button type="button" className="button danger" onClick={() => setState({ phase: "confirm" })}>
              Delete this device&apos;s data
            </button>
          ) : (
            <div className="stack">
              <p className="small" style={{ margin: 0 }}>
                Deletes the device record, {plural(device.captures, "capture")} with their predictions, and their photo files. This cannot be undone.
              </p>
              <div className="row">
                <button type="button" className="button danger" disabled={state.phase === "deleting"} onClick={() => void remove()}>
                  {state.phase === "deleting" ? "Deleting…" : "Delete for good"}
                </button>
                <button type="button" className="button secondary" disabled={state.phase === "deleting"} onClick={() => setState({ phase: "idle" })}>
                  Cancel
                </button>
              </div>
              {state.error ? (
                <p className="notice error" role="alert">
                  {state.error}
                </p>
              ) : null}
            </div>
          )}
        </div>
      ) : null}
    </li>
  );
}
