// The researcher's studies: name, model, devices, captures, last activity and status, newest first.
import type { Metadata } from "next";
import Link from "next/link";
import { ResearcherPage } from "@/components/researcher/researcher-page";
import { formatUtc } from "@/components/workspace/format-workspace";
import styles from "@/components/workspace/workspace.module.css";
import { getPrisma } from "@/lib/db/database";
import { listStudySummaries } from "@/lib/studies/list-study-summaries";

export const metadata: Metadata = { title: "Studies" };
export const dynamic = "force-dynamic";

export default async function StudiesPage() {
  return (
    <ResearcherPage path="/studies">
      <StudiesList />
    </ResearcherPage>
  );
}

async function StudiesList() {
  const studies = await listStudySummaries(await getPrisma());
  return (
    <>
      <div className={styles.pageHead}>
        <h1>Studies</h1>
        <Link className="button" href="/studies/new">
          New study
        </Link>
      </div>
      {studies.length === 0 ? (
        <section className="card stack">
          <h2>No studies yet</h2>
          <p className="muted">Create a study, print its poster and let volunteers scan the QR code with their phones.</p>
        </section>
      ) : (
        <>
          <div className={styles.listHeader} aria-hidden="true">
            <span>Study</span>
            <span>Model</span>
            <span className={styles.num}>Devices</span>
            <span className={styles.num}>Captures</span>
            <span>Last activity</span>
            <span>Status</span>
          </div>
          <ul className={styles.studyList} aria-label="Studies">
            {studies.map((study) => (
              <li key={study.id} className={`card ${styles.studyRow}`} data-testid="study-row" data-study-id={study.id}>
                <div className={styles.titleLine}>
                  <Link className={styles.studyName} href={`/studies/${encodeURIComponent(study.id)}`}>
                    {study.name}
                  </Link>
                  {study.isDemo ? <span className="badge">demo</span> : null}
                </div>
                <div className={styles.studyMeta}>
                  <span>
                    <span className={styles.label}>Model </span>
                    {study.model.name}
                  </span>
                  <span className={styles.num}>
                    <strong>{study.devices.toLocaleString("en-US")}</strong>
                    <span className={styles.label}>{study.devices === 1 ? " device" : " devices"}</span>
                  </span>
                  <span className={styles.num}>
                    <strong>{study.captures.toLocaleString("en-US")}</strong>
                    <span className={styles.label}>{study.captures === 1 ? " capture" : " captures"}</span>
                  </span>
                  <span>
                    <span className={styles.label}>Last activity </span>
                    {formatUtc(study.lastActivityAt)}
                  </span>
                  <span className={styles.titleLine}>
                    <span className={`badge ${study.status === "open" ? "ok" : "warn"}`}>{study.status}</span>
                    {study.deletionRequests > 0 ? (
                      <span className="badge danger" title="Volunteers asked for their data to be deleted">
                        {study.deletionRequests} deletion {study.deletionRequests === 1 ? "request" : "requests"}
                      </span>
                    ) : null}
                  </span>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
