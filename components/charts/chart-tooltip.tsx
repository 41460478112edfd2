"use client";
// The tooltip box every dashboard chart shows on hover: a title and a few lines of numbers with their counts.
import styles from "./charts.module.css";

export function ChartTooltipBox({ title, lines }: { title: string; lines: string[] }) {
  return (
    <div className={styles.tooltip}>
      <strong>{title}</strong>
      {lines.map((line) => (
        <div key={line}>{line}</div>
      ))}
    </div>
  );
}

/** The first data row under the pointer, from Recharts' tooltip props. */
export function tooltipRow<T>(props: { active?: boolean; payload?: ReadonlyArray<{ payload?: unknown }> }): T | null {
  if (!props.active || !props.payload?.length) return null;
  return (props.payload[0]?.payload as T | undefined) ?? null;
}
