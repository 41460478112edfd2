// Loads what every dashboard page starts from: the database, the study's context (404 page for an
// unknown study) and the filters read from the URL.
import "server-only";
import { notFound } from "next/navigation";
import { readDashboardQuery, type DashboardQueryResult, type SearchParamsRecord } from "@/lib/analytics/dashboard-filters";
import type { DashboardContext } from "@/lib/analytics/dashboard-schemas";
import { getDashboardContext } from "@/lib/analytics/get-dashboard-context";
import { AppError } from "@/lib/api/app-error";
import { getDatabase } from "@/lib/db/database";
import type { SqlDriver } from "@/lib/db/sql-driver";

/** The props every page passes to <DashboardFrame>. */
export type FrameProps = { context: DashboardContext; view: string; filters: URLSearchParams; search: string };
export type LoadedDashboard = { sql: SqlDriver; context: DashboardContext; parsed: DashboardQueryResult; frame: FrameProps };

/** Search params as one query string (repeated keys kept). */
export function toSearchString(searchParams: SearchParamsRecord): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(searchParams)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(key, item);
  }
  return params.toString();
}

export async function loadDashboard(studyId: string, view: string, searchParams: SearchParamsRecord): Promise<LoadedDashboard> {
  const { sql } = await getDatabase();
  try {
    const context = await getDashboardContext(sql, studyId);
    const parsed = readDashboardQuery(searchParams);
    return { sql, context, parsed, frame: { context, view, filters: parsed.filters, search: toSearchString(searchParams) } };
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
}

/** Runs a lib call that may answer 404 (a scene of another study): the 404 page instead of an error. */
export async function orNotFound<T>(load: Promise<T>): Promise<T> {
  try {
    return await load;
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
}

/** The page's own address (for the sign-in redirect), search params included. */
export function dashboardPagePath(studyId: string, view: string, searchParams: SearchParamsRecord): string {
  const query = toSearchString(searchParams);
  return `/studies/${encodeURIComponent(studyId)}/dashboard${view ? `/${view}` : ""}${query ? `?${query}` : ""}`;
}

export type DashboardPageProps = { params: Promise<{ id: string }>; searchParams: Promise<SearchParamsRecord> };
