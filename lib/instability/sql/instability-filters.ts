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

/**
 * `"Capture" c JOIN "Prediction" p` and the WHERE condition selecting the scope's predictions, with
 * its parameters ($1 = study id, $2 = source, then the filters in order). Callers may join more
 * tables between the two.
 */
export function buildCaptureScope(scope: CaptureScope, dialect: SqlDialect): { from: string; where: string; params: unknown[] } {
  const params: unknown[] = [scope.studyId, scope.source];
  const where = [`c."studyId" = $1`, `p."studyId" = $1`, `p.source = $2`, `p.variant = 'original'`];
  // push returns the new length, which is the new parameter's position.
  const add = (value: unknown) => params.push(value);
  const { from, to, deviceModels, backends, captureMethods } = scope.filters;
  if (from) where.push(`c."createdAt" >= $${add(from)}`);
  if (to) where.push(`c."createdAt" < $${add(to)}`);
  if (deviceModels) where.push(`c."deviceModelKey" = ANY(${dialect.textArrayParameter(add(deviceModels))})`);
  if (captureMethods) where.push(`c."captureMethod" = ANY(${dialect.textArrayParameter(add(captureMethods))})`);
  if (scope.deviceIds) where.push(`c."deviceId" = ANY(${dialect.textArrayParameter(add(scope.deviceIds))})`);
  if (backends) {
    // The backend is the phone's: for reference predictions it selects captures whose device prediction ran there.
    const position = add(backends);
    where.push(
      scope.source === "device"
        ? `p.backend = ANY(${dialect.textArrayParameter(position)})`
        : `EXISTS (SELECT 1 FROM "Prediction" d WHERE d."captureId" = c.id AND d.source = 'device' AND d.variant = 'original' AND d.backend = ANY(${dialect.textArrayParameter(position)}))`,
    );
  }
  return { from: `"Capture" c JOIN "Prediction" p ON p."captureId" = c.id`, where: where.join(" AND "), params };
}

/**
 * The same selection as `buildCaptureScope`, over the narrow "Observation" table (alias o; one row
 * per prediction of a capture as stored, kept by the database): the WHERE condition and its
 * parameters, in the same order.
 */
export function buildObservationScope(scope: CaptureScope, dialect: SqlDialect): { where: string; params: unknown[] } {
  const params: unknown[] = [scope.studyId, scope.source];
  const where = [`o."studyId" = $1`, `o.source = $2`];
  const add = (value: unknown) => params.push(value);
  const { from, to, deviceModels, backends, captureMethods } = scope.filters;
  if (from) where.push(`o."createdAt" >= $${add(from)}`);
  if (to) where.push(`o."createdAt" < $${add(to)}`);
  if (deviceModels) where.push(`o."deviceModelSeq" IN (SELECT k.seq FROM "DeviceModelKey" k WHERE k.key = ANY(${dialect.textArrayParameter(add(deviceModels))}))`);
  if (captureMethods) where.push(`o."captureMethod" = ANY(${dialect.textArrayParameter(add(captureMethods))})`);
  if (scope.deviceIds) where.push(`o."deviceSeq" IN (SELECT d.seq FROM "Device" d WHERE d.id = ANY(${dialect.textArrayParameter(add(scope.deviceIds))}))`);
  if (backends) {
    const position = add(backends);
    where.push(
      scope.source === "device"
        ? `o.backend = ANY(${dialect.textArrayParameter(position)})`
        : `EXISTS (SELECT 1 FROM "Observation" d WHERE d."captureId" = o."captureId" AND d.source = 'device' AND d.backend = ANY(${dialect.textArrayParameter(position)}))`,
    );
  }
  return { where: where.join(" AND "), params };
}
