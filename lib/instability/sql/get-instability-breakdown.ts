// Label instability broken down by the phone's backend, capture method, browser or operating
// system: for each group, the study restricted to that group's captures (votes, eligibility and
// instability recounted inside the group), with its counts.
import type { SqlDriver } from "@/lib/db/sql-driver";
import { classifyUserAgent } from "../classify-user-agent";
import { compareKeys, toRatio } from "../types";
import type { CaptureScope } from "./instability-filters";
import { dropVoteTables, prepareVoteTables } from "./prepare-vote-tables";
import { readCount } from "./read-count";

export const BREAKDOWN_DIMENSIONS = ["backend", "captureMethod", "browser", "os"] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

export type BreakdownRow = {
  key: string;
  captures: number;
  devices: number;
  deviceModels: number;
  eligibleScenes: number;
  unstableScenes: number;
  labelInstability: number | null;
};

export async function getInstabilityBreakdown(sql: SqlDriver, scope: CaptureScope, dimension: BreakdownDimension): Promise<BreakdownRow[]> {
  const groups = await listGroups(sql, scope, dimension);
  return sql.transaction(async (tx) => {
    const rows: BreakdownRow[] = [];
    for (const group of groups) {
      await prepareVoteTables(tx, group.scope);
      const [scenes] = await tx.query<Record<string, unknown>>(
        `SELECT count(*) FILTER (WHERE is_eligible)::int AS eligible, count(*) FILTER (WHERE is_unstable)::int AS unstable FROM px_scenes`,
      );
      const [obs] = await tx.query<Record<string, unknown>>(
        `SELECT count(*)::int AS captures, count(DISTINCT device_seq)::int AS devices, count(DISTINCT model_seq)::int AS models FROM px_obs`,
      );
      await dropVoteTables(tx);
      const eligible = readCount(scenes?.eligible);
      const unstable = readCount(scenes?.unstable);
      rows.push({
        key: group.key,
        captures: readCount(obs?.captures),
        devices: readCount(obs?.devices),
        deviceModels: readCount(obs?.models),
        eligibleScenes: eligible,
        unstableScenes: unstable,
        labelInstability: toRatio(unstable, eligible).value,
      });
    }
    return rows.filter((row) => row.captures > 0);
  });
}

async function listGroups(sql: SqlDriver, scope: CaptureScope, dimension: BreakdownDimension): Promise<{ key: string; scope: CaptureScope }[]> {
  const { filters } = scope;
  if (dimension === "backend" || dimension === "captureMethod") {
    const rows =
      dimension === "backend"
        ? await sql.query<{ key: string }>(
            `SELECT DISTINCT backend AS key FROM "Prediction" WHERE "studyId" = $1 AND source = 'device' AND variant = 'original'`,
            [scope.studyId],
          )
        : await sql.query<{ key: string }>(`SELECT DISTINCT "captureMethod" AS key FROM "Capture" WHERE "studyId" = $1`, [scope.studyId]);
    const wanted = dimension === "backend" ? filters.backends : filters.captureMethods;
    return rows
      .map((row) => row.key)
      .filter((key) => !wanted || wanted.includes(key))
      .sort(compareKeys)
      .map((key) => ({
        key,
        scope: { ...scope, filters: dimension === "backend" ? { ...filters, backends: [key] } : { ...filters, captureMethods: [key] } },
      }));
  }
  const devices = await sql.query<{ id: string; userAgent: string | null; uaPlatform: string | null }>(
    `SELECT id, "userAgent", "uaPlatform" FROM "Device" WHERE "studyId" = $1`,
    [scope.studyId],
  );
  const byGroup = new Map<string, string[]>();
  for (const device of devices) {
    const families = classifyUserAgent(device.userAgent, device.uaPlatform);
    const key = dimension === "browser" ? families.browser : families.os;
    byGroup.set(key, [...(byGroup.get(key) ?? []), device.id]);
  }
  return [...byGroup.entries()].sort(([a], [b]) => compareKeys(a, b)).map(([key, deviceIds]) => ({ key, scope: { ...scope, deviceIds } }));
}
