import { readFileSync } from 'node:fs';
import { expect } from 'vitest';

/** scipy 1.10 and statsmodels 0.13 values: test/fixtures/golden/groups/make_groups.py. */
export interface GoldenDataset {
  description: string;
  labels: string[];
  groups: number[][];
  f_oneway: { f: number; p: number };
  anova_effects: { ss_between: number; ss_within: number; eta2: number; omega2: number };
  welch: { f: number; df1: number; df2: number; p: number };
  kruskal: { h: number; p: number };
  levene_median: { w: number; p: number };
  /** [i, j, mean_i - mean_j, p, low, high, direct upper-tail p where p < 1e-4 or null] */
  tukey_hsd: (number | null)[][];
  /** [i, j, mean_i - mean_j, df, p, low, high, direct upper-tail p where p < 1e-4 or null] */
  games_howell: (number | null)[][];
}

type Df = number | 'Infinity';

export interface Golden {
  versions: Record<string, string>;
  confidence: number;
  datasets: Record<string, GoldenDataset>;
  studentized_range: {
    /** [q, k, df, scipy sf] */
    sf: [number, number, Df, number][];
    /** [q, k, df, upper tail by scipy.integrate.quad] */
    reference: [number, number, Df, number][];
    /** [p, k, df, scipy ppf] */
    ppf: [number, number, Df, number][];
  };
}

export const golden = JSON.parse(
  readFileSync(new URL('../../fixtures/golden/groups/groups.json', import.meta.url), 'utf8'),
) as Golden;

export function df(value: Df): number {
  return value === 'Infinity' ? Infinity : value;
}

/** The anchor: p-values within 1e-6 relative of scipy / statsmodels. */
export const P_REL = 1e-6;
/** Statistics (F, H, W, df, differences, interval bounds) within 1e-9 relative. */
export const STAT_REL = 1e-9;

/** Worst relative error seen per kind, printed at the end of a file for the report. */
export const worst = new Map<string, number>();

export function close(
  actual: number,
  expected: number,
  rel: number,
  what: string,
  kind = what,
  absolute = 0,
): void {
  const error = Math.abs(actual - expected);
  const relative = expected === 0 ? error : error / Math.abs(expected);
  worst.set(kind, Math.max(worst.get(kind) ?? 0, relative));
  expect(error, `${what}: ${actual} vs golden ${expected}`).toBeLessThanOrEqual(
    rel * Math.abs(expected) + absolute,
  );
}
