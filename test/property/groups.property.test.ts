import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  kruskalWallis,
  oneWayAnova,
  welchAnova,
  type KruskalWallis,
  type OneWayAnova,
  type WelchAnova,
} from '#analysis/groups/anova.ts';
import { compareGroups } from '#analysis/groups/choose.ts';
import { brownForsythe } from '#analysis/groups/levene.ts';
import { tukeyHsd, type Posthoc } from '#analysis/groups/posthoc.ts';
import { studentizedRangeSf } from '#analysis/groups/studentized-range.ts';
import { GroupsInputError, OUT_OF_RANGE, type NotComputable } from '#analysis/groups/summary.ts';
import { finiteArray, finiteNumber, isProbability, params } from './fc-config.ts';

/**
 * Group comparisons (functions/analysis/groups) on arbitrary finite groups: every test either
 * gives a p-value in [0, 1] with finite statistics, or says why it is not computable; bad
 * input (fewer than two groups, an empty group) is a GroupsInputError; nothing else escapes.
 */

/**
 * 0 to 6 groups of 0 to 25 finite values: each in the shapes of fc-config's `finiteArray`,
 * or all drawn from one pool of 1 to 3 values (ties everywhere, all values equal).
 */
const groups = fc.oneof(
  fc.array(finiteArray({ maxLength: 25 }), { minLength: 0, maxLength: 6 }),
  fc
    .tuple(
      fc.array(finiteNumber, { minLength: 1, maxLength: 3 }),
      fc.array(fc.array(fc.nat(), { maxLength: 12 }), { minLength: 0, maxLength: 5 }),
    )
    .map(([pool, picks]) => picks.map((g) => g.map((i) => pool[i % pool.length]!))),
);

/** Bad input: fewer than 2 groups or an empty one. */
const refused = (gs: number[][]) => gs.length < 2 || gs.some((g) => g.length === 0);

/** The invariant of one omnibus test's result. */
function checkTest(t: OneWayAnova | WelchAnova | KruskalWallis | NotComputable | undefined) {
  if (t === undefined) return;
  if (!t.computable) {
    expect(t.reason).toMatch(/\w/);
    expect(t.reason).not.toMatch(/NaN|Infinity|undefined/);
    return;
  }
  expect(isProbability(t.p), `${t.test} p = ${t.p}`).toBe(true);
  if (t.test === 'anova') {
    // F = ∞ (p = 0) is the stated result when no group has any spread (or, within rounding,
    // none against the spread between groups).
    expect(t.f >= 0, `F = ${t.f}`).toBe(true);
    if (t.f === Infinity) expect(t.p).toBe(0);
    expect(Number.isFinite(t.msWithin)).toBe(true);
    expect(t.etaSquared >= 0 && t.etaSquared <= 1, `η² = ${t.etaSquared}`).toBe(true);
    expect(t.omegaSquared >= 0 && t.omegaSquared <= 1, `ω² = ${t.omegaSquared}`).toBe(true);
  } else if (t.test === 'welch') {
    expect(Number.isFinite(t.f) && t.f >= 0, `Welch F = ${t.f}`).toBe(true);
    expect(Number.isFinite(t.df2) && t.df2 > 0, `Welch df2 = ${t.df2}`).toBe(true);
  } else {
    expect(Number.isFinite(t.h) && t.h >= 0, `H = ${t.h}`).toBe(true);
    expect(t.epsilonSquared >= 0 && t.epsilonSquared <= 1 + 1e-9).toBe(true);
    expect(t.meanRanks.every(Number.isFinite)).toBe(true);
  }
}

function checkPosthoc(p: Posthoc | NotComputable) {
  if ('reason' in p) return expect(p.reason).toMatch(/\w/);
  for (const pair of p.pairs) {
    if (!pair.computable) {
      expect(pair.reason).toMatch(/\w/);
      continue;
    }
    expect(isProbability(pair.p), `pair p = ${pair.p}`).toBe(true);
    // What the report shows of a pair: the difference, its interval and p.
    for (const x of [pair.difference, pair.standardError, pair.df, pair.low, pair.high])
      expect(Number.isFinite(x), `pair ${JSON.stringify(pair)}`).toBe(true);
    // q = ∞ (a spread that underflowed against a difference) is p = 0, as it should be.
    expect(pair.q >= 0, `pair q = ${pair.q}`).toBe(true);
    if (pair.q === Infinity) expect(pair.p).toBe(0);
    expect(pair.low).toBeLessThanOrEqual(pair.high);
  }
}

/** Runs `f`, which may refuse bad input with GroupsInputError only. */
function orRefused<T>(gs: number[][], f: () => T): T | undefined {
  try {
    const result = f();
    expect(refused(gs), 'bad input was accepted').toBe(false);
    return result;
  } catch (error) {
    if (!(error instanceof GroupsInputError)) throw error;
    expect(refused(gs), `refused good input: ${error.message}`).toBe(true);
    return undefined;
  }
}

describe('group comparisons on arbitrary finite groups', () => {
  it('ANOVA, Welch and Kruskal-Wallis: p in [0, 1] with finite statistics, or a stated reason', () => {
    fc.assert(
      fc.property(groups, (gs) => {
        checkTest(orRefused(gs, () => oneWayAnova(gs)));
        checkTest(orRefused(gs, () => welchAnova(gs)));
        checkTest(orRefused(gs, () => kruskalWallis(gs)));
        const bf = orRefused(gs, () => brownForsythe(gs));
        if (bf?.computable) expect(isProbability(bf.p), `Brown-Forsythe p = ${bf.p}`).toBe(true);
      }),
      params(300),
    );
  });

  it('compareGroups: the trusted test is computable, its reason has no NaN, the post hoc pairs are finite', () => {
    fc.assert(
      fc.property(
        fc.array(finiteArray({ minLength: 1, maxLength: 12 }), { minLength: 2, maxLength: 4 }),
        (gs) => {
          const c = compareGroups(gs, { labels: gs.map((_, i) => `g${i}`) });
          for (const t of [c.anova, c.welch, c.kruskalWallis]) checkTest(t);
          if (c.trusted !== 'none') {
            const trusted = { anova: c.anova, welch: c.welch, 'kruskal-wallis': c.kruskalWallis }[
              c.trusted
            ];
            expect(trusted.computable, c.reason).toBe(true);
          }
          expect(c.reason).not.toMatch(/NaN|Infinity|undefined/);
          for (const g of c.groups) {
            for (const x of [g.mean, g.median])
              expect(Number.isFinite(x), JSON.stringify(g)).toBe(true);
            if (Number.isFinite(g.variance ?? 0))
              expect(isProbability(g.extremeShare), JSON.stringify(g)).toBe(true);
            // Squares of values beyond 1e154 overflow: an infinite variance, never NaN.
            if (g.variance !== undefined) expect(g.variance >= 0, JSON.stringify(g)).toBe(true);
            if (g.skewness !== undefined) expect(Number.isFinite(g.skewness)).toBe(true);
          }
          if (c.posthoc) {
            checkPosthoc(c.posthoc.tukey);
            checkPosthoc(c.posthoc.gamesHowell);
          }
        },
      ),
      params(150),
    );
  });

  it('is invariant to the order of the values within each group', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 10 }), {
          minLength: 2,
          maxLength: 4,
        }),
        (gs) => {
          const reversed = gs.map((g) => [...g].reverse());
          const a = compareGroups(gs, { posthoc: false });
          const b = compareGroups(reversed, { posthoc: false });
          expect(b.trusted).toBe(a.trusted);
          if (a.kruskalWallis.computable && b.kruskalWallis.computable)
            expect(b.kruskalWallis.p).toBeCloseTo(a.kruskalWallis.p, 9);
        },
      ),
      params(100),
    );
  });
});

/** Counterexamples the properties found, kept as plain tests (each failed before its fix). */
describe('group comparisons: regressions', () => {
  it('ANOVA of values whose squares underflow is not computed, not NaN', () => {
    // Was F = NaN, p = NaN (MS within underflowed to 0).
    const anova = oneWayAnova([[0], [0, 0, 2.3575916770539433e-162]]);
    expect(anova).toEqual({ computable: false, reason: OUT_OF_RANGE });
  });

  it('ANOVA and Welch of values whose squares overflow are not computed; Kruskal-Wallis is trusted', () => {
    // Was F = NaN, p = NaN for both, and Welch trusted with p = NaN.
    const groups = [
      [1e300, -1e300],
      [1e300, 5],
    ];
    expect(oneWayAnova(groups)).toEqual({ computable: false, reason: OUT_OF_RANGE });
    expect(welchAnova(groups)).toEqual({ computable: false, reason: OUT_OF_RANGE });
    const c = compareGroups(groups);
    expect(c.trusted).toBe('kruskal-wallis');
    expect(c.reason).not.toMatch(/NaN/);
  });

  it('the studentized range tail of a huge q is a tiny p, not NaN', () => {
    // Was NaN for every q beyond 1.3e154 (q² overflowed).
    const p = studentizedRangeSf(1e300, 3, 1);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-299);
    const tukey = tukeyHsd([[-1e300], [0], [1, 0]]);
    expect('pairs' in tukey && tukey.pairs.every((p) => !p.computable || isProbability(p.p))).toBe(
      true,
    );
  });

  it('the variance of huge values is a number or infinite, never NaN', () => {
    // Was NaN: the rounding drift of the mean, squared, overflowed.
    for (const groups of [
      [[0], [9.168566296083972e169, 9.168566296083972e169, 9.168566296083972e169]],
      [[0, 0, 6.874103462699231e172], [0]],
    ]) {
      const c = compareGroups(groups);
      for (const g of c.groups) expect(Number.isNaN(g.variance)).toBe(false);
      expect(c.reason).not.toMatch(/NaN/);
    }
  });

  it('a skewness whose cubes overflow is left out, not infinite', () => {
    const c = compareGroups([
      [0],
      [0, 0, 0, 0, 0, 4.3924123201042793e102, 0, 4.3924123201042793e102],
    ]);
    expect(c.groups[1]!.skewness).toBeUndefined();
  });
});
