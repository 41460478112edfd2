"use client";
// Device model × device model heatmap of a pairwise metric. It is an HTML table (screen readers
// read it as one) rather than an SVG chart: each cell is a link to the scenes behind it, shows its
// percentage, and on hover or focus the line above the grid gives its counts.
import Link from "next/link";
import { useState } from "react";
import { formatPercent, formatRatio } from "@/lib/analytics/format-metric";
import { heatColor } from "./chart-theme";
import styles from "./charts.module.css";

export type HeatmapCell = { a: string; b: string; numerator: number; denominator: number; value: number | null };

function cellHref(base: string, a: string, b: string): string {
  const [path, query = ""] = base.split("?");
  const params = new URLSearchParams(query);
  params.set("a", a);
  params.set("b", b);
  return `${path}?${params.toString()}#pair-scenes`;
}

export function PairwiseHeatmap({
  models,
  cells,
  metricLabel,
  noun,
  linkBase,
  selected,
}: {
  models: string[];
  /** One entry per unordered pair (a, b); the table shows it in both halves. */
  cells: HeatmapCell[];
  /** What the cells show, e.g. "label instability". */
  metricLabel: string;
  /** What the denominator counts ("shared scenes"). */
  noun: string;
  /** The page address (with filters) that a cell link adds a= and b= to. */
  linkBase: string;
  selected: { a: string; b: string } | null;
}) {
  const byPair = new Map<string, HeatmapCell>();
  for (const cell of cells) {
    byPair.set(`${cell.a}\u0000${cell.b}`, cell);
    byPair.set(`${cell.b}\u0000${cell.a}`, cell);
  }
  const max = Math.max(0.05, ...cells.map((c) => c.value ?? 0));
  const [hovered, setHovered] = useState<HeatmapCell | null>(null);
  const describe = (cell: HeatmapCell) => `${cell.a} × ${cell.b}: ${metricLabel} ${formatRatio(cell, noun)}`;
  const isSelected = (a: string, b: string) => selected !== null && ((selected.a === a && selected.b === b) || (selected.a === b && selected.b === a));

  return (
    <div>
      <p className={styles.heatInfo} aria-live="polite">
        {hovered ? describe(hovered) : "Hover over or focus a cell for its counts; click it to see the scenes where the two device models disagree."}
      </p>
      <div className={styles.heatmapScroll}>
        <table className={styles.heatmap}>
          <caption className="visually-hidden">
            {metricLabel} of every pair of device models; rows and columns are device models, each cell a link to the scenes behind it
          </caption>
          <thead>
            <tr>
              <td />
              {models.map((model) => (
                <th key={model} scope="col" title={model}>
                  <span>{model}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {models.map((row) => (
              <tr key={row}>
                <th scope="row" title={row}>
                  {row}
                </th>
                {models.map((column) => {
                  if (row === column)
                    return (
                      <td key={column}>
                        <span className={`${styles.heatEmpty} ${styles.heatDiagonal}`} aria-label={`${row} with itself`} />
                      </td>
                    );
                  const cell = byPair.get(`${row}\u0000${column}`);
                  if (!cell || cell.value === null)
                    return (
                      <td key={column}>
                        <span className={styles.heatEmpty} title={`${row} × ${column}: no shared scenes`}>
                          —
                        </span>
                      </td>
                    );
                  const colors = heatColor(cell.value / max);
                  return (
                    <td key={column}>
                      <Link
                        href={cellHref(linkBase, row, column)}
                        className={styles.heatCell}
                        style={colors}
                        title={describe(cell)}
                        aria-label={describe(cell)}
                        aria-current={isSelected(row, column) ? "true" : undefined}
                        data-pair={`${row}|${column}`}
                        onMouseEnter={() => setHovered(cell)}
                        onFocus={() => setHovered(cell)}
                        onMouseLeave={() => setHovered(null)}
                        onBlur={() => setHovered(null)}
                      >
                        {formatPercent(cell.value, 0).replace("\u00a0", "")}
                      </Link>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className={styles.legend} aria-hidden="true">
        <span>0 %</span>
        <span
          className={styles.legendBar}
          style={{ background: `linear-gradient(to right, ${[0, 0.35, 0.7, 1].map((t) => heatColor(t).background).join(", ")})` }}
        />
        <span>{formatPercent(max, 0)}</span>
        <span>(colour scale up to the largest cell)</span>
      </div>
    </div>
  );
}
