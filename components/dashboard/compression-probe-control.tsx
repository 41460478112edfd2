"use client";
// The compression probe's progress for a study and the button that asks the server to run it.
// While it runs, the progress is polled and the page re-rendered as captures are probed, so the
// flip-rate table and chart fill in without a reload.
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { CompressionProbeStatus } from "@/lib/analytics/compression-probe-status";
import styles from "./dashboard.module.css";

const POLL_MS = 2000;

function describe(status: CompressionProbeStatus): string {
  const { probedCaptures: probed, probeableCaptures: total } = status;
  if (total === 0) return "No capture has a server reference prediction yet: nothing to probe.";
  const base = `${probed.toLocaleString("en-GB")} of ${total.toLocaleString("en-GB")} captures probed at every setting`;
  if (status.state === "running") return `${base}; probing…`;
  if (status.state === "queued") return `${base}; waiting for its turn…`;
  return `${base}.`;
}

export function CompressionProbeControl({ studyId, csrfToken, initial }: { studyId: string; csrfToken: string; initial: CompressionProbeStatus }) {
  const router = useRouter();
  const [status, setStatus] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const shownProbed = useRef(initial.probedCaptures);
  const url = `/api/v1/studies/${encodeURIComponent(studyId)}/analytics/attribution/probe`;
  const isActive = status.state !== "idle";

  useEffect(() => {
    if (!isActive) return;
    let cancelled = false;
    const timer = setInterval(async () => {
      try {
        const response = await fetch(url, { cache: "no-store" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const next = (await response.json()) as CompressionProbeStatus;
        if (cancelled) return;
        setStatus(next);
        // Re-render the server part (table, chart) when more captures are probed, and at the end.
        if (next.probedCaptures !== shownProbed.current || next.state === "idle") {
          shownProbed.current = next.probedCaptures;
          router.refresh();
        }
      } catch (reason) {
        if (!cancelled) setError(`Could not read the probe's progress (${reason instanceof Error ? reason.message : String(reason)}).`);
      }
    }, POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [isActive, url, router]);

  const run = async () => {
    setSending(true);
    setError(null);
    try {
      const response = await fetch(url, { method: "POST", headers: { "X-CSRF-Token": csrfToken } });
      const body = (await response.json()) as CompressionProbeStatus & { error?: { message: string } };
      if (!response.ok) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
      setStatus(body);
    } catch (reason) {
      setError(`The probe could not be started: ${reason instanceof Error ? reason.message : String(reason)}`);
    } finally {
      setSending(false);
    }
  };

  const remaining = status.remainingCaptures;
  return (
    <div className={styles.probeControl} data-testid="probe-control" data-state={status.state}>
      <p data-testid="probe-progress" aria-live="polite">
        {describe(status)}
        {status.referencePending > 0 ? ` ${status.referencePending.toLocaleString("en-GB")} capture(s) still wait for their reference prediction; the probe runs after them.` : ""}
        {status.failedCaptures > 0 ? ` ${status.failedCaptures.toLocaleString("en-GB")} could not be probed (${status.lastError ?? "unknown error"}).` : ""}
      </p>
      {remaining > 0 && !isActive ? (
        <button type="button" className="button secondary" onClick={run} disabled={sending} data-testid="probe-run">
          {sending ? "Starting…" : `Probe ${remaining.toLocaleString("en-GB")} capture${remaining === 1 ? "" : "s"}`}
        </button>
      ) : null}
      {error ? (
        <p role="alert" className={styles.probeError}>
          {error}
        </p>
      ) : null}
    </div>
  );
}
