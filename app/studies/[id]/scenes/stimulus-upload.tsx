"use client";
// Uploads a stimulus ZIP to POST /api/v1/studies/{id}/stimuli and shows what was imported, or the
// server's reason for refusing it (nothing is imported then).
import { useRouter } from "next/navigation";
import { useState } from "react";

type Outcome = { kind: "ok"; text: string } | { kind: "error"; text: string } | { kind: "busy" };

export function StimulusUpload({ studyId, csrfToken }: { studyId: string; csrfToken: string }) {
  const router = useRouter();
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  return (
    <form
      className="stack"
      onSubmit={async (event) => {
        event.preventDefault();
        const form = event.currentTarget;
        const file = (form.elements.namedItem("zip") as HTMLInputElement).files?.[0];
        if (!file) return setOutcome({ kind: "error", text: "Choose a ZIP file first." });
        setOutcome({ kind: "busy" });
        const body = new FormData();
        body.append("file", file, file.name);
        try {
          const response = await fetch(`/api/v1/studies/${encodeURIComponent(studyId)}/stimuli`, { method: "POST", body, headers: { "X-CSRF-Token": csrfToken } });
          const json = (await response.json().catch(() => null)) as { created?: number; updated?: number; error?: { message?: string } } | null;
          if (!response.ok) return setOutcome({ kind: "error", text: json?.error?.message ?? `The server answered ${response.status}.` });
          setOutcome({ kind: "ok", text: `Imported: ${json?.created ?? 0} new scenes, ${json?.updated ?? 0} updated.` });
          form.reset();
          router.refresh();
        } catch {
          setOutcome({ kind: "error", text: "The server could not be reached." });
        }
      }}
    >
      <div className="row">
        <label className="visually-hidden" htmlFor="stimulus-zip">
          Stimulus ZIP
        </label>
        <input id="stimulus-zip" name="zip" type="file" accept=".zip,application/zip" data-testid="stimulus-zip" />
        <button className="button" type="submit" disabled={outcome?.kind === "busy"}>
          {outcome?.kind === "busy" ? "Uploading…" : "Upload"}
        </button>
      </div>
      {outcome && outcome.kind !== "busy" && (
        <p className={`notice small ${outcome.kind === "error" ? "error" : ""}`} role={outcome.kind === "error" ? "alert" : "status"} data-testid="stimulus-outcome">
          {outcome.text}
        </p>
      )}
    </form>
  );
}
