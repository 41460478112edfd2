import type { Metadata } from "next";
import { SiteHeader } from "@/components/site-header";
import { JoinCodeForm } from "@/components/join-code-form";

export const metadata: Metadata = { title: "Join a study" };

export default function JoinPage() {
  return (
    <>
      <SiteHeader />
      <main className="page-narrow stack">
        <h1>Join a study</h1>
        <p>Type the code shown on the study&apos;s poster or screen. Scanning its QR code brings you here directly.</p>
        <div className="card">
          <JoinCodeForm />
        </div>
      </main>
    </>
  );
}
