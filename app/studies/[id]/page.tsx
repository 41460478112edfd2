// A study's page: the join link with a large QR code and the printable poster, live counters,
// recent captures and devices (updating without reload), links to the dashboards, scenes, display
// mode and export, and closing or deleting the study.
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ResearcherPage } from "@/components/researcher/researcher-page";
import { pageBaseUrl } from "@/components/workspace/page-base-url";
import { StudyControls } from "@/components/workspace/study-controls";
import { StudyLivePanel } from "@/components/workspace/study-live-panel";
import styles from "@/components/workspace/workspace.module.css";
import { AppError } from "@/lib/api/app-error";
import { getPrisma } from "@/lib/db/database";
import { getStudyById } from "@/lib/studies/get-study";
import { getStudyLive } from "@/lib/studies/get-study-live";
import { renderJoinQrSvg } from "@/lib/studies/render-join-qr-svg";
import { joinUrlFor } from "@/lib/studies/study-views";

export const metadata: Metadata = { title: "Study" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export default async function StudyPage({ params }: Props) {
  const { id } = await params;
  return (
    <ResearcherPage path={`/studies/${encodeURIComponent(id)}`}>
      <Study id={id} />
    </ResearcherPage>
  );
}

async function loadStudy(id: string) {
  const prisma = await getPrisma();
  try {
    return await Promise.all([getStudyById(prisma, id), getStudyLive(prisma, id)]);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
}

async function Study({ id }: { id: string }) {
  const [study, live] = await loadStudy(id);
  const joinUrl = joinUrlFor(await pageBaseUrl(), study.code);
  const qrSvg = await renderJoinQrSvg(joinUrl, { title: `QR code to join ${study.name}` });
  const href = (suffix: string) => `/studies/${encodeURIComponent(study.id)}${suffix}`;
  const status = study.status === "closed" ? "closed" : "open";
  return (
    <>
      <div className={styles.pageHead}>
        <div style={{ minWidth: 0 }}>
          <div className={styles.titleLine}>
            <h1>{study.name}</h1>
            <span className={`badge ${status === "open" ? "ok" : "warn"}`} data-testid="status-badge">
              {status}
            </span>
            {study.isDemo ? <span className="badge">demo</span> : null}
          </div>
          {study.description ? <p className={styles.description}>{study.description}</p> : null}
          <p className={styles.description}>
            Model <Link href="/models">{study.model.name}</Link>
          </p>
        </div>
      </div>
      <nav className={styles.linkRow} aria-label="Study tools">
        <Link className="button secondary" href={href("/dashboard")}>
          Dashboards
        </Link>
        <Link className="button secondary" href={href("/scenes")}>
          Scenes
        </Link>
        <Link className="button secondary" href={`/display/${encodeURIComponent(study.id)}`}>
          Display mode
        </Link>
        <Link className="button secondary" href={href("/export")}>
          Export
        </Link>
      </nav>
      <div className={styles.studyGrid}>
        <section className={`card ${styles.joinCard} ${styles.joinArea}`} aria-labelledby="join-heading">
          <h2 id="join-heading" style={{ margin: 0 }}>
            Invite volunteers
          </h2>
          {status === "closed" ? <p className="notice small">Closed: the link shows that the study is closed.</p> : null}
          <div className={styles.qr} data-testid="join-qr" dangerouslySetInnerHTML={{ __html: qrSvg }} />
          <p className={styles.joinCode} data-testid="join-code">
            {study.code}
          </p>
          <p className={styles.joinUrl}>
            <a href={joinUrl} data-testid="join-url">
              {joinUrl}
            </a>
          </p>
          <Link className="button" href={href("/poster")}>
            Printable poster
          </Link>
        </section>
        <div className={styles.liveArea}>
          <StudyLivePanel initial={live} />
        </div>
        <div className={styles.controlsArea}>
          <StudyControls study={{ id: study.id, name: study.name, code: study.code, status }} />
        </div>
      </div>
    </>
  );
}
