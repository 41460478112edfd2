// The dashboards' filters as they live in the URL: date range (`to` exclusive, as in the API),
// device models, backends, capture methods, prediction source and k. Every dashboard page reads
// them from its search params, every link between views and every CSV download carries them on,
// so a URL is a reproducible view. Pure (used by the server pages and the filter bar).
import type { z } from "zod";
import { analyticsQuerySchema, type AnalyticsQuery } from "./analytics-schemas";

export const DASHBOARD_FILTER_KEYS = ["from", "to", "deviceModels", "backends", "captureMethods", "source", "k"] as const;
export type DashboardFilterKey = (typeof DASHBOARD_FILTER_KEYS)[number];

export type SearchParamsRecord = Record<string, string | string[] | undefined>;

/** The dashboard's views, in the order the navigation shows them ("" is the overview). */
export const DASHBOARD_VIEWS = [
  { slug: "", title: "Overview" },
  { slug: "pairwise", title: "Device pairs" },
  { slug: "growth", title: "More device models" },
  { slug: "classes", title: "Classes" },
  { slug: "confidence", title: "Confidence" },
  { slug: "breakdowns", title: "Breakdowns" },
  { slug: "attribution", title: "Attribution" },
  { slug: "scenes", title: "Divergent scenes" },
] as const;
export type DashboardView = (typeof DASHBOARD_VIEWS)[number]["slug"];

function firstValue(value: string | string[] | undefined | null): string | undefined {
  const one = Array.isArray(value) ? value[0] : value;
  return one === undefined || one === null ? undefined : one;
}

function readParam(params: SearchParamsRecord | URLSearchParams, key: string): string | undefined {
  return params instanceof URLSearchParams ? (params.get(key) ?? undefined) : firstValue(params[key]);
}

/**
 * Only the filter keys of `params`, non-empty, in a fixed order (so equal filters give equal URLs).
 * Defaults (`source=device`, `k=5`) are left out.
 */
export function pickFilterParams(params: SearchParamsRecord | URLSearchParams): URLSearchParams {
  const picked = new URLSearchParams();
  for (const key of DASHBOARD_FILTER_KEYS) {
    const value = readParam(params, key)?.trim();
    if (!value) continue;
    if (key === "source" && value === "device") continue;
    if (key === "k" && value === "5") continue;
    picked.set(key, value);
  }
  return picked;
}

export type DashboardQueryResult = { ok: true; query: AnalyticsQuery; filters: URLSearchParams } | { ok: false; message: string; filters: URLSearchParams };

/** The analytics query a dashboard URL asks for, or a sentence saying which filter is wrong. */
export function readDashboardQuery(params: SearchParamsRecord | URLSearchParams): DashboardQueryResult {
  const filters = pickFilterParams(params);
  const parsed = analyticsQuerySchema.safeParse(Object.fromEntries(filters.entries()));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "filters";
    return { ok: false, message: `The filter “${where}” in this address is not valid (${issue?.message ?? "invalid"}).`, filters };
  }
  const { format: _format, ...query } = parsed.data satisfies z.output<typeof analyticsQuerySchema>;
  return { ok: true, query, filters };
}

/** Appends `extra` (skipping undefined/empty) to the filter params and returns "?…" or "". */
export function toSearch(filters: URLSearchParams, extra: Record<string, string | number | undefined | null> = {}): string {
  const params = new URLSearchParams(filters);
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined || value === null || value === "") params.delete(key);
    else params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/** A dashboard page's address with the current filters. */
export function dashboardHref(studyId: string, view: string, filters: URLSearchParams, extra: Record<string, string | number | undefined | null> = {}): string {
  const base = `/studies/${encodeURIComponent(studyId)}/dashboard${view ? `/${view}` : ""}`;
  return base + toSearch(filters, extra);
}

/** The CSV download of an analytics endpoint with the current filters. */
export function csvHref(studyId: string, endpoint: string, filters: URLSearchParams, extra: Record<string, string | number | undefined | null> = {}): string {
  return `/api/v1/studies/${encodeURIComponent(studyId)}/analytics/${endpoint}` + toSearch(filters, { ...extra, format: "csv" });
}

/** Splits a comma-separated list filter ("a,b" → ["a", "b"]). */
export function readListFilter(filters: URLSearchParams, key: "deviceModels" | "backends" | "captureMethods"): string[] {
  return (filters.get(key) ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

const DAY_MS = 86_400_000;

/** The `to` filter (exclusive instant) as the inclusive day a date input shows: "2026-03-06" → "2026-03-05". */
export function toInclusiveDay(to: string | null | undefined): string {
  if (!to) return "";
  const time = Date.parse(to);
  if (Number.isNaN(time)) return "";
  return new Date(time - 1).toISOString().slice(0, 10);
}

/** An inclusive day from a date input as the exclusive `to` filter: "2026-03-05" → "2026-03-06". */
export function toExclusiveDay(day: string): string {
  const time = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(time)) return "";
  return new Date(time + DAY_MS).toISOString().slice(0, 10);
}

/** The `from` filter as a date input's day. */
export function toFromDay(from: string | null | undefined): string {
  if (!from) return "";
  const time = Date.parse(from);
  return Number.isNaN(time) ? "" : new Date(time).toISOString().slice(0, 10);
}
