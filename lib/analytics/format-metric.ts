// How the dashboards write a metric: a percentage always next to the counts it came from, and a
// 95% interval as a range ("14.2 % (71 / 500 scenes), 95% CI 11.3–17.4 %"). Pure; the pages, the
// charts' tooltips and table alternatives all format through these functions.

/** A no-break space, so that "14.2 %" and "71 / 500" never wrap inside. */
const NBSP = "\u00a0";

export type RatioLike = { numerator: number; denominator: number; value: number | null };
export type IntervalLike = { lower: number; upper: number } | null;

/** 0.1423 → "14.2 %"; null → "—". */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  return `${(value * 100).toFixed(digits)}${NBSP}%`;
}

/** 1234 → "1,234" (en-GB grouping, the same on server and browser). */
export function formatCount(value: number): string {
  return value.toLocaleString("en-GB");
}

/** "71 / 500 scenes" */
export function formatCounts(ratio: Pick<RatioLike, "numerator" | "denominator">, noun: string): string {
  return `${formatCount(ratio.numerator)}${NBSP}/${NBSP}${formatCount(ratio.denominator)} ${noun}`;
}

/** "14.2 % (71 / 500 scenes)"; with no denominator "— (0 / 0 scenes)". */
export function formatRatio(ratio: RatioLike, noun: string, digits = 1): string {
  return `${formatPercent(ratio.value, digits)} (${formatCounts(ratio, noun)})`;
}

/** "11.3–17.4 %"; null (nothing counted) → "—". */
export function formatIntervalRange(interval: IntervalLike, digits = 1): string {
  if (!interval) return "—";
  return `${(interval.lower * 100).toFixed(digits)}–${(interval.upper * 100).toFixed(digits)}${NBSP}%`;
}

/** "95% CI 11.3–17.4 %"; null (nothing counted) → "". */
export function formatInterval(interval: IntervalLike, digits = 1): string {
  return interval ? `95%${NBSP}CI ${formatIntervalRange(interval, digits)}` : "";
}

/** "14.2 % (71 / 500 scenes), 95% CI 11.3–17.4 %" */
export function formatRatioWithInterval(ratio: RatioLike, interval: IntervalLike, noun: string): string {
  const text = formatRatio(ratio, noun);
  const ci = formatInterval(interval);
  return ci ? `${text}, ${ci}` : text;
}

/** A probability as the gallery shows it: 0.8731 → "87.3 %". */
export function formatProbability(prob: number): string {
  return formatPercent(prob, 1);
}

/** A capture time for tables: "2026-03-01 14:05:09 UTC" (UTC, so server and browser agree). */
export function formatTimestamp(iso: string | Date): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(date.getTime())) return "—";
  return `${date.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
