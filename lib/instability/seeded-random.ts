// The seeded pseudo-random stream behind every random choice a published metric makes (bootstrap
// resamples, device-model subsets). It is part of the metric definitions: changing it changes
// published numbers, so it is frozen here rather than shared with the simulator's generator. Pure.

/** The bootstrap and subset seed used unless a caller passes another one. */
export const DEFAULT_METRIC_SEED = 20_240_601;

export type SeededRandom = {
  /** Uniform in [0, 1): the next mulberry32 output divided by 2^32. */
  next(): number;
  /** An integer in [0, n): floor(next() · n). */
  nextInt(n: number): number;
};

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): one 32-bit word of state, period 2^32,
 * identical output on every JavaScript engine because it only uses 32-bit integer arithmetic.
 */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return { next, nextInt: (n) => Math.floor(next() * n) };
}
