// Device model × device model heatmap of pairwise instability (label, correctness or top-k
// disagreement). A cell's link (?a=&b=) lists the scenes behind it: where the two device models
// disagree, with both votes and photos.
import type { Metadata } from "next";
import Link from "next/link";
import { PairwiseHeatmap, type HeatmapCell } from "@/components/charts/pairwise-heatmap";
import { ChartCard, Num } from "@/components/dashboard/chart-card";
import { DashboardFrame } from "@/components/dashboard/dashboard-frame";
import { dashboardViewPage } from "@/components/dashboard/dashboard-view-page";
import styles from "@/components/dashboard/dashboard.module.css";
import { EmptyState } from "@/components/dashboard/empty-state";
import { loadDashboard } from "@/components/dashboard/load-dashboard";
import { VoteCard } from "@/components/dashboard/vote-card";
import { csvHref, dashboardHref, type SearchParamsRecord } from "@/lib/analytics/dashboard-filters";
import { pairScenesQuerySchema } from "@/lib/analytics/dashboard-schemas";
import { formatCount, formatRatio } from "@/lib/analytics/format-metric";
import { getPairwiseHeatmap } from "@/lib/analytics/get-study-charts";
import { listPairDisagreements } from "@/lib/analytics/list-pair-disagreements";
import type { z } from "zod";
import type { pairwiseRowSchema } from "@/lib/analytics/analytics-schemas";

export const metadata: Metadata = { title: "Device pairs · Dashboard" };
export const dynamic = "force-dynamic";

type PairRow = z.infer<typeof pairwiseRowSchema>;
const METRICS = {
  label: { title: "Label instability", noun: "shared scenes", cell: (p: PairRow): HeatmapCell => ({ a: p.a, b: p.b, numerator: p.disagreements, denominator: p.sharedScenes, value: p.instability }) },
  correctness: {
    title: "Correctness instability",
    noun: "shared scenes with ground truth",
    cell: (p: PairRow): HeatmapCell => ({ a: p.a, b: p.b, numerator: p.correctness.disagreements, denominator: p.correctness.sharedScenes, value: p.correctness.instability }),
  },
  topk: {
    title: "Top-k disagreement",
    noun: "shared scenes",
    cell: (p: PairRow): HeatmapCell => ({
      a: p.a,
      b: p.b,
      numerator: p.sharedScenes - p.topK.agreements,
      denominator: p.sharedScenes,
      value: p.topK.agreement === null ? null : 1 - p.topK.agreement,
    }),
  },
} as const;
type MetricKey = keyof typeof METRICS;
const PAGE = 50;

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

async function Pairwise({ studyId, searchParams }: { studyId: string; searchParams: SearchParamsRecord }) {
  const { sql, parsed, frame } = await loadDashboard(studyId, "pairwise", searchParams);
  if (!parsed.ok) return <DashboardFrame {...frame} filterError={parsed.message}>{null}</DashboardFrame>;
  const { query, filters } = parsed;
  const metricParam = one(searchParams.metric);
  const metricKey: MetricKey = metricParam === "correctness" || metricParam === "topk" ? metricParam : "label";
  const metric = METRICS[metricKey];
  const heatmap = (await getPairwiseHeatmap(sql, studyId, query)).body;
  const a = one(searchParams.a);
  const b = one(searchParams.b);
  const offset = Math.max(0, Number.parseInt(one(searchParams.offset) ?? "0", 10) || 0);
  const pairQuery = a && b ? pairScenesQuerySchema.safeParse({ ...Object.fromEntries(filters.entries()), a, b, limit: String(PAGE), offset: String(offset) }) : null;
  const pair = pairQuery?.success ? (await listPairDisagreements(sql, studyId, pairQuery.data)).body : null;
  const cells = heatmap.cells.map(metric.cell);
  const worst = [...cells].filter((c) => c.value !== null).sort((x, y) => (y.value ?? 0) - (x.value ?? 0))[0];
  const metricParamValue = metricKey === "label" ? undefined : metricKey;
  const pageBase = dashboardHref(studyId, "pairwise", filters, { metric: metricParamValue });
  const pairPageHref = (at: number) => dashboardHref(studyId, "pairwise", filters, { metric: metricParamValue, a, b, offset: at || undefined });

  if (heatmap.deviceModels.length < 2) {
    return (
      <DashboardFrame {...frame}>
        <EmptyState title="Pairs need at least two device models" action={{ href: dashboardHref(studyId, "", filters), label: "Back to the overview" }}>
          {heatmap.deviceModels.length === 1 ? `Only ${heatmap.deviceModels[0]} has voted under these filters.` : "No device model has voted under these filters."}
        </EmptyState>
      </DashboardFrame>
    );
  }

  return (
    <DashboardFrame {...frame}>
      <ChartCard
        title={`${metric.title} of each pair of device models`}
        testId="heatmap-card"
        description={`${formatCount(heatmap.deviceModels.length)} device models, ${formatCount(cells.filter((c) => c.denominator > 0).length)} pairs with shared scenes.${
          worst ? ` The most divergent pair is ${worst.a} × ${worst.b}: ${formatRatio(worst, metric.noun)}.` : ""
        }${metricKey === "topk" ? ` Top-k with k = ${heatmap.k}: neither top-1 is in the other's top-${heatmap.k}.` : ""}`}
        csvHref={csvHref(studyId, "heatmap", filters)}
        table={
          <table>
            <thead>
              <tr>
                <th>A</th>
                <th>B</th>
                <th className={styles.numeric}>Label instability</th>
                <th className={styles.numeric}>Correctness instability</th>
                <th className={styles.numeric}>Top-{heatmap.k} agreement</th>
              </tr>
            </thead>
            <tbody>
              {heatmap.cells.map((p) => (
                <tr key={`${p.a}|${p.b}`}>
                  <td>{p.a}</td>
                  <td>{p.b}</td>
                  <Num>{formatRatio({ numerator: p.disagreements, denominator: p.sharedScenes, value: p.instability }, "scenes")}</Num>
                  <Num>{formatRatio({ numerator: p.correctness.disagreements, denominator: p.correctness.sharedScenes, value: p.correctness.instability }, "scenes")}</Num>
                  <Num>{formatRatio({ numerator: p.topK.agreements, denominator: p.sharedScenes, value: p.topK.agreement }, "scenes")}</Num>
                </tr>
              ))}
            </tbody>
          </table>
        }
      >
        <nav className={styles.chartActions} aria-label="Heatmap metric">
          {(Object.keys(METRICS) as MetricKey[]).map((key) => (
            <Link
              key={key}
              href={dashboardHref(studyId, "pairwise", filters, { metric: key === "label" ? undefined : key, a, b })}
              aria-current={key === metricKey ? "page" : undefined}
              className={key === metricKey ? "badge ok" : "badge"}
            >
              {METRICS[key].title}
            </Link>
          ))}
        </nav>
        <PairwiseHeatmap models={heatmap.deviceModels} cells={cells} metricLabel={metric.title.toLowerCase()} noun={metric.noun} linkBase={pageBase} selected={a && b ? { a, b } : null} />
      </ChartCard>

      {a && b ? (
        <section className="card stack" id="pair-scenes" data-testid="pair-scenes" aria-label={`Scenes where ${a} and ${b} disagree`}>
          <div className={styles.chartHead}>
            <h2>
              {a} × {b}
            </h2>
            {pair ? (
              <div className={styles.chartActions}>
                <a href={csvHref(studyId, "pairs", filters, { a, b, limit: 500 })} download>
                  Download CSV
                </a>
                <Link href={pageBase}>Close</Link>
              </div>
            ) : null}
          </div>
          {!pair ? (
            <p className="notice error">These two device models cannot be compared (check the address).</p>
          ) : (
            <>
              <p className={styles.chartDescription} data-testid="pair-summary">
                They disagree on {formatRatio({ numerator: pair.disagreements, denominator: pair.sharedScenes, value: pair.sharedScenes ? pair.disagreements / pair.sharedScenes : null }, "shared scenes")}.
                {pair.disagreements > PAGE ? ` Showing ${formatCount(offset + 1)}–${formatCount(offset + pair.scenes.length)}.` : ""}
              </p>
              {pair.scenes.length === 0 ? <p className="muted">No disagreements: on every shared scene both vote the same label.</p> : null}
              {pair.scenes.map((scene) => {
                const sceneHref = dashboardHref(studyId, `scenes/${encodeURIComponent(scene.sceneId)}`, filters);
                return (
                  <div key={scene.sceneId} className={styles.sceneRow} data-testid="pair-scene">
                    <div className={styles.sceneHead}>
                      <h3>
                        <Link href={sceneHref}>{scene.sceneKey}</Link>
                      </h3>
                      <span className="muted small">
                        {scene.groundTruth ? `ground truth: ${scene.groundTruth.label ?? `class ${scene.groundTruth.index}`}` : "no ground truth"}
                      </span>
                    </div>
                    <div className={styles.photoRow}>
                      <VoteCard vote={scene.a} href={sceneHref} sceneKey={scene.sceneKey} source={query.source} />
                      <VoteCard vote={scene.b} href={sceneHref} sceneKey={scene.sceneKey} source={query.source} />
                    </div>
                  </div>
                );
              })}
              {pair.disagreements > PAGE ? (
                <div className={styles.pager}>
                  {offset > 0 ? <Link href={pairPageHref(Math.max(0, offset - PAGE))}>← Previous</Link> : <span />}
                  {offset + PAGE < pair.disagreements ? <Link href={pairPageHref(offset + PAGE)}>Next →</Link> : null}
                </div>
              ) : null}
            </>
          )}
        </section>
      ) : (
        <p className="muted small">Click a cell to list the scenes where those two device models disagree.</p>
      )}
    </DashboardFrame>
  );
}

export default dashboardViewPage("pairwise", Pairwise);
