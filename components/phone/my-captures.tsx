"use client";
// "My captures": what this phone still holds (waiting or refused, with the server's reason) and
// what the server has from this device, with the phone's answer next to the server's reference
// answer on the same bytes once the server has computed it.
import { useCallback, useEffect, useState } from "react";
import { CaptureOutbox, type OutboxItem } from "@/lib/capture/capture-outbox";
import type { CaptureView, PredictionView } from "@/lib/captures/capture-schemas";
import { captureMethodLabel } from "./capture-method-label";
import { fetchOwnCaptures } from "./phone-api";
import { usePhone } from "./phone-provider";
import styles from "./phone.module.css";

function topOne(prediction: PredictionView | undefined): string {
  const top = prediction?.top[0];
  return top ? `${top.label} (${(top.prob * 100).toFixed(0)}%)` : "—";
}

function formatTime(iso: string | number): string {
  return new Date(iso).toLocaleString([], { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

function ServerCapture({ capture }: { capture: CaptureView }) {
  const device = capture.predictions.find((p) => p.source === "device" && p.variant === "original");
  const reference = capture.predictions.find((p) => p.source === "reference" && p.variant === "original");
  const same = device && reference ? device.top1Index === reference.top1Index : undefined;
  const referenceText =
    reference !== undefined
      ? topOne(reference)
      : capture.referenceStatus === "failed"
        ? `failed${capture.referenceError ? `: ${capture.referenceError}` : ""}`
        : capture.referenceStatus === "skipped"
          ? "not computed"
          : "being computed…";
  return (
    <li className={`card ${styles.listItem}`} data-testid="server-capture" data-reference={reference ? "done" : capture.referenceStatus}>
      <div className={styles.listTop}>
        <strong>Scene {capture.sceneKey}</strong>
        <span className="small muted">{formatTime(capture.capturedAt ?? capture.createdAt)}</span>
      </div>
      <dl className={styles.compare}>
        <dt>Your phone</dt>
        <dd>{topOne(device)}</dd>
        <dt>Server</dt>
        <dd>{referenceText}</dd>
      </dl>
      <div className="row small">
        {same === true && <span className="badge">Same answer</span>}
        {same === false && <span className="badge warn">Different answer</span>}
        <span className="muted">{captureMethodLabel(capture.captureMethod)}</span>
      </div>
    </li>
  );
}

function LocalCapture({ item }: { item: OutboxItem }) {
  return (
    <li className={`card ${styles.listItem}`} data-testid="local-capture">
      <div className={styles.listTop}>
        <strong>Scene {(item.meta as { sceneKey?: string }).sceneKey ?? "?"}</strong>
        <span className="small muted">{formatTime(item.createdAt)}</span>
      </div>
      {item.state === "rejected" ? (
        <p className="notice error small" style={{ margin: 0 }}>
          Refused by the server: {item.lastError}
        </p>
      ) : (
        <p className="small" style={{ margin: 0 }}>
          <span className="badge warn">Waiting to upload</span> {item.lastError ? <span className="muted">Last attempt: {item.lastError}</span> : null}
        </p>
      )}
    </li>
  );
}

async function readCaptures(token: string, studyId: string): Promise<{ local: OutboxItem[]; server?: CaptureView[]; error?: string }> {
  const outboxDb = await CaptureOutbox.open();
  const local = await outboxDb.list(studyId);
  outboxDb.close();
  try {
    return { local, server: await fetchOwnCaptures(token) };
  } catch (e) {
    return { local, error: e instanceof Error ? e.message : String(e) };
  }
}

export function MyCaptures() {
  const { session, status, outbox } = usePhone();
  const [serverCaptures, setServerCaptures] = useState<CaptureView[] | undefined>();
  const [localItems, setLocalItems] = useState<OutboxItem[]>([]);
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const token = session?.deviceToken;
  const studyId = session?.study.id;

  const load = useCallback(async () => {
    if (!token || !studyId) return;
    const { local, server, error: problem } = await readCaptures(token, studyId);
    setLocalItems(local);
    if (server) setServerCaptures(server);
    setError(problem);
  }, [token, studyId]);

  // Reload when the page opens and whenever the outbox changes (a capture was uploaded).
  useEffect(() => {
    const timer = setTimeout(() => void load(), 0);
    return () => clearTimeout(timer);
  }, [load, outbox.pending, outbox.rejected]);

  // While the server is still computing reference answers, look again every few seconds.
  const waitingForServer = serverCaptures?.some((c) => c.referenceStatus === "pending" || c.referenceStatus === "running") ?? false;
  useEffect(() => {
    if (!waitingForServer) return;
    const timer = setTimeout(() => void load(), 4000);
    return () => clearTimeout(timer);
  }, [waitingForServer, serverCaptures, load]);

  if (status !== "joined") return <div className={`card ${styles.skeleton}`} aria-busy="true" aria-label="Loading" />;

  return (
    <>
      <div className={styles.listTop}>
        <h1 style={{ margin: 0 }}>My captures</h1>
        <button
          type="button"
          className="button secondary"
          disabled={loading}
          onClick={async () => {
            setLoading(true);
            await load();
            setLoading(false);
          }}
        >
          {loading ? "Loading…" : "Refresh"}
        </button>
      </div>
      <p className="small muted" style={{ margin: 0 }}>
        The server runs the same model on each uploaded photo. When both answers differ, the phone&apos;s runtime changed the result.
      </p>
      {error && (
        <p className="notice error" role="alert">
          {error} {localItems.length ? "Photos still on this phone are listed below." : ""}
        </p>
      )}
      {localItems.length > 0 && (
        <section aria-label="Still on this phone" className="stack">
          <h2>On this phone</h2>
          <ul className={styles.list}>
            {localItems.map((item) => (
              <LocalCapture key={item.clientCaptureId} item={item} />
            ))}
          </ul>
        </section>
      )}
      <section aria-label="Uploaded" className="stack">
        <h2>Uploaded</h2>
        {serverCaptures === undefined ? (
          <p className="muted">{error ? "Not available right now." : "Loading…"}</p>
        ) : serverCaptures.length === 0 ? (
          <p className="muted">Nothing uploaded yet.</p>
        ) : (
          <ul className={styles.list} data-testid="server-captures">
            {serverCaptures.map((capture) => (
              <ServerCapture key={capture.id} capture={capture} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
