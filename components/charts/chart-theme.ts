// Colours and sizes the dashboard charts share, and the heatmap's colour scale. Pure.

export const CHART_COLORS = {
  device: "#2746d8",
  reference: "#0f766e",
  muted: "#9aa3b2",
  grid: "#e5e7eb",
  axis: "#5b6270",
  warn: "#a15c07",
} as const;

export const AXIS_TICK = { fontSize: 12, fill: CHART_COLORS.axis } as const;

/** Cuts a long axis label to `max` characters with an ellipsis (the full text is in the tooltip and the table). */
export function shortenLabel(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** Category-axis width in px for labels of this length (about 7 px per character at 12 px), within [min, max]. */
export function categoryAxisWidth(labels: readonly string[], min = 48, max = 150): number {
  const longest = labels.reduce((n, label) => Math.max(n, label.length), 0);
  return Math.max(min, Math.min(max, Math.round(longest * 7 + 12)));
}

/**
 * Ticks for a share axis from 0 to `max` (a niceShareMax value): at most 6 ticks on round
 * percentages (2, 5, 10, 20 or 25 points apart), so no label is a rounded 2.5 % step.
 */
export function shareTicks(max: number): number[] | undefined {
  for (const step of [0.02, 0.05, 0.1, 0.25, 0.2]) {
    const intervals = max / step;
    if (intervals <= 5 + 1e-9 && Math.abs(intervals - Math.round(intervals)) < 1e-9) {
      return Array.from({ length: Math.round(intervals) + 1 }, (_, i) => Math.round(i * step * 1000) / 1000);
    }
  }
  return undefined;
}

/** A share axis label: "12%", "2.5%" (no float noise). */
export function formatShareTick(value: number): string {
  return `${Number((value * 100).toFixed(1))}%`;
}

const HEAT_STOPS: [number, [number, number, number]][] = [
  [0, [241, 244, 252]],
  [0.35, [250, 214, 165]],
  [0.7, [232, 124, 74]],
  [1, [165, 29, 24]],
];

/** Fill and text colour of a heatmap cell whose value is `t` of the scale's maximum (t in [0, 1]). */
export function heatColor(t: number): { background: string; color: string } {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  let i = 1;
  while (i < HEAT_STOPS.length - 1 && x > HEAT_STOPS[i]![0]) i++;
  const [x0, c0] = HEAT_STOPS[i - 1]!;
  const [x1, c1] = HEAT_STOPS[i]!;
  const f = x1 === x0 ? 0 : (x - x0) / (x1 - x0);
  const rgb = c0.map((v, k) => Math.round(v + (c1[k]! - v) * f));
  // Relative luminance decides between dark and white text (WCAG contrast).
  const luminance = (0.2126 * rgb[0]! + 0.7152 * rgb[1]! + 0.0722 * rgb[2]!) / 255;
  return { background: `rgb(${rgb.join(", ")})`, color: luminance < 0.55 ? "#ffffff" : "#1b1d21" };
}
