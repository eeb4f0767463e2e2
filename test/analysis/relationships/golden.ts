import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { GrangerTest } from '#analysis/relationships/granger.ts';

/**
 * statsmodels 0.13.5's values (numpy 1.24 for least squares):
 * test/fixtures/golden/relationships/make_granger.py writes them.
 */

export interface GoldenTest {
  lag: number;
  F: number;
  pValue: number;
  dfDenom: number;
  dfNum: number;
  xCoefficientSum: number;
  xCoefficientSumSE: number;
  xCoefficientSumPValue: number;
  longRunEffect: number | null;
  strongestLag: number;
  strongestCoefficient: number;
  strongestT: number;
  partialR2: number;
}

export interface GoldenPairs {
  series: {
    name: string;
    adfStatistic: number;
    adfPValue: number;
    differenced: boolean;
    adfStatisticAfter?: number;
    adfPValueAfter?: number;
  }[];
  pairs: (GoldenTest & { effect: string; cause: string; qValue: number })[];
  tested: number;
  maxLag: number;
  seasonalPeriod: number | null;
}

export interface Golden {
  series: Record<string, number[]>;
  ols: {
    name: string;
    columns: number[][];
    y: number[];
    coefficients: number[];
    rss: number;
    standardErrors: number[];
    condition: number;
  }[];
  adf: {
    series: string;
    regression: 'c' | 'ct';
    autolag: 'AIC' | 'BIC' | null;
    maxlag: number | null;
    statistic: number;
    pValue: number;
    usedLag: number;
    nobs: number;
    critical: [number, number, number];
    icBest: number | null;
  }[];
  mackinnonp: Record<'c' | 'ct', [number, number][]>;
  mackinnoncrit: Record<'c' | 'ct', [number, [number, number, number]][]>;
  granger: { effect: string; cause: string; tests: GoldenTest[] }[];
  selection: {
    effect: string;
    cause: string;
    maxLag: number;
    criterion: 'AIC' | 'BIC';
    lag: number;
    ics: number[];
  }[];
  bh: [number[], number[]][];
  pairsCase: {
    input: Record<string, number[]>;
    result: GoldenPairs;
    resultWeekly: GoldenPairs;
  };
  trap: {
    seed: number;
    input: Record<string, number[]>;
    levels: (GoldenTest & { effect: string; cause: string })[];
    result: GoldenPairs;
  };
}

export const golden = JSON.parse(
  readFileSync(
    new URL('../../fixtures/golden/relationships/granger.json', import.meta.url),
    'utf8',
  ),
) as Golden;

/** The anchor: p-values within 1e-6 relative of statsmodels. */
export const P_REL = 1e-6;
/** Statistics (F, t, RSS, coefficients, criteria) within 1e-8 relative. */
export const STAT_REL = 1e-8;

/** |actual - expected| <= rel |expected| + absolute. */
export function close(
  actual: number,
  expected: number,
  rel: number,
  what: string,
  absolute = 1e-300,
): void {
  expect(
    Math.abs(actual - expected),
    `${what}: ${actual} vs statsmodels ${expected}`,
  ).toBeLessThanOrEqual(rel * Math.abs(expected) + absolute);
}

/** Our test against statsmodels' ssr_ftest and the effect measures computed from its fits. */
export function matches(ours: GrangerTest, g: GoldenTest, what: string): void {
  expect(ours.lag, `${what}: lag`).toBe(g.lag);
  expect(ours.dfNum, `${what}: df_num`).toBe(g.dfNum);
  expect(ours.dfDenom, `${what}: df_denom`).toBe(g.dfDenom);
  // statsmodels computes F from RSS_r - RSS_u, which loses digits when F is tiny (its error
  // is a few ulps of RSS_r, so about eps df/q in F); ours sums the drop directly. On the
  // trap's differenced walks (F = 3.03e-6) ours is within 1.4e-13 of an exact rational
  // computation and statsmodels' within 2e-8: hence the absolute part of the tolerance.
  const cancellation = 16 * Number.EPSILON;
  close(ours.f, g.F, STAT_REL, `${what}: F`, (cancellation * g.dfDenom) / g.dfNum);
  close(ours.pValue, g.pValue, P_REL, `${what}: p`);
  close(ours.partialR2, g.partialR2, STAT_REL, `${what}: partial R²`, cancellation);
  // The sums are compared on the scale of their standard error: a sum near zero is the
  // difference of larger coefficients and has only that absolute accuracy.
  close(ours.xLagSum, g.xCoefficientSum, STAT_REL, `${what}: Σb`, STAT_REL * g.xCoefficientSumSE);
  close(ours.xLagSumStandardError, g.xCoefficientSumSE, STAT_REL, `${what}: se(Σb)`);
  close(ours.xLagSumPValue, g.xCoefficientSumPValue, P_REL, `${what}: p(Σb)`);
  if (g.longRunEffect === null) expect(ours.longRunEffect).toBeNull();
  else
    close(
      ours.longRunEffect!,
      g.longRunEffect,
      STAT_REL,
      `${what}: long run`,
      STAT_REL * g.xCoefficientSumSE,
    );
  expect(ours.strongestLag.lag, `${what}: strongest lag`).toBe(g.strongestLag);
  close(ours.strongestLag.coefficient, g.strongestCoefficient, STAT_REL, `${what}: strongest b`);
  close(ours.strongestLag.t, g.strongestT, STAT_REL, `${what}: strongest t`);
}
