"use client";
// A dashboard view that failed to load says so, offers a retry, and keeps the error's reference
// (the server log has the details).
import Link from "next/link";
import { useEffect } from "react";

export default function DashboardError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <main className="page stack">
      <div className="notice error" role="alert">
        <h1 style={{ fontSize: "1.3rem" }}>The dashboard could not be loaded</h1>
        <p>Computing these numbers failed on the server. Trying again often helps; if it keeps failing, the server log has the reason.</p>
        {error.digest ? <p className="small mono">Reference: {error.digest}</p> : null}
        <div className="row">
          <button type="button" className="button" onClick={() => reset()}>
            Try again
          </button>
          <Link className="button secondary" href="/studies">
            All studies
          </Link>
        </div>
      </div>
    </main>
  );
}
