import Link from "next/link";
import { SiteHeader } from "@/components/site-header";
import { JoinCodeForm } from "@/components/join-code-form";

export default function LandingPage() {
  return (
    <>
      <SiteHeader>
        <Link href="/join">Join a study</Link>
        <Link href="/signin">Researcher sign-in</Link>
      </SiteHeader>
      <main className="page-narrow stack">
        <h1>Same model, different phones, different answers.</h1>
        <p>
          Parallax measures how differently one image model behaves across devices. Volunteers photograph the same
          scenes with their own phones; the model runs right on each phone, and researchers see where — and why — the
          answers diverge: the camera&apos;s image processing, compression, or the phone&apos;s runtime.
        </p>
        <section className="card stack" aria-labelledby="join-heading">
          <h2 id="join-heading">Join a study</h2>
          <p className="muted small">Scan the study&apos;s QR code, or type the code you were given.</p>
          <JoinCodeForm />
        </section>
        <section className="card stack" aria-labelledby="research-heading">
          <h2 id="research-heading">For researchers</h2>
          <p className="muted small">
            Create studies, run controlled sessions with many phones, watch instability dashboards and export
            divergent-image datasets.
          </p>
          <Link className="button secondary" href="/signin">
            Researcher sign-in
          </Link>
        </section>
        <p className="muted small">
          Parallax never keeps your location: GPS data is removed from every photo before it is stored.
        </p>
      </main>
    </>
  );
}
