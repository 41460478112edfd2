// Instability per class: for each class (the scene's ground truth, else its majority vote), the
// share of its eligible scenes that are unstable, as bars and as a table linking to its scenes.
import type { Metadata } from "next";
import Link from "next/link";
import { RatioBarChart } from "@/components/charts/ratio-bar-chart";
import { ChartCard, Num } from "@/components/dashboard/chart-card";
import { DashboardFrame } from "@/components/dashboard/dashboard-frame";
import { dashboardViewPage } from "@/components/dashboard/dashboard-view-page";
import styles from "@/components/dashboard/dashboard.module.css";
import { EmptyState } from "@/components/dashboard/empty-state";
import { loadDashboard } from "@/components/dashboard/load-dashboard";
import { csvHref, dashboardHref, type SearchParamsRecord } from "@/lib/analytics/dashboard-filters";
import { formatCount, formatIntervalRange, formatRatio } from "@/lib/analytics/format-metric";
import { getClassInstability } from "@/lib/analytics/get-study-charts";
import { computeBootstrapInterval } from "@/lib/instability/compute-bootstrap-interval";
import { toRatio } from "@/lib/instability/types";

export const metadata: Metadata = { title: "Classes · Dashboard" };
export const dynamic = "force-dynamic";

/** The chart shows the classes with the most instability; the table and CSV have them all. */
const CHART_CLASSES = 30;

async function Classes({ studyId, searchParams }: { studyId: string; searchParams: SearchParamsRecord }) {
  const { sql, parsed, frame } = await loadDashboard(studyId, "classes", searchParams);
  if (!parsed.ok) return <DashboardFrame {...frame} filterError={parsed.message}>{null}</DashboardFrame>;
  const { query, filters } = parsed;
  const { classes } = (await getClassInstability(sql, studyId, query)).body;
  const rows = classes
    .filter((c) => c.eligibleScenes > 0)
    .map((c) => ({ ...c, name: c.label ?? `class ${c.classIndex}`, ratio: toRatio(c.unstableScenes, c.eligibleScenes) }))
    .sort((x, y) => (y.ratio.value ?? 0) - (x.ratio.value ?? 0) || y.eligibleScenes - x.eligibleScenes || x.classIndex - y.classIndex);
  const byTruth = rows.reduce((n, c) => n + c.scenesByGroundTruth, 0);
  const eligible = rows.reduce((n, c) => n + c.eligibleScenes, 0);
  return (
    <DashboardFrame {...frame}>
      {rows.length === 0 ? (
        <EmptyState title="No eligible scenes" action={{ href: dashboardHref(studyId, "", filters), label: "Back to the overview" }}>
          Per-class instability needs scenes with votes from at least two device models.
        </EmptyState>
      ) : (
        <ChartCard
          title="Instability per class"
          testId="classes-card"
          description={`${formatCount(rows.length)} classes over ${formatCount(eligible)} eligible scenes; ${formatCount(byTruth)} of them are classed by their ground truth, the rest by their majority vote.${
            rows.length > CHART_CLASSES ? ` The chart shows the ${CHART_CLASSES} most unstable classes; the table lists all.` : ""
          } Most unstable: ${rows[0]!.name}, ${formatRatio(rows[0]!.ratio, "scenes")}.`}
          csvHref={csvHref(studyId, "classes", filters)}
          table={
            <table>
              <thead>
                <tr>
                  <th>Class</th>
                  <th className={styles.numeric}>Label instability</th>
                  <th className={styles.numeric}>95% CI</th>
                  <th className={styles.numeric}>By ground truth</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.classIndex} data-testid="class-row" data-class={c.classIndex}>
                    <td>
                      <Link href={dashboardHref(studyId, "scenes", filters, { class: c.classIndex, show: "eligible" })}>{c.name}</Link> <span className="muted small">#{c.classIndex}</span>
                    </td>
                    <Num>{formatRatio(c.ratio, "scenes")}</Num>
                    <Num>{formatIntervalRange(computeBootstrapInterval(c.ratio))}</Num>
                    <Num>
                      {formatCount(c.scenesByGroundTruth)} / {formatCount(c.eligibleScenes)}
                    </Num>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        >
          <RatioBarChart
            rows={rows.slice(0, CHART_CLASSES).map((c) => ({ key: String(c.classIndex), label: c.name, numerator: c.unstableScenes, denominator: c.eligibleScenes, value: c.ratio.value }))}
            noun="eligible scenes"
            showCounts
            ariaLabel="Bar chart of label instability per class"
          />
        </ChartCard>
      )}
    </DashboardFrame>
  );
}

export default dashboardViewPage("classes", Classes);
