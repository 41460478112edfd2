// One scene, everything known about it: ground truth and status under the filters, each device
// model's vote with the photo that decided it, and every capture of the scene (counted or not)
// with its device, time, size, EXIF, reference status and every prediction (phone, server
// reference, compression-probe variants).
import type { Metadata } from "next";
import Link from "next/link";
import { ChartCard, Num } from "@/components/dashboard/chart-card";
import { DashboardGate } from "@/components/dashboard/dashboard-gate";
import { DashboardFrame } from "@/components/dashboard/dashboard-frame";
import styles from "@/components/dashboard/dashboard.module.css";
import { dashboardPagePath, loadDashboard, orNotFound } from "@/components/dashboard/load-dashboard";
import { thumbnailSrc, VoteCard } from "@/components/dashboard/vote-card";
import { ResearcherPage } from "@/components/researcher/researcher-page";
import { dashboardHref, toSearch, type SearchParamsRecord } from "@/lib/analytics/dashboard-filters";
import { formatCount, formatProbability, formatRatio, formatTimestamp } from "@/lib/analytics/format-metric";
import { getSceneReport } from "@/lib/analytics/get-scene-report";

export const metadata: Metadata = { title: "Scene · Dashboard" };
export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string; sceneId: string }>; searchParams: Promise<SearchParamsRecord> };

const formatMs = (ms: number | null) => (ms === null ? "—" : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`);

async function Scene({ studyId, sceneId, searchParams }: { studyId: string; sceneId: string; searchParams: SearchParamsRecord }) {
  const { sql, parsed, frame } = await loadDashboard(studyId, "scenes", searchParams);
  if (!parsed.ok) return <DashboardFrame {...frame} filterError={parsed.message}>{null}</DashboardFrame>;
  const { query, filters } = parsed;
  const report = await orNotFound(getSceneReport(sql, studyId, sceneId, query));
  const { scene, summary } = report;
  const truthName = scene.labelIndex === null ? null : (scene.label ?? `class ${scene.labelIndex}`);
  const status = !summary
    ? { text: "no votes under these filters", badge: "badge" }
    : !summary.isEligible
      ? { text: "not eligible (one device model)", badge: "badge" }
      : summary.isUnstable
        ? { text: `unstable: ${summary.distinctLabels} different labels`, badge: "badge danger" }
        : { text: "stable: every device model agrees", badge: "badge ok" };
  const counted = report.captures.filter((c) => c.inScope).length;
  return (
    <DashboardFrame {...frame}>
      <section className="card stack" data-testid="scene-header" aria-label="Scene">
        <div className={styles.sceneHead}>
          <h2 style={{ margin: 0, overflowWrap: "anywhere" }}>Scene {scene.key}</h2>
          <Link href={dashboardHref(studyId, "scenes", filters)}>← All divergent scenes</Link>
        </div>
        <div className="row small">
          <span className={status.badge} data-testid="scene-status">
            {status.text}
          </span>
          <span>{truthName ? `Ground truth: ${truthName} (class ${scene.labelIndex})` : scene.label ? `Label “${scene.label}” (not one of the model's classes)` : "No ground truth"}</span>
          {summary ? (
            <span data-testid="scene-majority">
              Majority: {summary.majority.label ?? `class ${summary.majority.index}`} ({formatRatio({ numerator: summary.majority.votes, denominator: summary.votes, value: summary.majority.votes / summary.votes }, "votes")})
            </span>
          ) : null}
          {summary?.isCorrectnessMixed ? <span className="badge warn">some votes right, some wrong</span> : null}
          <span className="muted">
            {formatCount(counted)} of {formatCount(report.captures.length)} captures counted under the filters · position {scene.position}
          </span>
          <a href={`/api/v1/studies/${encodeURIComponent(studyId)}/analytics/scenes/${encodeURIComponent(sceneId)}${toSearch(filters)}`}>JSON</a>
        </div>
      </section>

      {report.votes.length ? (
        <section className="card stack" aria-label="Votes">
          <h2 style={{ margin: 0, fontSize: "1.15rem" }}>Votes ({query.source === "device" ? "phones" : "server reference"})</h2>
          <div className={styles.photoRow} data-testid="scene-votes">
            {report.votes.map((vote) => (
              <VoteCard key={vote.deviceModel} vote={vote} href={`#capture-${vote.captureId}`} sceneKey={scene.key} isMajority={summary ? vote.label === summary.majority.index : undefined} source={query.source} />
            ))}
          </div>
        </section>
      ) : null}

      <ChartCard title="Captures" description={`Every capture of this scene in capture order; faded ones are not counted under the current filters and source.`}>
        <div className={styles.captureGrid}>
          {report.captures.map((capture) => (
            <article key={capture.id} id={`capture-${capture.id}`} className={`card ${styles.capture}`} data-in-scope={String(capture.inScope)} data-testid="scene-capture">
              <a href={`/api/v1/captures/${encodeURIComponent(capture.id)}/image`} target="_blank" rel="noreferrer" title="Open the stored photo">
                {/* Plain <img>: the thumbnail endpoint already resizes and caches the photo. */}
                {/* eslint-disable-next-line @next/next/no-img-element */}
                <img src={thumbnailSrc(capture.id, 640)} alt={`${capture.deviceModelKey}'s photo of ${scene.key}`} width={640} height={480} loading="lazy" decoding="async" />
              </a>
              <strong style={{ overflowWrap: "anywhere" }}>{capture.deviceModelKey}</strong>
              <dl className={styles.facts}>
                <dt>Taken</dt>
                <dd>{formatTimestamp(capture.createdAt)}</dd>
                <dt>Device</dt>
                <dd className="mono">
                  {capture.deviceId.slice(0, 13)}… {capture.device.isSimulated ? <span className="badge warn">simulated</span> : null}
                </dd>
                <dt>Method</dt>
                <dd>
                  {capture.captureMethod}
                  {capture.burstId ? ` · burst shot ${(capture.burstIndex ?? 0) + 1}` : ""}
                </dd>
                <dt>Photo</dt>
                <dd>
                  {capture.width}×{capture.height} {capture.mime.replace("image/", "")}, {formatCount(Math.round(capture.sizeBytes / 1024))} KB
                </dd>
                <dt>EXIF</dt>
                <dd>{[capture.exif.make, capture.exif.model, capture.exif.software].filter(Boolean).join(" · ") || "—"}</dd>
                <dt>Reference</dt>
                <dd>
                  {capture.referenceStatus}
                  {capture.referenceError ? ` (${capture.referenceError})` : ""}
                </dd>
                <dt>Counted</dt>
                <dd>{capture.inScope ? "yes" : "no (filtered out)"}</dd>
              </dl>
              <div className="table-scroll">
                <table className="small">
                  <thead>
                    <tr>
                      <th>Prediction</th>
                      <th>Top-3</th>
                      <th className={styles.numeric}>Inference</th>
                    </tr>
                  </thead>
                  <tbody>
                    {capture.predictions.map((p) => (
                      <tr key={`${p.source}/${p.variant}`} data-testid="prediction" data-source={p.source} data-variant={p.variant}>
                        <td>
                          {p.source === "device" ? "phone" : "reference"}
                          {p.variant !== "original" ? ` (${p.variant})` : ""}
                          <div className="muted">
                            {p.backend}
                            {p.webgpuFailure ? " · WebGPU failed" : ""}
                          </div>
                        </td>
                        <td>
                          {p.top.slice(0, 3).map((entry) => (
                            <div key={entry.index}>
                              {entry.label} <span className="muted">{formatProbability(entry.prob)}</span>
                            </div>
                          ))}
                        </td>
                        <Num>{formatMs(p.timings.inferenceMs)}</Num>
                      </tr>
                    ))}
                    {capture.predictions.length === 0 ? (
                      <tr>
                        <td colSpan={3} className="muted">
                          No predictions stored.
                        </td>
                      </tr>
                    ) : null}
                  </tbody>
                </table>
              </div>
            </article>
          ))}
        </div>
        {report.captures.length === 0 ? <p className="muted">Nobody has photographed this scene yet.</p> : null}
      </ChartCard>
    </DashboardFrame>
  );
}

export default async function DashboardScenePage({ params, searchParams }: Props) {
  const { id, sceneId } = await params;
  const sp = await searchParams;
  return (
    <ResearcherPage path={dashboardPagePath(id, `scenes/${encodeURIComponent(sceneId)}`, sp)}>
      <DashboardGate studyId={id} sceneId={sceneId}>
        <Scene studyId={id} sceneId={sceneId} searchParams={sp} />
      </DashboardGate>
    </ResearcherPage>
  );
}
