// Which captures an instability query counts: one study, one prediction source, and the
// researcher's filters (capture date range, device models, device backend, capture method). The
// zod schema is the API's query contract; `buildCaptureScope` turns it into the SQL that selects
// those captures' predictions. Only predictions of the stored bytes count (variant "original").
import { z } from "zod";
import type { SqlDialect } from "./sql-dialect";

const list = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (Array.isArray(value) ? value : value.split(",")).map((item) => item.trim()).filter(Boolean))
  .pipe(z.array(z.string().min(1).max(200)).max(500));

export const instabilityFiltersSchema = z.strictObject({
  /** Captures created at or after this instant. */
  from: z.coerce.date().optional(),
  /** Captures created before this instant. */
  to: z.coerce.date().optional(),
  /** Only these device model keys. */
  deviceModels: list.optional(),
  /** Only captures whose device prediction ran on one of these backends ("webgpu", "wasm", …). */
  backends: list.optional(),
  /** Only these capture methods ("native-camera", "live-camera", …). */
  captureMethods: list.optional(),
});

export type InstabilityFilters = z.infer<typeof instabilityFiltersSchema>;

export const PREDICTION_SOURCE_VALUES = ["device", "reference"] as const;
export type PredictionSource = (typeof PREDICTION_SOURCE_VALUES)[number];

export type CaptureScope = {
  studyId: string;
  source: PredictionSource;
  filters: InstabilityFilters;
  /** Internal narrowing to some devices (breakdowns by browser or OS); not an API filter. */
  deviceIds?: readonly string[];
};

/** Whether the scope is a study's whole source: no filter narrows it (as buildScopeCondition reads them). */
export function isWholeSource(scope: CaptureScope): boolean {
  const { from, to, deviceModels, backends, captureMethods } = scope.filters;
  return !from && !to && !deviceModels && !captureMethods && !scope.deviceIds && !backends;
}

/**
 * How one table layout expresses each filter: conditions given the SQL of their parameter (a
 * positional parameter, already cast where needed).
 */
type ScopeColumns = {
  /** The study ($1), source ($2) and variant conditions. */
  base: string[];
  createdAt: string;
  captureMethodIn: (list: string) => string;
  deviceModelIn: (list: string) => string;
  deviceIn: (list: string) => string;
  /** The phone's backend: for reference predictions, the capture's device prediction's. */
  backendIn: (list: string, source: PredictionSource) => string;
};

/** The WHERE condition selecting the scope's predictions and its parameters ($1 = study id, $2 = source, then the filters in order). */
function buildScopeCondition(scope: CaptureScope, dialect: SqlDialect, columns: ScopeColumns): { where: string; params: unknown[] } {
  const params: unknown[] = [scope.studyId, scope.source];
  const where = [...columns.base];
  // push returns the new length, which is the new parameter's position.
  const list = (value: readonly string[]) => dialect.textArrayParameter(params.push(value));
  const { from, to, deviceModels, backends, captureMethods } = scope.filters;
  if (from) where.push(`${columns.createdAt} >= $${params.push(from)}`);
  if (to) where.push(`${columns.createdAt} < $${params.push(to)}`);
  if (deviceModels) where.push(columns.deviceModelIn(list(deviceModels)));
  if (captureMethods) where.push(columns.captureMethodIn(list(captureMethods)));
  if (scope.deviceIds) where.push(columns.deviceIn(list(scope.deviceIds)));
  if (backends) where.push(columns.backendIn(list(backends), scope.source));
  return { where: where.join(" AND "), params };
}

/**
 * `"Capture" c JOIN "Prediction" p` and the WHERE condition selecting the scope's predictions, with
 * its parameters ($1 = study id, $2 = source, then the filters in order). Callers may join more
 * tables between the two.
 */
export function buildCaptureScope(scope: CaptureScope, dialect: SqlDialect): { from: string; where: string; params: unknown[] } {
  const { where, params } = buildScopeCondition(scope, dialect, {
    base: [`c."studyId" = $1`, `p."studyId" = $1`, `p.source = $2`, `p.variant = 'original'`],
    createdAt: `c."createdAt"`,
    captureMethodIn: (list) => `c."captureMethod" = ANY(${list})`,
    deviceModelIn: (list) => `c."deviceModelKey" = ANY(${list})`,
    deviceIn: (list) => `c."deviceId" = ANY(${list})`,
    backendIn: (list, source) =>
      source === "device"
        ? `p.backend = ANY(${list})`
        : `EXISTS (SELECT 1 FROM "Prediction" d WHERE d."captureId" = c.id AND d.source = 'device' AND d.variant = 'original' AND d.backend = ANY(${list}))`,
  });
  return { from: `"Capture" c JOIN "Prediction" p ON p."captureId" = c.id`, where, params };
}

/**
 * The same selection over the narrow "Observation" table (alias o; one row per prediction of a
 * capture as stored, kept by the database), with the same parameters.
 */
export function buildObservationScope(scope: CaptureScope, dialect: SqlDialect): { where: string; params: unknown[] } {
  return buildScopeCondition(scope, dialect, {
    base: [`o."studyId" = $1`, `o.source = $2`],
    createdAt: `o."createdAt"`,
    captureMethodIn: (list) => `o."captureMethod" = ANY(${list})`,
    deviceModelIn: (list) => `o."deviceModelSeq" IN (SELECT k.seq FROM "DeviceModelKey" k WHERE k.key = ANY(${list}))`,
    deviceIn: (list) => `o."deviceSeq" IN (SELECT d.seq FROM "Device" d WHERE d.id = ANY(${list}))`,
    backendIn: (list, source) =>
      source === "device"
        ? `o.backend = ANY(${list})`
        : `EXISTS (SELECT 1 FROM "Observation" d WHERE d."captureId" = o."captureId" AND d.source = 'device' AND d.backend = ANY(${list}))`,
  });
}
