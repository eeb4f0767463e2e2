/**
 * A small seeded pseudo-random generator: mulberry32 for uniforms, Box-Muller for normals,
 * and the few distributions the demo data needs. Never Math.random: the same seed gives the
 * same numbers on every machine (mulberry32 uses only 32-bit integer arithmetic).
 */

import { deriveSeed, mulberry32 } from '#analysis/stats/random.ts';

export { deriveSeed, mulberry32 };

/** A seeded stream of random numbers with the distributions the generator uses. */
export class SeededRandom {
  private state = 0;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Restarts the stream from a new seed: one object can serve many rows without garbage. */
  reseed(seed: number): this {
    this.state = seed >>> 0;
    this.spareNormal = undefined;
    return this;
  }

  /** A uniform in [0, 1): the mulberry32 step, inlined. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** true with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A normal draw (Box-Muller; the second value of each pair is kept for the next call). */
  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + sd * z;
    }
    const u1 = 1 - this.next(); // (0, 1]: log stays finite
    const u2 = this.next();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = radius * Math.sin(2 * Math.PI * u2);
    return mean + sd * radius * Math.cos(2 * Math.PI * u2);
  }

  /** exp(N(mu, sigma)): positive and right-skewed; its median is exp(mu). */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** A multiplicative noise factor with mean 1: exp(N(-sigma^2 / 2, sigma)). */
  noiseFactor(sigma: number): number {
    return this.logNormal((-sigma * sigma) / 2, sigma);
  }

  /** A Poisson count: Knuth's product method below 30, a rounded normal above. */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda >= 30) return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
    const limit = Math.exp(-lambda);
    let k = 0;
    let product = this.next();
    while (product > limit) {
      k += 1;
      product *= this.next();
    }
    return k;
  }

  /** One item, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError('pick from an empty list');
    return item;
  }

  /** An index drawn with probability proportional to its weight. */
  weightedIndex(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let target = this.next() * total;
    for (let i = 0; i < weights.length; i += 1) {
      target -= weights[i] ?? 0;
      if (target < 0) return i;
    }
    return weights.length - 1;
  }
}

/**
 * Draws an index in [0, count) with probability proportional to its weight, given the
 * cumulative weights (cumulative[i] = w0 + ... + wi): a binary search, O(log n), for large
 * populations such as 100,000 customers sampled 10,000,000 times.
 */
export function pickCumulative(cumulative: Float64Array, count: number, u: number): number {
  const total = cumulative[count - 1] ?? 0;
  const target = u * total;
  let lo = 0;
  let hi = count - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 0) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Cumulative sums of weights, as a Float64Array for pickCumulative. */
export function cumulativeWeights(weights: readonly number[]): Float64Array {
  const out = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => {
    sum += w;
    out[i] = sum;
  });
  return out;
}
