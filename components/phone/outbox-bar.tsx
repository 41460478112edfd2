"use client";
// How many photos wait to be uploaded, always visible, with "Retry now". Says why the last attempt
// failed (offline, server busy) and shows captures the server refused with its reason.
import { useEffect, useState } from "react";
import { usePhone } from "./phone-provider";
import styles from "./phone.module.css";

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

export function OutboxBar() {
  const { outbox, retryNow } = usePhone();
  const [busy, setBusy] = useState(false);
  const waiting = outbox.pending;
  const now = useNow(waiting > 0 && outbox.nextAttemptAt !== undefined);
  const state = outbox.rejected > 0 ? "rejected" : waiting > 0 ? "waiting" : "done";
  const inSeconds = outbox.nextAttemptAt !== undefined ? Math.max(0, Math.ceil((outbox.nextAttemptAt - now) / 1000)) : undefined;

  let detail: string;
  if (outbox.uploading && waiting > 0) detail = "Uploading…";
  else if (waiting > 0 && outbox.held === waiting) detail = "Checking the photo on this phone…";
  else if (waiting > 0 && outbox.lastError) detail = `${inSeconds !== undefined ? `Next try in ${inSeconds} s · ` : ""}${outbox.lastError}`;
  else if (outbox.rejected > 0) detail = `Refused: ${outbox.rejectedItems.at(-1)?.error ?? "by the server"}`;
  else if (waiting > 0) detail = "Uploading soon.";
  else detail = "Nothing is waiting.";

  return (
    <section className={styles.outbox} data-state={state} aria-label="Uploads" data-testid="outbox-bar">
      <p className={styles.outboxText} role="status" aria-live="polite" style={{ margin: 0 }}>
        {waiting === 0 && outbox.rejected === 0 ? (
          <strong>All photos uploaded</strong>
        ) : (
          <strong>
            <span data-testid="outbox-count">{waiting}</span> waiting to upload
            {outbox.rejected > 0 ? ` · ${outbox.rejected} refused` : ""}
          </strong>
        )}
        {waiting === 0 && outbox.rejected === 0 && (
          <span className="visually-hidden">
            {" "}
            <span data-testid="outbox-count">0</span> waiting
          </span>
        )}
        <span className={styles.outboxDetail} title={detail}>
          {detail}
        </span>
      </p>
      <button
        type="button"
        className={`button secondary ${styles.outboxButton}`}
        disabled={busy || (waiting === 0 && outbox.rejected === 0)}
        onClick={async () => {
          setBusy(true);
          try {
            await retryNow();
          } finally {
            setBusy(false);
          }
        }}
      >
        Retry now
      </button>
    </section>
  );
}
