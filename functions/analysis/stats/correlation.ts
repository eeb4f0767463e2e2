import { studentTwoSided } from './distributions.ts';

/**
 * Spearman's rank correlation: Pearson's correlation of the ranks (ties get their average
 * rank), with the two-sided p-value of t = rho sqrt((n - 2) / (1 - rho^2)) on n - 2 degrees of
 * freedom, as scipy.stats.spearmanr computes it. Pairs with a missing value are left out.
 * Null when fewer than three pairs remain or either side does not vary.
 *
 * @example spearman([1, 2, 3, 4], [10, 20, 25, 40]) // { rho: 1, pValue: 0, n: 4 }
 */
export function spearman(
  x: readonly (number | null)[],
  y: readonly (number | null)[],
): { rho: number; pValue: number; n: number } | null {
  const pairs: [number, number][] = [];
  x.forEach((a, i) => {
    const b = y[i];
    if (a !== null && b !== null && b !== undefined && Number.isFinite(a) && Number.isFinite(b))
      pairs.push([a, b]);
  });
  const n = pairs.length;
  if (n < 3) return null;
  const rx = ranks(pairs.map((p) => p[0]));
  const ry = ranks(pairs.map((p) => p[1]));
  const rho = pearson(rx, ry);
  if (rho === null) return null;
  if (Math.abs(rho) >= 1) return { rho: Math.sign(rho), pValue: 0, n };
  const t = rho * Math.sqrt((n - 2) / (1 - rho * rho));
  return { rho, pValue: studentTwoSided(t, n - 2), n };
}

/** Ranks 1..n, ties given the average of the ranks they span. */
export function ranks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]!] === values[order[i]!]) j++;
    const average = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) out[order[k]!] = average;
    i = j + 1;
  }
  return out;
}

function pearson(x: readonly number[], y: readonly number[]): number | null {
  const n = x.length;
  const mx = x.reduce((a, v) => a + v, 0) / n;
  const my = y.reduce((a, v) => a + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}
