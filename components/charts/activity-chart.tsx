"use client";
// Captures per time bucket (minute, hour, day or week), as vertical bars; the tooltip adds the
// devices and device models active in the bucket.
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount } from "@/lib/analytics/format-metric";
import { ChartTooltipBox, tooltipRow } from "./chart-tooltip";
import { AXIS_TICK, CHART_COLORS } from "./chart-theme";
import styles from "./charts.module.css";

export type ActivityPoint = { start: string; captures: number; devices: number; deviceModels: number };
export type ActivityBucket = "minute" | "hour" | "day" | "week";

/** A bucket start as an axis tick: "14:05" for minutes and hours, "03-01" for days and weeks (UTC). */
export function formatBucketTick(start: string, bucket: ActivityBucket): string {
  const iso = new Date(start).toISOString();
  return bucket === "minute" || bucket === "hour" ? iso.slice(11, 16) : iso.slice(5, 10);
}

/** A bucket as the tooltip names it: "2026-03-01 14:05 UTC (1 minute)". */
export function describeBucket(start: string, bucket: ActivityBucket): string {
  const iso = new Date(start).toISOString();
  const when = bucket === "minute" || bucket === "hour" ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso.slice(0, 10);
  return `${when} (1 ${bucket}${bucket === "week" ? " from Monday" : ""})`;
}

export function ActivityChart({ points, bucket, ariaLabel }: { points: ActivityPoint[]; bucket: ActivityBucket; ariaLabel: string }) {
  return (
    <figure className={styles.figure} aria-label={ariaLabel}>
      <div className={styles.chartBox}>
        <BarChart data={points} responsive style={{ width: "100%", height: 220 }} margin={{ top: 8, right: 8, bottom: 4, left: 0 }} barCategoryGap={1}>
          <CartesianGrid vertical={false} stroke={CHART_COLORS.grid} />
          <XAxis dataKey="start" tick={AXIS_TICK} tickFormatter={(v: string) => formatBucketTick(v, bucket)} minTickGap={24} />
          <YAxis allowDecimals={false} tick={AXIS_TICK} width={44} />
          <Tooltip
            cursor={{ fill: "rgba(39, 70, 216, 0.06)" }}
            content={(props) => {
              const row = tooltipRow<ActivityPoint>(props);
              return row ? (
                <ChartTooltipBox
                  title={describeBucket(row.start, bucket)}
                  lines={[`${formatCount(row.captures)} captures`, `${formatCount(row.devices)} devices, ${formatCount(row.deviceModels)} device models`]}
                />
              ) : null;
            }}
          />
          <Bar dataKey="captures" fill={CHART_COLORS.device} isAnimationActive={false} />
        </BarChart>
      </div>
    </figure>
  );
}
