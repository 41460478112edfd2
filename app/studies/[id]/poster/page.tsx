// The printable join poster: the study's name, a large QR code, one line of instructions and the
// link typed out. A4 portrait; the toolbar disappears in print.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { PrintButton } from "@/components/workspace/print-button";
import { pageBaseUrl } from "@/components/workspace/page-base-url";
import styles from "@/components/workspace/workspace.module.css";
import { AppError } from "@/lib/api/app-error";
import { requireResearcherPage } from "@/lib/auth/current-researcher";
import { getPrisma } from "@/lib/db/database";
import { getStudyById } from "@/lib/studies/get-study";
import { renderJoinQrSvg } from "@/lib/studies/render-join-qr-svg";
import { joinUrlFor } from "@/lib/studies/study-views";

export const metadata: Metadata = { title: "Poster" };
export const dynamic = "force-dynamic";

const PRINT_PAGE_CSS = "@page { size: A4 portrait; margin: 14mm; } @media print { body { background: #fff; } }";

export default async function PosterPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireResearcherPage(`/studies/${encodeURIComponent(id)}/poster`);
  const study = await getStudyById(await getPrisma(), id).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  const joinUrl = joinUrlFor(await pageBaseUrl(), study.code);
  const qrSvg = await renderJoinQrSvg(joinUrl, { title: `QR code to join ${study.name}` });
  return (
    <>
      <style>{PRINT_PAGE_CSS}</style>
      <div className={styles.posterToolbar}>
        <Link href={`/studies/${encodeURIComponent(study.id)}`}>← Back to the study</Link>
        <PrintButton />
      </div>
      <main className={styles.poster} data-testid="poster">
        <p className={styles.posterKicker}>Take part in a study</p>
        <h1 className={styles.posterTitle}>{study.name}</h1>
        <div className={styles.posterQr} data-testid="poster-qr" dangerouslySetInnerHTML={{ __html: qrSvg }} />
        <p className={styles.posterInstruction}>Scan with your phone&apos;s camera, then photograph what the study asks for.</p>
        <p className={styles.posterSmall}>
          Or open <strong>{joinUrl}</strong> — code <span className={styles.posterCode}>{study.code}</span>
        </p>
        <p className={styles.posterSmall}>Your location is never kept. No account needed.</p>
      </main>
    </>
  );
}
