// Attribution of instability to the phone's runtime (PRODUCT.md): the runtime flip rate is the
// share of captures whose device top-1 differs from the server reference's top-1 on the same
// stored bytes, overall, per device model and per device backend (the backend the phone actually
// ran). The compression probe's flip rate per variant compares the reference on a re-encoded
// variant with the reference on the original bytes. Only captures that have both predictions
// count. Pure.
import { compareKeys, toRatio, type Ratio } from "./types";

/** A capture's device and reference top-1 on its original bytes. */
export type PairedTop1 = {
  captureId: string;
  deviceModelKey: string;
  /** The backend the device prediction ran on ("webgpu", "wasm", …). */
  backend: string;
  deviceTop1: number;
  referenceTop1: number;
};

export type KeyedRatio = Ratio & { key: string };

export type RuntimeFlipRates = {
  /** numerator: captures whose device and reference top-1 differ; denominator: captures with both. */
  overall: Ratio;
  byDeviceModel: KeyedRatio[];
  byBackend: KeyedRatio[];
};

/** Flip counts of the captures of one (device model, backend): what the SQL path aggregates. */
export type FlipGroup = { deviceModelKey: string; backend: string; flips: number; captures: number };

export function computeRuntimeFlipRates(pairs: readonly PairedTop1[]): RuntimeFlipRates {
  const groups = new Map<string, FlipGroup>();
  for (const pair of pairs) {
    const key = JSON.stringify([pair.deviceModelKey, pair.backend]);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { deviceModelKey: pair.deviceModelKey, backend: pair.backend, flips: 0, captures: 0 }));
    group.captures += 1;
    if (pair.deviceTop1 !== pair.referenceTop1) group.flips += 1;
  }
  return summariseFlipGroups([...groups.values()]);
}

/** Overall, per device model and per backend rates from (device model, backend) groups. */
export function summariseFlipGroups(groups: readonly FlipGroup[]): RuntimeFlipRates {
  let flips = 0;
  let captures = 0;
  const byModel = new Map<string, { flips: number; total: number }>();
  const byBackend = new Map<string, { flips: number; total: number }>();
  const add = (map: Map<string, { flips: number; total: number }>, key: string, group: FlipGroup) => {
    const entry = map.get(key) ?? { flips: 0, total: 0 };
    entry.flips += group.flips;
    entry.total += group.captures;
    map.set(key, entry);
  };
  for (const group of groups) {
    flips += group.flips;
    captures += group.captures;
    add(byModel, group.deviceModelKey, group);
    add(byBackend, group.backend, group);
  }
  return { overall: toRatio(flips, captures), byDeviceModel: toKeyedRatios(byModel), byBackend: toKeyedRatios(byBackend) };
}

/** A capture's reference top-1 on its original bytes and on one re-encoded variant. */
export type VariantTop1 = { captureId: string; variant: string; originalTop1: number; variantTop1: number };

/** Per variant: captures whose reference top-1 changed on the variant / captures with both, sorted by variant. */
export function computeVariantFlipRates(rows: readonly VariantTop1[]): KeyedRatio[] {
  const byVariant = new Map<string, { flips: number; total: number }>();
  for (const row of rows) {
    let entry = byVariant.get(row.variant);
    if (!entry) byVariant.set(row.variant, (entry = { flips: 0, total: 0 }));
    entry.total += 1;
    if (row.originalTop1 !== row.variantTop1) entry.flips += 1;
  }
  return toKeyedRatios(byVariant);
}

/** Ratios keyed by name, sorted by key. */
export function toKeyedRatios(map: Map<string, { flips: number; total: number }>): KeyedRatio[] {
  return [...map.entries()].sort(([a], [b]) => compareKeys(a, b)).map(([key, entry]) => ({ key, ...toRatio(entry.flips, entry.total) }));
}
