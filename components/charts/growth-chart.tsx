"use client";
// Label instability as more device models take part: the mean over random subsets of each size,
// with the subsets and scenes it came from in the tooltip.
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount, formatPercent } from "@/lib/analytics/format-metric";
import { ChartTooltipBox, tooltipRow } from "./chart-tooltip";
import { AXIS_TICK, CHART_COLORS, formatShareTick, shareTicks } from "./chart-theme";
import styles from "./charts.module.css";
import { niceShareMax } from "./ratio-bar-chart";

export type GrowthPoint = { deviceModels: number; subsets: number; subsetsWithEligibleScenes: number; meanInstability: number | null; eligibleScenes: number; unstableScenes: number };

export function GrowthChart({ points, ariaLabel }: { points: GrowthPoint[]; ariaLabel: string }) {
  const max = niceShareMax(points.map((p) => p.meanInstability));
  return (
    <figure className={styles.figure} aria-label={ariaLabel}>
      <div className={styles.chartBox}>
        <LineChart data={points} responsive style={{ width: "100%", height: 280 }} margin={{ top: 12, right: 16, bottom: 20, left: 0 }}>
          <CartesianGrid stroke={CHART_COLORS.grid} />
          <XAxis
            dataKey="deviceModels"
            type="number"
            domain={["dataMin", "dataMax"]}
            allowDecimals={false}
            tick={AXIS_TICK}
            label={{ value: "device models", position: "insideBottom", offset: -12, style: { fontSize: 12, fill: CHART_COLORS.axis } }}
          />
          <YAxis domain={[0, max]} ticks={shareTicks(max)} tickFormatter={formatShareTick} tick={AXIS_TICK} width={48} />
          <Tooltip
            content={(props) => {
              const row = tooltipRow<GrowthPoint>(props);
              return row ? (
                <ChartTooltipBox
                  title={`${row.deviceModels} device models`}
                  lines={[
                    `mean label instability ${formatPercent(row.meanInstability)}`,
                    `over ${formatCount(row.subsetsWithEligibleScenes)} of ${formatCount(row.subsets)} random subsets with eligible scenes`,
                    `${formatCount(row.unstableScenes)} / ${formatCount(row.eligibleScenes)} unstable scenes summed over subsets`,
                  ]}
                />
              ) : null;
            }}
          />
          <Line dataKey="meanInstability" stroke={CHART_COLORS.device} strokeWidth={2} dot={{ r: 3 }} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </div>
    </figure>
  );
}
