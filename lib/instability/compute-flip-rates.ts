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

export function computeRuntimeFlipRates(pairs: readonly PairedTop1[]): RuntimeFlipRates {
  let flips = 0;
  const byModel = new Map<string, { flips: number; total: number }>();
  const byBackend = new Map<string, { flips: number; total: number }>();
  const add = (map: Map<string, { flips: number; total: number }>, key: string, flipped: boolean) => {
    let entry = map.get(key);
    if (!entry) map.set(key, (entry = { flips: 0, total: 0 }));
    entry.total += 1;
    if (flipped) entry.flips += 1;
  };
  for (const pair of pairs) {
    const flipped = pair.deviceTop1 !== pair.referenceTop1;
    if (flipped) flips += 1;
    add(byModel, pair.deviceModelKey, flipped);
    add(byBackend, pair.backend, flipped);
  }
  return { overall: toRatio(flips, pairs.length), byDeviceModel: toKeyedRatios(byModel), byBackend: toKeyedRatios(byBackend) };
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

function toKeyedRatios(map: Map<string, { flips: number; total: number }>): KeyedRatio[] {
  return [...map.entries()].sort(([a], [b]) => compareKeys(a, b)).map(([key, entry]) => ({ key, ...toRatio(entry.flips, entry.total) }));
}
