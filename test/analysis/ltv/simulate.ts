import { SeededRandom } from '#demo/seeded-random.ts';
import type { BgNbdCustomer, BgNbdParams } from '#analysis/ltv/bgnbd.ts';
import type { GammaGammaParams } from '#analysis/ltv/gamma-gamma.ts';

/**
 * Customers drawn from the BG/NBD and Gamma-Gamma models themselves, to check that the fits
 * recover the parameters they were drawn with, and to time them on many customers.
 */

/** Gamma(shape, rate) by Marsaglia and Tsang (2000), boosted by U^(1/shape) below shape 1. */
export function gammaVariate(random: SeededRandom, shape: number, rate: number): number {
  if (shape < 1) {
    const u = random.next() || Number.MIN_VALUE;
    return gammaVariate(random, shape + 1, rate) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = random.normal();
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = random.next();
    if (Math.log(u || Number.MIN_VALUE) < 0.5 * z * z + d - d * v + d * Math.log(v)) {
      return (d * v) / rate;
    }
  }
}

export interface SimulatedCustomer extends BgNbdCustomer {
  monetaryValue: number;
}

/**
 * `n` customers: each has lambda ~ Gamma(r, alpha) and p ~ Beta(a, b), an age T uniform on
 * (0, maxAge], and buys at the times of a Poisson process of rate lambda, dropping out after
 * each repeat purchase with probability p (FHL 2005, section 3). Each repeat purchase's
 * amount is Gamma(p, nu) with nu ~ Gamma(q, gamma) per customer; monetaryValue is their mean.
 */
export function simulateCustomers(
  bgnbd: BgNbdParams,
  spend: GammaGammaParams,
  n: number,
  seed: number,
  maxAge = 52,
): SimulatedCustomer[] {
  const random = new SeededRandom(seed);
  const out: SimulatedCustomer[] = [];
  for (let i = 0; i < n; i++) {
    const lambda = gammaVariate(random, bgnbd.r, bgnbd.alpha);
    const g1 = gammaVariate(random, bgnbd.a, 1);
    const dropout = g1 / (g1 + gammaVariate(random, bgnbd.b, 1));
    const T = maxAge * (1 - random.next());
    let x = 0;
    let tx = 0;
    let t = 0;
    for (;;) {
      t += -Math.log(1 - random.next()) / lambda;
      if (t > T) break;
      x++;
      tx = t;
      if (random.next() < dropout) break;
    }
    const nu = gammaVariate(random, spend.q, spend.gamma);
    let total = 0;
    for (let k = 0; k < x; k++) total += gammaVariate(random, spend.p, nu);
    out.push({ x, tx, T, monetaryValue: x > 0 ? total / x : 0 });
  }
  return out;
}
