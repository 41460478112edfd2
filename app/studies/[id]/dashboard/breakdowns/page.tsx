// Label instability broken down by the phone's inference backend, browser, operating system and
// capture method: the study restricted to each group's captures, recounted inside the group.
import type { Metadata } from "next";
import { RatioBarChart } from "@/components/charts/ratio-bar-chart";
import { ChartCard, Num } from "@/components/dashboard/chart-card";
import { DashboardFrame } from "@/components/dashboard/dashboard-frame";
import { dashboardViewPage } from "@/components/dashboard/dashboard-view-page";
import styles from "@/components/dashboard/dashboard.module.css";
import { loadDashboard } from "@/components/dashboard/load-dashboard";
import { csvHref, type SearchParamsRecord } from "@/lib/analytics/dashboard-filters";
import { formatCount, formatIntervalRange, formatRatio } from "@/lib/analytics/format-metric";
import { getBreakdown } from "@/lib/analytics/get-study-charts";
import { computeBootstrapInterval } from "@/lib/instability/compute-bootstrap-interval";
import type { BreakdownDimension } from "@/lib/instability/sql/get-instability-breakdown";
import { toRatio } from "@/lib/instability/types";

export const metadata: Metadata = { title: "Breakdowns · Dashboard" };
export const dynamic = "force-dynamic";

const DIMENSIONS: { by: BreakdownDimension; title: string; what: string }[] = [
  { by: "backend", title: "By inference backend", what: "the backend the phone's model actually ran on (WebGPU, WASM, …)" },
  { by: "browser", title: "By browser", what: "the browser family named by the phone's User-Agent" },
  { by: "os", title: "By operating system", what: "the operating system named by the phone's User-Agent and Client Hints" },
  { by: "captureMethod", title: "By capture method", what: "how the photo was taken (native camera, live camera, gallery, simulated)" },
];

async function Breakdowns({ studyId, searchParams }: { studyId: string; searchParams: SearchParamsRecord }) {
  const { sql, parsed, frame } = await loadDashboard(studyId, "breakdowns", searchParams);
  if (!parsed.ok) return <DashboardFrame {...frame} filterError={parsed.message}>{null}</DashboardFrame>;
  const { query, filters } = parsed;
  const results = [];
  for (const dimension of DIMENSIONS) results.push({ ...dimension, groups: (await getBreakdown(sql, studyId, { ...query, by: dimension.by, format: "json" })).body.groups });
  return (
    <DashboardFrame {...frame}>
      <p className="muted small">
        Each group is the study restricted to that group&apos;s captures: votes, eligible scenes and instability are recounted inside it, so a group where only one
        device model took part has no eligible scenes.
      </p>
      <div className={styles.grid2}>
        {results.map(({ by, title, what, groups }) => {
          const rows = groups.map((g) => ({ ...g, ratio: toRatio(g.unstableScenes, g.eligibleScenes) }));
          const top = [...rows].filter((r) => r.ratio.value !== null).sort((x, y) => (y.ratio.value ?? 0) - (x.ratio.value ?? 0))[0];
          return (
            <ChartCard
              key={by}
              title={title}
              testId={`breakdown-${by}`}
              description={
                rows.length === 0
                  ? `No captures under these filters.`
                  : `Label instability per ${what}: ${formatCount(rows.length)} group(s).${top ? ` Highest: ${top.key}, ${formatRatio(top.ratio, "eligible scenes")}.` : ""}`
              }
              csvHref={csvHref(studyId, "breakdown", filters, { by })}
              table={
                rows.length ? (
                  <table>
                    <thead>
                      <tr>
                        <th>Group</th>
                        <th className={styles.numeric}>Label instability</th>
                        <th className={styles.numeric}>95% CI</th>
                        <th className={styles.numeric}>Captures</th>
                        <th className={styles.numeric}>Devices</th>
                        <th className={styles.numeric}>Device models</th>
                      </tr>
                    </thead>
                    <tbody>
                      {rows.map((g) => (
                        <tr key={g.key} data-testid="breakdown-row" data-key={g.key}>
                          <td>{g.key}</td>
                          <Num>{formatRatio(g.ratio, "scenes")}</Num>
                          <Num>{formatIntervalRange(computeBootstrapInterval(g.ratio))}</Num>
                          <Num>{formatCount(g.captures)}</Num>
                          <Num>{formatCount(g.devices)}</Num>
                          <Num>{formatCount(g.deviceModels)}</Num>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                ) : undefined
              }
            >
              {rows.length ? (
                <RatioBarChart
                  rows={rows.map((g) => ({ key: g.key, numerator: g.unstableScenes, denominator: g.eligibleScenes, value: g.ratio.value, note: `${formatCount(g.captures)} captures from ${formatCount(g.deviceModels)} device models` }))}
                  noun="eligible scenes"
                  showCounts
                  ariaLabel={`Bar chart of label instability ${title.toLowerCase()}`}
                />
              ) : (
                <p className="muted">No captures.</p>
              )}
            </ChartCard>
          );
        })}
      </div>
    </DashboardFrame>
  );
}

export default dashboardViewPage("breakdowns", Breakdowns);
