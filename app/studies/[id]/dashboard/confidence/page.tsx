// Top-1 confidence distributions per device model: how sure each phone's model run is of its
// answer. Device models whose photos make the model hesitate show more mass at low confidence.
import type { Metadata } from "next";
import { ConfidenceHistograms } from "@/components/charts/confidence-histograms";
import { ChartCard, Num } from "@/components/dashboard/chart-card";
import { DashboardFrame } from "@/components/dashboard/dashboard-frame";
import { dashboardViewPage } from "@/components/dashboard/dashboard-view-page";
import styles from "@/components/dashboard/dashboard.module.css";
import { EmptyState } from "@/components/dashboard/empty-state";
import { loadDashboard } from "@/components/dashboard/load-dashboard";
import { csvHref, dashboardHref, type SearchParamsRecord } from "@/lib/analytics/dashboard-filters";
import { formatCount, formatRatio } from "@/lib/analytics/format-metric";
import { getConfidenceDistribution } from "@/lib/analytics/get-study-charts";
import { toRatio } from "@/lib/instability/types";

export const metadata: Metadata = { title: "Confidence · Dashboard" };
export const dynamic = "force-dynamic";

const BINS = 20;

/** Predictions in bins whose range lies within [from, to). */
function countBetween(counts: readonly number[], from: number, to: number): number {
  return counts.reduce((sum, n, i) => (i / counts.length >= from - 1e-9 && (i + 1) / counts.length <= to + 1e-9 ? sum + n : sum), 0);
}

async function Confidence({ studyId, searchParams }: { studyId: string; searchParams: SearchParamsRecord }) {
  const { sql, parsed, frame } = await loadDashboard(studyId, "confidence", searchParams);
  if (!parsed.ok) return <DashboardFrame {...frame} filterError={parsed.message}>{null}</DashboardFrame>;
  const { query, filters } = parsed;
  const data = (await getConfidenceDistribution(sql, studyId, { ...query, bins: BINS, format: "json" })).body;
  const models = data.deviceModels.filter((m) => m.predictions > 0);
  const total = models.reduce((n, m) => n + m.predictions, 0);
  return (
    <DashboardFrame {...frame}>
      {models.length === 0 ? (
        <EmptyState title="No predictions under these filters" action={{ href: dashboardHref(studyId, "", filters), label: "Back to the overview" }} />
      ) : (
        <ChartCard
          title="Top-1 confidence per device model"
          testId="confidence-card"
          description={`${formatCount(total)} ${query.source === "device" ? "phone" : "reference"} predictions from ${formatCount(models.length)} device models in ${BINS} bins of width ${1 / BINS}; every chart uses the same vertical scale.`}
          csvHref={csvHref(studyId, "confidence", filters, { bins: BINS })}
          table={
            <table>
              <thead>
                <tr>
                  <th>Device model</th>
                  <th className={styles.numeric}>Predictions</th>
                  <th className={styles.numeric}>Confidence below 0.5</th>
                  <th className={styles.numeric}>Confidence 0.9 or more</th>
                </tr>
              </thead>
              <tbody>
                {models.map((m) => (
                  <tr key={m.key} data-testid="confidence-row" data-model={m.key}>
                    <td>{m.key}</td>
                    <Num>{formatCount(m.predictions)}</Num>
                    <Num>{formatRatio(toRatio(countBetween(m.counts, 0, 0.5), m.predictions), "predictions")}</Num>
                    <Num>{formatRatio(toRatio(countBetween(m.counts, 0.9, 1), m.predictions), "predictions")}</Num>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        >
          <ConfidenceHistograms models={models} bins={data.bins} />
        </ChartCard>
      )}
    </DashboardFrame>
  );
}

export default dashboardViewPage("confidence", Confidence);
