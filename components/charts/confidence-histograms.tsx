"use client";
// Top-1 confidence histograms, one small chart per device model on a shared y scale, so device
// models that are less sure of themselves stand out side by side.
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { formatCount } from "@/lib/analytics/format-metric";
import { ChartTooltipBox, tooltipRow } from "./chart-tooltip";
import { AXIS_TICK, CHART_COLORS } from "./chart-theme";
import styles from "./charts.module.css";

export type ConfidenceModel = { key: string; predictions: number; counts: number[] };

type BinRow = { from: number; to: number; count: number; share: number };

export function ConfidenceHistograms({ models, bins }: { models: ConfidenceModel[]; bins: number }) {
  const yMax = Math.max(1, ...models.flatMap((m) => m.counts));
  return (
    <div className={styles.multiples}>
      {models.map((model) => {
        const data: BinRow[] = model.counts.map((count, i) => ({ from: i / bins, to: (i + 1) / bins, count, share: model.predictions ? count / model.predictions : 0 }));
        return (
          <figure key={model.key} className={`${styles.figure} ${styles.multiple}`} aria-label={`Top-1 confidence of ${model.key}: ${model.predictions} predictions in ${bins} bins`}>
            <h3>{model.key}</h3>
            <p className="muted small">{formatCount(model.predictions)} predictions</p>
            <BarChart data={data} responsive style={{ width: "100%", height: 140 }} margin={{ top: 4, right: 4, bottom: 0, left: 0 }} barCategoryGap={1}>
              <CartesianGrid vertical={false} stroke={CHART_COLORS.grid} />
              <XAxis dataKey="from" tick={AXIS_TICK} tickFormatter={(v: number) => v.toFixed(1)} interval={Math.max(0, Math.round(bins / 5) - 1)} />
              <YAxis domain={[0, yMax]} allowDecimals={false} tick={AXIS_TICK} width={36} />
              <Tooltip
                cursor={{ fill: "rgba(39, 70, 216, 0.06)" }}
                content={(props) => {
                  const row = tooltipRow<BinRow>(props);
                  return row ? (
                    <ChartTooltipBox
                      title={`${model.key}: confidence ${row.from.toFixed(2)}–${row.to.toFixed(2)}`}
                      lines={[`${formatCount(row.count)} / ${formatCount(model.predictions)} predictions (${(row.share * 100).toFixed(1)} %)`]}
                    />
                  ) : null;
                }}
              />
              <Bar dataKey="count" fill={CHART_COLORS.device} isAnimationActive={false} />
            </BarChart>
          </figure>
        );
      })}
    </div>
  );
}
