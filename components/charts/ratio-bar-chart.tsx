"use client";
// Horizontal bars of ratios (instability, flip rates) per group: one bar per row, its percentage at
// the bar's end, and numerator / denominator in the tooltip. Height follows the number of rows, so
// long category lists stay readable on a phone.
import { Bar, BarChart, CartesianGrid, Cell, LabelList, Rectangle, Tooltip, XAxis, YAxis, type BarShapeProps } from "recharts";
import { formatPercent, formatRatio } from "@/lib/analytics/format-metric";
import { ChartTooltipBox, tooltipRow } from "./chart-tooltip";
import { AXIS_TICK, CHART_COLORS, categoryAxisWidth, formatShareTick, shareTicks, shortenLabel } from "./chart-theme";
import styles from "./charts.module.css";

export type RatioBarRow = { key: string; label?: string; numerator: number; denominator: number; value: number | null; color?: string; note?: string };

type PlotRow = RatioBarRow & { name: string; plotValue: number; display: string };

/** The axis maximum: 100 % when a value passes 60 %, else the next 10 % above the largest value. */
export function niceShareMax(values: readonly (number | null)[]): number {
  const max = values.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0);
  if (max > 0.6) return 1;
  return Math.max(0.1, Math.ceil(max * 10 + 1e-9) / 10);
}

export function RatioBarChart({
  rows,
  noun,
  ariaLabel,
  color = CHART_COLORS.device,
  labelChars = 22,
  showCounts = false,
}: {
  rows: RatioBarRow[];
  /** What the denominator counts ("scenes", "captures"). */
  noun: string;
  ariaLabel: string;
  color?: string;
  labelChars?: number;
  /** Label each bar "12.5 % · 5/40" instead of the percentage alone (for few bars whose counts matter). */
  showCounts?: boolean;
}) {
  const data: PlotRow[] = rows.map((row) => ({
    ...row,
    name: row.label ?? row.key,
    plotValue: row.value ?? 0,
    display: row.value === null ? "—" : showCounts ? `${formatPercent(row.value)} · ${row.numerator}/${row.denominator}` : formatPercent(row.value),
  }));
  const width = categoryAxisWidth(data.map((row) => shortenLabel(row.name, labelChars)));
  const height = Math.max(80, data.length * 30 + 36);
  const max = niceShareMax(data.map((row) => row.value));
  return (
    <figure className={styles.figure} aria-label={ariaLabel}>
      <div className={styles.chartBox}>
        <BarChart
          layout="vertical"
          data={data}
          responsive
          style={{ width: "100%", height }}
          margin={{ top: 4, right: showCounts ? 112 : 56, bottom: 4, left: 4 }}
          barCategoryGap={6}
        >
          <CartesianGrid horizontal={false} stroke={CHART_COLORS.grid} />
          <XAxis type="number" domain={[0, max]} ticks={shareTicks(max)} tickFormatter={formatShareTick} tick={AXIS_TICK} allowDecimals />
          <YAxis type="category" dataKey="name" width={width} tick={AXIS_TICK} interval={0} tickFormatter={(v: string) => shortenLabel(v, labelChars)} />
          <Tooltip
            cursor={{ fill: "rgba(39, 70, 216, 0.06)" }}
            content={(props) => {
              const row = tooltipRow<PlotRow>(props);
              return row ? <ChartTooltipBox title={row.name} lines={[formatRatio(row, noun), ...(row.note ? [row.note] : [])]} /> : null;
            }}
          />
          {/* A custom shape keeps zero-width bars, so a 0 % row still shows its label instead of looking empty. */}
          <Bar dataKey="plotValue" isAnimationActive={false} radius={[0, 3, 3, 0]} shape={(props: BarShapeProps) => <Rectangle {...props} />}>
            {data.map((row) => (
              <Cell key={row.key} fill={row.color ?? color} />
            ))}
            <LabelList dataKey="display" position="right" style={{ fontSize: 12, fill: CHART_COLORS.axis }} />
          </Bar>
        </BarChart>
      </div>
    </figure>
  );
}
