// Where instability comes from, computed in the database: runtime flip rates (device vs reference
// top-1 on the same stored bytes, per device model and backend), capture instability (label
// instability from reference votes) next to the device votes' label instability, the share of
// device-unstable scenes that reference votes make stable, and the compression probe's flip rate
// per re-encoding. The same definitions as ../compute-flip-rates.ts and
// ../compute-reference-stabilisation.ts. Filters select captures as for the device report.
import type { SqlDriver, SqlExecutor } from "@/lib/db/sql-driver";
import { COMPRESSION_PROBE_VARIANTS } from "@/lib/reference/compression-probe-settings";
import type { AttributionReport } from "../compute-attribution-report";
import { summariseFlipGroups, toKeyedRatios } from "../compute-flip-rates";
import { toRatio, type Ratio } from "../types";
import { buildCaptureScope, type CaptureScope } from "./instability-filters";
import { dropVoteTables, inOneSnapshot, prepareVoteTables } from "./prepare-vote-tables";
import { readCount } from "./read-count";
import { POSTGRES_DIALECT } from "./sql-dialect";

async function readLabelInstability(tx: SqlExecutor): Promise<Ratio> {
  const [row] = await tx.query<Record<string, unknown>>(
    `SELECT count(*) FILTER (WHERE is_unstable)::int AS unstable, count(*) FILTER (WHERE is_eligible)::int AS eligible FROM px_scenes`,
  );
  return toRatio(readCount(row?.unstable), readCount(row?.eligible));
}

export async function getAttributionReport(sql: SqlDriver, scope: Omit<CaptureScope, "source">): Promise<AttributionReport> {
  return inOneSnapshot(sql, async (tx) => {
    const deviceScope: CaptureScope = { ...scope, source: "device" };
    const { from, where, params } = buildCaptureScope(deviceScope, POSTGRES_DIALECT);
    const flipRows = await tx.query<Record<string, unknown> & { model: string; backend: string }>(
      `SELECT c."deviceModelKey" AS model, p.backend, count(*)::int AS captures, count(*) FILTER (WHERE r."top1Index" <> p."top1Index")::int AS flips
       FROM ${from} JOIN "Prediction" r ON r."captureId" = c.id AND r.source = 'reference' AND r.variant = 'original'
       WHERE ${where}
       GROUP BY 1, 2`,
      params,
    );
    // The probe compares reference with reference: every capture in scope with its original
    // reference prediction counts, whether or not a phone sent a prediction with it.
    const probeScope = buildCaptureScope({ ...scope, source: "reference" }, POSTGRES_DIALECT);
    const probeRows = await tx.query<Record<string, unknown> & { variant: string }>(
      `SELECT v.variant, count(*)::int AS captures, count(*) FILTER (WHERE v."top1Index" <> p."top1Index")::int AS flips
       FROM ${probeScope.from}
       JOIN "Prediction" v ON v."captureId" = c.id AND v.source = 'reference' AND v.variant = ANY($${probeScope.params.length + 1}::text[])
       WHERE ${probeScope.where}
       GROUP BY 1`,
      [...probeScope.params, [...COMPRESSION_PROBE_VARIANTS]],
    );

    await prepareVoteTables(tx, deviceScope);
    const deviceInstability = await readLabelInstability(tx);
    await tx.query(POSTGRES_DIALECT.createTempTable("px_device_scenes", `SELECT scene_seq, is_unstable FROM px_scenes`));
    await dropVoteTables(tx);
    await prepareVoteTables(tx, { ...scope, source: "reference" });
    const captureInstability = await readLabelInstability(tx);
    const [stabilised] = await tx.query<Record<string, unknown>>(
      `SELECT count(*)::int AS comparable, count(*) FILTER (WHERE NOT r.is_unstable)::int AS stabilised
       FROM px_device_scenes d JOIN px_scenes r ON r.scene_seq = d.scene_seq
       WHERE d.is_unstable AND r.is_eligible`,
    );
    return {
      runtimeFlipRate: summariseFlipGroups(
        flipRows.map((row) => ({ deviceModelKey: row.model, backend: row.backend, flips: readCount(row.flips), captures: readCount(row.captures) })),
      ),
      deviceInstability,
      captureInstability,
      stabilisedByReference: toRatio(readCount(stabilised?.stabilised), readCount(stabilised?.comparable)),
      compressionProbe: toKeyedRatios(new Map(probeRows.map((row) => [row.variant, { flips: readCount(row.flips), total: readCount(row.captures) }]))),
    };
  });
}
