// 95% percentile bootstrap interval over scenes (PRODUCT.md): 1000 resamples with replacement of
// the n scenes a ratio is counted over, each giving the resample's ratio; the interval runs from
// the 26th smallest to the 26th largest of the 1000 values (sorted ascending, indices
// floor(B/40) and B-1-floor(B/40)). Draws come from mulberry32 with a fixed seed, one draw per
// scene per resample, index = floor(u·n). The statistic is a mean of a 0/1 indicator, so a
// resample's value depends only on how many draws hit a counted ("numerator") scene; scenes are
// indexed with those first (draw index < numerator), which makes the interval a deterministic
// function of (numerator, denominator, seed, resamples) and identical in every engine. Pure.
import { createSeededRandom, DEFAULT_METRIC_SEED } from "./seeded-random";

export type BootstrapInterval = {
  lower: number;
  upper: number;
  level: 0.95;
  resamples: number;
  seed: number;
  method: "percentile";
};

export type BootstrapOptions = { resamples?: number; seed?: number };

export const DEFAULT_BOOTSTRAP_RESAMPLES = 1000;

/** The interval of numerator/denominator, or null when the denominator is 0. */
export function computeBootstrapInterval(
  counts: { numerator: number; denominator: number },
  options: BootstrapOptions = {},
): BootstrapInterval | null {
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  const seed = options.seed ?? DEFAULT_METRIC_SEED;
  const n = counts.denominator;
  if (n === 0) return null;
  if (!Number.isInteger(resamples) || resamples < 40) throw new RangeError("the bootstrap needs an integer number of resamples ≥ 40");
  const random = createSeededRandom(seed);
  const values = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let hits = 0;
    for (let i = 0; i < n; i++) if (random.nextInt(n) < counts.numerator) hits += 1;
    values[b] = hits / n;
  }
  values.sort();
  const tail = Math.floor(resamples / 40);
  return { lower: values[tail]!, upper: values[resamples - 1 - tail]!, level: 0.95, resamples, seed, method: "percentile" };
}
