"use client";
// Settings for the volunteer: what this phone told the study about itself, asking for the
// deletion of this device's photos and data, and forgetting the device on this phone (warning
// first when photos have not been uploaded yet).
import { useRouter } from "next/navigation";
import { useState } from "react";
import { requestOwnDeletion } from "./phone-api";
import { usePhone } from "./phone-provider";
import styles from "./phone.module.css";

export function PhoneSettings() {
  const { session, status, forget, outbox, deviceInfo, model, code } = usePhone();
  const router = useRouter();
  const [deletion, setDeletion] = useState<{ state: "idle" | "sending" | "done" | "error"; message?: string }>({ state: "idle" });
  const [confirmForget, setConfirmForget] = useState(false);

  if (status === "starting") return <div className={`card ${styles.skeleton}`} aria-busy="true" aria-label="Loading" />;
  if (status !== "joined" || !session) {
    return (
      <section className="card stack">
        <h1>Settings</h1>
        <p>This phone has not joined this study.</p>
        <button type="button" className="button block" onClick={() => router.push(`/join/${encodeURIComponent(code)}`)}>
          Go to the study
        </button>
      </section>
    );
  }

  const waiting = outbox.pending + outbox.rejected;
  const hints = deviceInfo?.clientHints;
  const facts: [string, string][] = [
    ["Study", session.study.name],
    ["Device id", session.deviceId],
    ["Joined", new Date(session.joinedAt).toLocaleString()],
    ["Phone model", hints?.model || "not told by this browser"],
    ["System", [hints?.platform, hints?.platformVersion].filter(Boolean).join(" ") || "from the browser's user agent"],
    ["Graphics", deviceInfo?.webgpu?.available ? [deviceInfo.webgpu.vendor, deviceInfo.webgpu.architecture].filter(Boolean).join(" ") || "WebGPU" : "no WebGPU"],
    ["Model runs on", model.phase === "ready" ? model.runtime.backend : "—"],
    ["Processor cores", deviceInfo?.hardwareConcurrency ? String(deviceInfo.hardwareConcurrency) : "—"],
    ["Screen", deviceInfo?.screen ? `${deviceInfo.screen.width}×${deviceInfo.screen.height}` : "—"],
  ];

  return (
    <>
      <h1 style={{ margin: 0 }}>Settings</h1>
      <section className="card stack" aria-labelledby="device-heading">
        <h2 id="device-heading">This device</h2>
        <p className="small muted">What the study knows about this phone (never your name or location).</p>
        <dl className={styles.facts}>
          {facts.map(([term, value]) => (
            <div key={term} style={{ display: "contents" }}>
              <dt>{term}</dt>
              <dd className={term === "Device id" ? "mono small" : undefined}>{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section className="card stack" aria-labelledby="deletion-heading">
        <h2 id="deletion-heading">Delete my data</h2>
        <p className="small">Ask the researchers to delete every photo and detail this device sent to the study.</p>
        {deletion.state === "done" ? (
          <p className="notice" role="status">
            {deletion.message}
          </p>
        ) : (
          <button
            type="button"
            className={`button danger ${styles.bigButton}`}
            disabled={deletion.state === "sending"}
            onClick={async () => {
              setDeletion({ state: "sending" });
              try {
                const device = await requestOwnDeletion(session.deviceToken);
                const when = device.deletionRequestedAt ? new Date(device.deletionRequestedAt).toLocaleString() : "now";
                setDeletion({ state: "done", message: `Deletion requested (${when}). The researchers will delete this device's photos and data.` });
              } catch (e) {
                setDeletion({ state: "error", message: e instanceof Error ? e.message : String(e) });
              }
            }}
          >
            {deletion.state === "sending" ? "Sending…" : "Ask for deletion of my data"}
          </button>
        )}
        {deletion.state === "error" && (
          <p className="notice error" role="alert">
            The request could not be sent: {deletion.message}
          </p>
        )}
      </section>

      <section className="card stack" aria-labelledby="forget-heading">
        <h2 id="forget-heading">Forget this device</h2>
        <p className="small">
          This phone forgets that it joined. Photos already uploaded stay with the study (ask for deletion above first if you want them gone). Next time you open the link you
          join as a new device.
        </p>
        {!confirmForget ? (
          <button type="button" className={`button secondary ${styles.bigButton}`} onClick={() => setConfirmForget(true)}>
            Forget this device
          </button>
        ) : (
          <div className="stack">
            {waiting > 0 && (
              <p className="notice error" role="alert">
                {waiting} photo{waiting === 1 ? " has" : "s have"} not been uploaded yet and will be lost.
              </p>
            )}
            <button
              type="button"
              className={`button danger ${styles.bigButton}`}
              onClick={async () => {
                await forget({ discardWaiting: true });
                router.push(`/join/${encodeURIComponent(session.study.code)}`);
              }}
            >
              {waiting > 0 ? "Forget and discard them" : "Yes, forget this device"}
            </button>
            <button type="button" className={`button secondary ${styles.bigButton}`} onClick={() => setConfirmForget(false)}>
              Cancel
            </button>
          </div>
        )}
      </section>
    </>
  );
}
