// Instability as the number of device models grows: for n = 2…M, the mean label instability over
// random subsets of n device models (seeded), so a researcher sees how much more disagreement each
// added phone brings.
import type { Metadata } from "next";
import { GrowthChart } from "@/components/charts/growth-chart";
import { ChartCard, Num } from "@/components/dashboard/chart-card";
import { DashboardFrame } from "@/components/dashboard/dashboard-frame";
import { dashboardViewPage } from "@/components/dashboard/dashboard-view-page";
import styles from "@/components/dashboard/dashboard.module.css";
import { EmptyState } from "@/components/dashboard/empty-state";
import { loadDashboard } from "@/components/dashboard/load-dashboard";
import { csvHref, dashboardHref, type SearchParamsRecord } from "@/lib/analytics/dashboard-filters";
import { formatCount, formatPercent } from "@/lib/analytics/format-metric";
import { getGrowthCurve } from "@/lib/analytics/get-study-charts";

export const metadata: Metadata = { title: "More device models · Dashboard" };
export const dynamic = "force-dynamic";

const ORDERS = 100;

async function Growth({ studyId, searchParams }: { studyId: string; searchParams: SearchParamsRecord }) {
  const { sql, parsed, frame } = await loadDashboard(studyId, "growth", searchParams);
  if (!parsed.ok) return <DashboardFrame {...frame} filterError={parsed.message}>{null}</DashboardFrame>;
  const { query, filters } = parsed;
  const { points } = (await getGrowthCurve(sql, studyId, { ...query, orders: ORDERS, format: "json" })).body;
  const plotted = points.filter((p) => p.meanInstability !== null);
  const first = plotted[0];
  const last = plotted.at(-1);
  return (
    <DashboardFrame {...frame}>
      {plotted.length === 0 ? (
        <EmptyState title="Not enough device models" action={{ href: dashboardHref(studyId, "", filters), label: "Back to the overview" }}>
          The curve needs at least two device models voting on the same scenes under these filters.
        </EmptyState>
      ) : (
        <ChartCard
          title="Instability vs number of device models"
          testId="growth-card"
          description={`Mean label instability over ${ORDERS} random orders of the device models (seeded). With ${first!.deviceModels} device models ${formatPercent(first!.meanInstability)} of eligible scenes are unstable on average; with all ${last!.deviceModels}, ${formatPercent(last!.meanInstability)}.`}
          csvHref={csvHref(studyId, "growth", filters, { orders: ORDERS })}
          table={
            <table>
              <thead>
                <tr>
                  <th className={styles.numeric}>Device models</th>
                  <th className={styles.numeric}>Mean label instability</th>
                  <th className={styles.numeric}>Subsets with eligible scenes</th>
                  <th className={styles.numeric}>Unstable / eligible scenes (summed over subsets)</th>
                </tr>
              </thead>
              <tbody>
                {points.map((p) => (
                  <tr key={p.deviceModels} data-testid="growth-row" data-n={p.deviceModels}>
                    <Num>{p.deviceModels}</Num>
                    <Num>{formatPercent(p.meanInstability)}</Num>
                    <Num>
                      {formatCount(p.subsetsWithEligibleScenes)} / {formatCount(p.subsets)}
                    </Num>
                    <Num>
                      {formatCount(p.unstableScenes)} / {formatCount(p.eligibleScenes)}
                    </Num>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        >
          <GrowthChart points={points} ariaLabel="Line chart of mean label instability against the number of device models" />
        </ChartCard>
      )}
    </DashboardFrame>
  );
}

export default dashboardViewPage("growth", Growth);
