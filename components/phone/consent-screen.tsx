"use client";
// Before anything is collected: the study's own consent text, what taking part means on this
// phone, and two plain choices. Nothing (not even device details) leaves the phone before "I agree".
import Link from "next/link";
import { useState } from "react";
import type { JoinPreview } from "@/lib/studies/get-join-preview";
import { usePhone } from "./phone-provider";
import styles from "./phone.module.css";

function formatMegabytes(bytes: number): string {
  return bytes < 1e6 ? `${Math.max(1, Math.round(bytes / 1e3))} KB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

export function ConsentScreen({ preview }: { preview: JoinPreview }) {
  const { join } = usePhone();
  const [choice, setChoice] = useState<"undecided" | "joining" | "declined">("undecided");
  const [error, setError] = useState<string | undefined>();

  if (preview.status === "closed") {
    return (
      <section className="card stack" aria-labelledby="closed-heading">
        <h1 id="closed-heading">{preview.name}</h1>
        <p className="notice">This study is closed and no longer takes new participants. Thank you for your interest.</p>
        <Link className="button secondary block" href="/join">
          Join another study
        </Link>
      </section>
    );
  }

  if (choice === "declined") {
    return (
      <section className="card stack" aria-labelledby="declined-heading">
        <h1 id="declined-heading">No problem</h1>
        <p>You did not join. Nothing was collected and nothing was stored on the server.</p>
        <button type="button" className={`button secondary ${styles.bigButton}`} onClick={() => setChoice("undecided")}>
          Read the study information again
        </button>
      </section>
    );
  }

  return (
    <section className="card stack" aria-labelledby="consent-heading">
      <h1 id="consent-heading">{preview.name}</h1>
      {preview.description && <p className="muted">{preview.description}</p>}
      <h2>Before you take part</h2>
      <p className={styles.consentText} data-testid="consent-text">
        {preview.consentText}
      </p>
      <p className="small muted">
        Your phone will download the study&apos;s image model ({formatMegabytes(preview.model.sizeBytes)}) once and run it itself. Photos wait on this
        phone until they are uploaded, even without a network.
      </p>
      {error && (
        <p className="notice error" role="alert">
          {error}
        </p>
      )}
      <div className={styles.consentActions}>
        <button
          type="button"
          className={`button ${styles.bigButton}`}
          disabled={choice === "joining"}
          onClick={async () => {
            setChoice("joining");
            setError(undefined);
            try {
              await join();
            } catch (e) {
              setError(e instanceof Error ? e.message : String(e));
              setChoice("undecided");
            }
          }}
        >
          {choice === "joining" ? "Joining…" : "I agree, take part"}
        </button>
        <button type="button" className={`button secondary ${styles.bigButton}`} disabled={choice === "joining"} onClick={() => setChoice("declined")}>
          No thanks
        </button>
      </div>
    </section>
  );
}
