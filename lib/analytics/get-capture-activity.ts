// Capture activity over time: counted captures (the same ones the instability report counts under
// the filters and source) per time bucket, with the devices and device models active in it. The
// bucket width follows the span (minutes for a session, hours for a few days, then days, weeks),
// and empty buckets are included so the chart shows pauses.
import "server-only";
import type { SqlDriver } from "@/lib/db/sql-driver";
import { buildCaptureScope } from "@/lib/instability/sql/instability-filters";
import { readCount } from "@/lib/instability/sql/read-count";
import { POSTGRES_DIALECT } from "@/lib/instability/sql/sql-dialect";
import type { AnalyticsQuery } from "./analytics-schemas";
import type { activityResponseSchema, ACTIVITY_BUCKETS } from "./dashboard-schemas";
import type { ChartData } from "./get-study-charts";
import { resolveStudyScope } from "./study-scope";

type Bucket = (typeof ACTIVITY_BUCKETS)[number];
const BUCKET_MS: Record<Bucket, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };
const MAX_BUCKETS = 400;

/** The narrowest bucket that cuts [first, last] into at most MAX_BUCKETS pieces. Pure. */
export function chooseActivityBucket(firstMs: number, lastMs: number): Bucket {
  const span = Math.max(0, lastMs - firstMs);
  for (const bucket of ["minute", "hour", "day"] as const) if (span / BUCKET_MS[bucket] < MAX_BUCKETS) return bucket;
  return "week";
}

/** The start of the bucket holding `ms` (UTC; weeks start on Monday, as PostgreSQL's date_trunc). Pure. */
export function bucketStart(ms: number, bucket: Bucket): number {
  if (bucket !== "week") return Math.floor(ms / BUCKET_MS[bucket]) * BUCKET_MS[bucket];
  const day = Math.floor(ms / BUCKET_MS.day) * BUCKET_MS.day;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return day - weekday * BUCKET_MS.day;
}

export async function getCaptureActivity(sql: SqlDriver, studyId: string, query: AnalyticsQuery): Promise<ChartData<typeof activityResponseSchema>> {
  const { scope, filters } = await resolveStudyScope(sql, studyId, query);
  const { from, where, params } = buildCaptureScope(scope, POSTGRES_DIALECT);
  const [span] = await sql.query<{ first: Date | string | null; last: Date | string | null }>(
    `SELECT min(c."createdAt") AS first, max(c."createdAt") AS last FROM ${from} WHERE ${where}`,
    params,
  );
  const first = span?.first ? new Date(span.first).getTime() : null;
  const last = span?.last ? new Date(span.last).getTime() : null;
  let bucket: Bucket = "day";
  const points: { start: string; captures: number; devices: number; deviceModels: number }[] = [];
  if (first !== null && last !== null) {
    bucket = chooseActivityBucket(first, last);
    // The epoch of a zone-less timestamp reads its wall time as UTC: the bucket's UTC start.
    const rows = await sql.query<{ bucket_ms: unknown; captures: unknown; devices: unknown; models: unknown }>(
      `SELECT (extract(epoch FROM date_trunc('${bucket}', c."createdAt" AT TIME ZONE 'UTC')) * 1000)::float8 AS bucket_ms, count(*)::int AS captures,
              count(DISTINCT c."deviceId")::int AS devices, count(DISTINCT c."deviceModelKey")::int AS models
       FROM ${from} WHERE ${where} GROUP BY 1 ORDER BY 1`,
      params,
    );
    const byStart = new Map(rows.map((row) => [Number(row.bucket_ms), row]));
    for (let start = bucketStart(first, bucket); start <= last; start += BUCKET_MS[bucket]) {
      const row = byStart.get(start);
      points.push({ start: new Date(start).toISOString(), captures: readCount(row?.captures), devices: readCount(row?.devices), deviceModels: readCount(row?.models) });
    }
  }
  return {
    body: { studyId, source: query.source, filters, bucket, points },
    csv: { columns: ["start", "bucket", "captures", "devices", "deviceModels"], rows: points.map((p) => [p.start, bucket, p.captures, p.devices, p.deviceModels]) },
  };
}

