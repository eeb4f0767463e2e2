import { readFileSync } from 'node:fs';
import { spearman } from '#analysis/stats/correlation.ts';
import { describe, expect, it } from 'vitest';
import {
  betaRegularized,
  betaUpper,
  chiSquaredUpper,
  fUpper,
  gammaP,
  gammaQ,
  logGamma,
  normalCdf,
  normalUpper,
  qnorm,
  studentTwoSided,
  studentUpper,
} from '#analysis/stats/distributions.ts';

/** scipy 1.10's values: test/fixtures/golden/stats/make_distributions.py. */
const golden = JSON.parse(
  readFileSync(new URL('../../fixtures/golden/stats/distributions.json', import.meta.url), 'utf8'),
) as Record<string, number[][]>;

const REL = 1e-10;
function close(actual: number, expected: number, what: string, absolute = 1e-300): void {
  const tolerance = REL * Math.abs(expected) + absolute;
  expect(
    Math.abs(actual - expected),
    `${what}: ${actual} vs scipy ${expected}`,
  ).toBeLessThanOrEqual(tolerance);
}

describe('special functions and tails against scipy', () => {
  it('logGamma', () => {
    // ln Γ(1) = ln Γ(2) = 0: there only an absolute tolerance means anything.
    for (const [x, v] of golden['logGamma']!) close(logGamma(x!), v!, `logGamma(${x})`, 1e-14);
  });
  it('the regularised incomplete gamma, each side', () => {
    for (const [a, x, v] of golden['gammaP']!) close(gammaP(a!, x!), v!, `P(${a}, ${x})`);
    for (const [a, x, v] of golden['gammaQ']!) close(gammaQ(a!, x!), v!, `Q(${a}, ${x})`);
  });
  it('the regularised incomplete beta, and its complement', () => {
    for (const [x, a, b, v] of golden['betaRegularized']!)
      close(betaRegularized(x!, a!, b!), v!, `I_${x}(${a}, ${b})`);
    for (const [x, a, b, v] of golden['betaUpper']!)
      close(betaUpper(x!, a!, b!), v!, `1 - I_${x}(${a}, ${b})`);
  });
  it('normal, t, chi-squared and F tails, to p-values of 1e-281', () => {
    for (const [z, v] of golden['normalUpper']!) {
      close(normalUpper(z!), v!, `P(Z > ${z})`);
      close(normalCdf(-z!), v!, `P(Z < ${-z!})`);
    }
    for (const [t, df, v] of golden['studentTwoSided']!) {
      close(studentTwoSided(t!, df!), v!, `t ${t} df ${df}`);
      close(studentUpper(Math.abs(t!), df!), v! / 2, `t ${t} df ${df} one-sided`);
    }
    for (const [x, k, v] of golden['chiSquaredUpper']!)
      close(chiSquaredUpper(x!, k!), v!, `chi2 ${x} k ${k}`);
    for (const [f, d1, d2, v] of golden['fUpper']!)
      close(fUpper(f!, d1!, d2!), v!, `F ${f} (${d1}, ${d2})`);
  });
  it('decides the edges instead of returning NaN by accident', () => {
    expect(fUpper(0, 2, 10)).toBe(1);
    expect(fUpper(Infinity, 2, 10)).toBe(0);
    expect(chiSquaredUpper(0, 3)).toBe(1);
    expect(studentTwoSided(Infinity, 5)).toBe(0);
    expect(normalUpper(-Infinity)).toBe(1);
    expect(fUpper(1, 0, 10)).toBeNaN();
    expect(qnorm(0.975)).toBeCloseTo(1.959963984540054, 13);
  });
});

describe("Spearman's rank correlation against scipy.stats.spearmanr", () => {
  const cases = (
    golden as unknown as { spearman: { x: number[]; y: number[]; rho: number; p: number }[] }
  ).spearman;
  it('rho and its p-value, with ties', () => {
    for (const c of cases) {
      const r = spearman(c.x, c.y)!;
      close(r.rho, c.rho, 'rho');
      close(r.pValue, c.p, 'p');
      expect(r.n).toBe(c.x.length);
    }
  });
  it('leaves out missing pairs and says nothing of a constant side', () => {
    expect(spearman([1, 2, null, 4], [1, 2, 3, 4])).toMatchObject({ rho: 1, n: 3 });
    expect(spearman([1, 1, 1, 1], [1, 2, 3, 4])).toBeNull();
    expect(spearman([1, 2], [1, 2])).toBeNull();
  });
});
