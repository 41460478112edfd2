// Seeded randomness for the fleet simulator: a small, fast PRNG (sfc32) seeded from a string hash,
// with float/int/normal/pick helpers and named sub-streams. Everything the simulator draws comes
// from here, so the same seed always gives the same fleet, photos and uploads. Pure.

export type Seed = string | number;

export type Random = {
  /** Uniform in [0, 1). */
  float(): number;
  /** Uniform in [min, max). */
  range(min: number, max: number): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  /** -1 or +1 with equal probability. */
  sign(): 1 | -1;
  /** One element, uniformly; throws on an empty list. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** A 32-bit unsigned integer. */
  uint32(): number;
  /**
   * An independent stream named by `label`, derived from this stream's seed only (not from how
   * many numbers were drawn here), so adding draws in one place never shifts another.
   */
  fork(label: Seed): Random;
};

/** cyrb128: a fast 128-bit string hash, used to turn any seed text into sfc32's four words. */
export function hashSeed(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A seeded random stream. The same seed gives the same sequence on every platform. */
export function createRandom(seed: Seed): Random {
  const seedText = String(seed);
  let [a, b, c, d] = hashSeed(seedText);
  let spareNormal: number | undefined;

  const uint32 = (): number => {
    // sfc32 (Chris Doty-Humphrey's Small Fast Counting generator), 32-bit words.
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm up: the first outputs of sfc32 are correlated with the seed words.
  for (let i = 0; i < 15; i++) uint32();

  const float = (): number => uint32() / 4294967296;

  const random: Random = {
    float,
    uint32,
    range: (min, max) => min + (max - min) * float(),
    int(min, max) {
      if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) throw new RangeError(`int(${min}, ${max}): bad bounds`);
      return min + Math.floor(float() * (max - min + 1));
    },
    normal(mean = 0, sd = 1) {
      if (spareNormal !== undefined) {
        const value = spareNormal;
        spareNormal = undefined;
        return mean + sd * value;
      }
      let u = float();
      while (u === 0) u = float();
      const v = float();
      const radius = Math.sqrt(-2 * Math.log(u));
      spareNormal = radius * Math.sin(2 * Math.PI * v);
      return mean + sd * radius * Math.cos(2 * Math.PI * v);
    },
    chance: (p) => float() < p,
    sign: () => (float() < 0.5 ? -1 : 1),
    pick(items) {
      if (items.length === 0) throw new RangeError("pick() from an empty list");
      return items[Math.floor(float() * items.length)] as (typeof items)[number];
    },
    shuffle(items) {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(float() * (i + 1));
        [copy[i], copy[j]] = [copy[j]!, copy[i]!];
      }
      return copy;
    },
    fork: (label) => createRandom(`${seedText}/${String(label)}`),
  };
  return random;
}
