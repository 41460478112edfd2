// Where instability comes from. Runtime: the phone's top-1 vs the server reference's on the very
// same stored bytes (flip rate per device model and backend). Capture: label instability when
// every photo is classified by the server reference, i.e. what remains when only the cameras
// differ; the share of phone-unstable scenes that the reference makes stable. Compression: the
// reference re-run on re-encoded copies of each capture (run on demand per study, in the background).
import type { Metadata } from "next";
import { RatioBarChart } from "@/components/charts/ratio-bar-chart";
import { CHART_COLORS } from "@/components/charts/chart-theme";
import { ChartCard, Num } from "@/components/dashboard/chart-card";
import { CompressionProbeControl } from "@/components/dashboard/compression-probe-control";
import { DashboardFrame } from "@/components/dashboard/dashboard-frame";
import { dashboardViewPage } from "@/components/dashboard/dashboard-view-page";
import styles from "@/components/dashboard/dashboard.module.css";
import { EmptyState } from "@/components/dashboard/empty-state";
import { loadDashboard } from "@/components/dashboard/load-dashboard";
import { MetricTile } from "@/components/dashboard/metric-tile";
import { csvHref, type SearchParamsRecord } from "@/lib/analytics/dashboard-filters";
import { formatCount, formatInterval, formatIntervalRange, formatPercent, formatRatio, type RatioLike } from "@/lib/analytics/format-metric";
import { getCompressionProbeStatus } from "@/lib/analytics/compression-probe-status";
import { getAttribution } from "@/lib/analytics/get-study-charts";
import { getCurrentResearcher } from "@/lib/auth/current-researcher";
import { computeBootstrapInterval } from "@/lib/instability/compute-bootstrap-interval";
import { getCompressionProbeRunner } from "@/lib/reference/start-reference-inference";

export const metadata: Metadata = { title: "Attribution · Dashboard" };
export const dynamic = "force-dynamic";

const PROBE_NAMES: Record<string, string> = { lossless: "Lossless (PNG)", "jpeg-q95": "JPEG q95", "jpeg-q75": "JPEG q75", "jpeg-q50": "JPEG q50" };

function RatioTable({ rows, keyTitle, noun, testId }: { rows: (RatioLike & { key: string })[]; keyTitle: string; noun: string; testId: string }) {
  return (
    <table>
      <thead>
        <tr>
          <th>{keyTitle}</th>
          <th className={styles.numeric}>Rate</th>
          <th className={styles.numeric}>95% CI</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key} data-testid={testId} data-key={row.key}>
            <td>{row.key}</td>
            <Num>{formatRatio(row, noun)}</Num>
            <Num>{formatIntervalRange(computeBootstrapInterval(row))}</Num>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

async function Attribution({ studyId, searchParams }: { studyId: string; searchParams: SearchParamsRecord }) {
  const { sql, parsed, frame } = await loadDashboard(studyId, "attribution", searchParams);
  if (!parsed.ok) return <DashboardFrame {...frame} filterError={parsed.message}>{null}</DashboardFrame>;
  const { query, filters } = parsed;
  const [report, probe, researcher] = await Promise.all([
    getAttribution(sql, studyId, query).then((chart) => chart.body),
    getCompressionProbeRunner().then((runner) => getCompressionProbeStatus(sql, runner, studyId)),
    getCurrentResearcher(),
  ]);
  const flips = report.runtimeFlipRate;
  const csv = csvHref(studyId, "attribution", filters);
  const comparison = [
    { key: "Phone votes", ...report.deviceInstability, color: CHART_COLORS.device },
    { key: "Reference votes", ...report.captureInstability, color: CHART_COLORS.reference },
  ];
  return (
    <DashboardFrame {...frame}>
      <div className={styles.tiles}>
        <MetricTile
          testId="metric-runtime-flip-rate"
          label="Runtime flip rate"
          value={formatPercent(flips.overall.value)}
          detail={`${formatRatio(flips.overall, "captures")}${flips.overall.denominator ? `, ${formatInterval(computeBootstrapInterval(flips.overall))}` : ""}`}
          note="Phone top-1 ≠ server reference top-1 on the same stored bytes."
        />
        <MetricTile
          testId="metric-capture-instability"
          label="Capture instability (reference votes)"
          value={formatPercent(report.captureInstability.value)}
          detail={`${formatRatio(report.captureInstability, "eligible scenes")}; phones: ${formatRatio(report.deviceInstability, "eligible scenes")}`}
          note="What remains when every photo is classified the same way on the server."
        />
        <MetricTile
          testId="metric-stabilised"
          label="Stabilised by the reference"
          value={formatPercent(report.stabilisedByReference.value)}
          detail={formatRatio(report.stabilisedByReference, "phone-unstable scenes")}
          note="Unstable with phone votes, stable with reference votes: runtime-caused."
        />
      </div>

      {flips.overall.denominator === 0 ? (
        <EmptyState title="No capture has both a phone and a server reference prediction yet">
          The runtime flip rate compares the two on the same bytes. The server runs the reference in the background after each upload; reload in a while.
        </EmptyState>
      ) : (
        <div className={styles.grid2}>
          <ChartCard
            title="Runtime flip rate per device model"
            testId="flips-by-model"
            description={`How often the phone's own inference disagrees with the server reference on the same photo, per device model (${formatCount(flips.byDeviceModel.length)}).`}
            csvHref={csv}
            table={<RatioTable rows={flips.byDeviceModel} keyTitle="Device model" noun="captures" testId="flip-model-row" />}
          >
            <RatioBarChart rows={flips.byDeviceModel} noun="captures" ariaLabel="Bar chart of runtime flip rate per device model" />
          </ChartCard>
          <ChartCard
            title="Runtime flip rate per backend"
            testId="flips-by-backend"
            description="The same per inference backend the phone used (WebGPU kernels, WASM, …)."
            csvHref={csv}
            table={<RatioTable rows={flips.byBackend} keyTitle="Backend" noun="captures" testId="flip-backend-row" />}
          >
            <RatioBarChart rows={flips.byBackend} noun="captures" ariaLabel="Bar chart of runtime flip rate per backend" />
          </ChartCard>
        </div>
      )}

      <div className={styles.grid2}>
        <ChartCard
          title="Capture instability vs phone instability"
          testId="capture-vs-phone"
          description={`Label instability from the phones' votes is ${formatRatio(report.deviceInstability, "eligible scenes")}; from the server reference's votes on the same photos ${formatRatio(report.captureInstability, "eligible scenes")}. The gap is what the phones' runtimes add.`}
          csvHref={csv}
          table={<RatioTable rows={comparison} keyTitle="Votes from" noun="scenes" testId="comparison-row" />}
        >
          <RatioBarChart rows={comparison} noun="eligible scenes" ariaLabel="Bar chart comparing label instability from phone votes and from reference votes" showCounts />
        </ChartCard>
        <ChartCard
          title="Compression probe"
          testId="compression-probe"
          description={
            report.compressionProbe.length
              ? `The server reference re-run on the pixels of each photo re-encoded at several settings: how often its top-1 changes against its answer on the stored photo. ${report.compressionProbe
                  .map((r) => `${PROBE_NAMES[r.key] ?? r.key}: ${formatRatio(r, "captures")}`)
                  .join("; ")}.`
              : "The server reference re-run on each photo re-encoded at JPEG quality 50, 75 and 95 and losslessly: how often its top-1 changes. Nothing has been probed under these filters yet."
          }
          csvHref={report.compressionProbe.length ? csv : undefined}
          table={
            report.compressionProbe.length ? (
              <RatioTable rows={report.compressionProbe.map((r) => ({ ...r, key: PROBE_NAMES[r.key] ?? r.key }))} keyTitle="Re-encoding" noun="captures" testId="probe-row" />
            ) : undefined
          }
        >
          {researcher ? <CompressionProbeControl studyId={studyId} csrfToken={researcher.csrfToken} initial={probe} /> : null}
          {report.compressionProbe.length ? (
            <RatioBarChart
              rows={report.compressionProbe.map((r) => ({ ...r, label: PROBE_NAMES[r.key] ?? r.key }))}
              noun="captures probed"
              color={CHART_COLORS.reference}
              showCounts
              ariaLabel="Bar chart of the reference's flip rate per re-encoding"
            />
          ) : (
            <div className={styles.empty} data-testid="empty-state">
              <p>
                Each photo is re-encoded from the pixels the reference saw, as JPEG at quality 50, 75 and 95 (4:2:0 chroma) and as lossless PNG, and the reference runs on each copy. The
                lossless copy is the control: it must never flip.
              </p>
            </div>
          )}
        </ChartCard>
      </div>
    </DashboardFrame>
  );
}

export default dashboardViewPage("attribution", Attribution);
