// Study overview: devices, device models, captures and scenes; headline label instability with its
// 95% interval and counts; correctness instability and accuracy where ground truth exists;
// within-device instability; capture activity over time.
import type { Metadata } from "next";
import Link from "next/link";
import { ActivityChart } from "@/components/charts/activity-chart";
import { ChartCard, Num } from "@/components/dashboard/chart-card";
import { DashboardFrame } from "@/components/dashboard/dashboard-frame";
import { dashboardViewPage } from "@/components/dashboard/dashboard-view-page";
import styles from "@/components/dashboard/dashboard.module.css";
import { EmptyState } from "@/components/dashboard/empty-state";
import { loadDashboard } from "@/components/dashboard/load-dashboard";
import { CountTile, MetricTile } from "@/components/dashboard/metric-tile";
import { csvHref, dashboardHref, type SearchParamsRecord } from "@/lib/analytics/dashboard-filters";
import { formatCount, formatInterval, formatPercent, formatRatio, formatTimestamp } from "@/lib/analytics/format-metric";
import { getCaptureActivity } from "@/lib/analytics/get-capture-activity";
import { getStudyInstability } from "@/lib/analytics/get-study-instability";
import { toRatio } from "@/lib/instability/types";

export const metadata: Metadata = { title: "Dashboard" };
export const dynamic = "force-dynamic";

async function Overview({ studyId, searchParams }: { studyId: string; searchParams: SearchParamsRecord }) {
  const { sql, context, parsed, frame } = await loadDashboard(studyId, "", searchParams);
  if (!parsed.ok) return <DashboardFrame {...frame} filterError={parsed.message}>{null}</DashboardFrame>;
  const { query, filters } = parsed;
  const [report, activity] = [await getStudyInstability(sql, studyId, query), (await getCaptureActivity(sql, studyId, query)).body];
  const votesNoun = query.source === "device" ? "phone votes" : "reference votes";

  if (context.totals.captures === 0) {
    return (
      <DashboardFrame {...frame}>
        <EmptyState title="No captures yet" action={{ href: `/studies/${encodeURIComponent(studyId)}`, label: "Open the study to invite phones" }}>
          Instability needs photos of the same scenes from at least two device models. Share the join code <span className="mono">{context.study.code}</span> with
          volunteers, run a display-mode session, or fill the study with the fleet simulator (<span className="mono">npm run simulate -- --study {studyId}</span>).
        </EmptyState>
      </DashboardFrame>
    );
  }
  const label = toRatio(report.unstableScenes, report.eligibleScenes);
  const correctness = toRatio(report.correctnessUnstableScenes, report.groundTruthScenes);
  const within = toRatio(report.withinDeviceUnstableGroups, report.withinDeviceGroups);
  const hasTruth = report.groundTruthScenes > 0;
  const totalCaptures = activity.points.reduce((sum, p) => sum + p.captures, 0);
  const busiest = activity.points.reduce((best, p) => (p.captures > best.captures ? p : best), activity.points[0] ?? { start: "", captures: 0, devices: 0, deviceModels: 0 });

  return (
    <DashboardFrame {...frame}>
      {report.captures === 0 ? (
        <EmptyState title="No captures match these filters" action={{ href: dashboardHref(studyId, "", new URLSearchParams()), label: "Clear the filters" }}>
          The study has {formatCount(context.totals.captures)} captures, but none with {votesNoun} in the chosen date range, device models, backends or capture methods.
        </EmptyState>
      ) : null}
      <div className={styles.tiles}>
        <MetricTile
          testId="metric-label-instability"
          label={`Label instability (${votesNoun})`}
          value={formatPercent(label.value)}
          detail={`${formatRatio(label, "eligible scenes")}${report.ci95 ? `, ${formatInterval(report.ci95)}` : ""}`}
          note="Eligible scenes whose device models' votes are not all equal."
        />
        {hasTruth ? (
          <MetricTile
            testId="metric-correctness-instability"
            label="Correctness instability"
            value={formatPercent(correctness.value)}
            detail={`${formatRatio(correctness, "eligible scenes with ground truth")}${report.correctnessCi95 ? `, ${formatInterval(report.correctnessCi95)}` : ""}`}
            note="At least one vote right and at least one wrong."
          />
        ) : (
          <MetricTile testId="metric-correctness-instability" label="Correctness instability" value="—" detail="No eligible scene has a ground-truth label." />
        )}
        <MetricTile
          testId="metric-within-device"
          label="Within-device instability"
          value={formatPercent(within.value)}
          detail={formatRatio(within, "(scene, device) groups with 2+ captures")}
          note="The same phone disagreeing with itself: the noise floor."
        />
      </div>
      <div className={styles.counts}>
        <CountTile testId="count-device-models" label="Device models" value={formatCount(report.deviceModels.length)} />
        <CountTile testId="count-devices" label="Devices" value={formatCount(report.devices)} />
        <CountTile testId="count-captures" label="Captures" value={formatCount(report.captures)} detail={`of ${formatCount(context.totals.captures)} in the study`} />
        <CountTile testId="count-scenes" label="Scenes with votes" value={formatCount(report.scenes)} detail={`of ${formatCount(context.totals.scenes)} registered`} />
        <CountTile testId="count-eligible" label="Eligible scenes" value={formatCount(report.eligibleScenes)} detail="votes from 2+ device models" />
      </div>
      {report.eligibleScenes === 0 && report.captures > 0 ? (
        <EmptyState title="No scene has votes from two device models yet">
          Instability compares device models on the same scene: {formatCount(report.deviceModels.length)} device model(s) have voted so far.
        </EmptyState>
      ) : null}

      <div className={styles.grid2}>
        <ChartCard
          title="Device models"
          testId="device-models-card"
          description={
            hasTruth
              ? "Captures, devices and scenes voted per device model, with accuracy over its votes on scenes with ground truth (correct votes / votes)."
              : "Captures, devices and scenes voted per device model. Accuracy needs scenes with ground-truth labels."
          }
          csvHref={csvHref(studyId, "heatmap", filters)}
        >
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th>Device model</th>
                  <th className={styles.numeric}>Devices</th>
                  <th className={styles.numeric}>Captures</th>
                  <th className={styles.numeric}>Scenes</th>
                  {hasTruth ? <th className={styles.numeric}>Accuracy</th> : null}
                </tr>
              </thead>
              <tbody>
                {report.deviceModels.map((model) => (
                  <tr key={model.key} data-model={model.key}>
                    <td>{model.key}</td>
                    <Num>{formatCount(model.devices)}</Num>
                    <Num>{formatCount(model.captures)}</Num>
                    <Num>{formatCount(model.scenes)}</Num>
                    {hasTruth ? <Num>{formatRatio(toRatio(model.correctVotes, model.votesWithGroundTruth), "votes")}</Num> : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </ChartCard>
        <ChartCard
          title="Capture activity"
          testId="activity-card"
          description={`${formatCount(totalCaptures)} counted captures per ${activity.bucket}${busiest.captures ? `; the busiest ${activity.bucket} (${formatTimestamp(busiest.start)}) had ${formatCount(busiest.captures)}` : ""}.`}
          csvHref={csvHref(studyId, "activity", filters)}
          table={
            <table>
              <thead>
                <tr>
                  <th>{activity.bucket} from (UTC)</th>
                  <th className={styles.numeric}>Captures</th>
                  <th className={styles.numeric}>Devices</th>
                  <th className={styles.numeric}>Device models</th>
                </tr>
              </thead>
              <tbody>
                {activity.points
                  .filter((p) => p.captures > 0)
                  .map((p) => (
                    <tr key={p.start}>
                      <td>{formatTimestamp(p.start)}</td>
                      <Num>{formatCount(p.captures)}</Num>
                      <Num>{formatCount(p.devices)}</Num>
                      <Num>{formatCount(p.deviceModels)}</Num>
                    </tr>
                  ))}
              </tbody>
            </table>
          }
        >
          {activity.points.length ? (
            <ActivityChart points={activity.points} bucket={activity.bucket} ariaLabel={`Bar chart of captures per ${activity.bucket}`} />
          ) : (
            <p className="muted">No captures in this selection.</p>
          )}
        </ChartCard>
      </div>
      <p className="small muted">
        Where next: <Link href={dashboardHref(studyId, "pairwise", filters)}>which device models disagree</Link> ·{" "}
        <Link href={dashboardHref(studyId, "scenes", filters)}>the divergent scenes, photo by photo</Link> ·{" "}
        <Link href={dashboardHref(studyId, "attribution", filters)}>runtime or capture?</Link>
      </p>
    </DashboardFrame>
  );
}

export default dashboardViewPage("", Overview);
