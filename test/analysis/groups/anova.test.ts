import { afterAll, describe, expect, it } from 'vitest';
import { kruskalWallis, oneWayAnova, welchAnova } from '#analysis/groups/anova.ts';
import { brownForsythe } from '#analysis/groups/levene.ts';
import { GroupsInputError } from '#analysis/groups/summary.ts';
import { close, golden, P_REL, STAT_REL, worst } from './golden.ts';

describe.each(Object.entries(golden.datasets))('omnibus tests on %s', (_name, data) => {
  const groups = data.groups;

  it('one-way ANOVA as scipy.stats.f_oneway, effect sizes from their formulas', () => {
    const r = oneWayAnova(groups);
    if (!r.computable) throw new Error(r.reason);
    close(r.f, data.f_oneway.f, STAT_REL, 'F', 'statistic');
    close(r.p, data.f_oneway.p, P_REL, 'p', 'p');
    close(r.ssBetween, data.anova_effects.ss_between, STAT_REL, 'SS between', 'statistic');
    close(r.ssWithin, data.anova_effects.ss_within, STAT_REL, 'SS within', 'statistic');
    close(r.etaSquared, data.anova_effects.eta2, STAT_REL, 'eta squared', 'statistic');
    close(r.omegaSquared, data.anova_effects.omega2, STAT_REL, 'omega squared', 'statistic');
  });

  it("Welch's ANOVA as statsmodels' anova_oneway(use_var='unequal')", () => {
    const r = welchAnova(groups);
    if (!r.computable) throw new Error(r.reason);
    close(r.f, data.welch.f, STAT_REL, 'Welch F', 'statistic');
    expect(r.df1).toBe(data.welch.df1);
    close(r.df2, data.welch.df2, STAT_REL, 'Welch df2', 'statistic');
    close(r.p, data.welch.p, P_REL, 'Welch p', 'p');
  });

  it('Kruskal-Wallis as scipy.stats.kruskal (tie-corrected)', () => {
    const r = kruskalWallis(groups);
    if (!r.computable) throw new Error(r.reason);
    close(r.h, data.kruskal.h, STAT_REL, 'H', 'statistic');
    close(r.p, data.kruskal.p, P_REL, 'Kruskal-Wallis p', 'p');
    expect(r.df).toBe(groups.length - 1);
    const n = groups.flat().length;
    expect(r.epsilonSquared).toBeCloseTo(r.h / (n - 1), 14);
  });

  it("Brown-Forsythe as scipy.stats.levene(center='median')", () => {
    const r = brownForsythe(groups);
    if (!r.computable) throw new Error(r.reason);
    close(r.w, data.levene_median.w, STAT_REL, 'W', 'statistic');
    close(r.p, data.levene_median.p, P_REL, 'Brown-Forsythe p', 'p');
  });
});

describe('edge cases are decided', () => {
  it('refuses unreadable input with a named error', () => {
    expect(() => oneWayAnova([[1, 2, 3]])).toThrow(GroupsInputError);
    expect(() => welchAnova([[1, 2], []])).toThrow(/Group 2 is empty/);
    expect(() =>
      kruskalWallis([
        [1, 2],
        [3, NaN],
      ]),
    ).toThrow(GroupsInputError);
    expect(() =>
      brownForsythe([
        [1, Infinity],
        [3, 4],
      ]),
    ).toThrow(/not a finite number/);
  });

  it('all values equal: no test is computable', () => {
    const flat = [
      [2, 2, 2],
      [2, 2],
    ];
    for (const r of [oneWayAnova(flat), welchAnova(flat), kruskalWallis(flat), brownForsythe(flat)])
      expect(r).toMatchObject({ computable: false, reason: expect.any(String) as string });
    expect(oneWayAnova(flat)).toEqual({
      computable: false,
      reason: 'all values are equal: there is nothing to compare',
    });
  });

  it('a group of one value: ANOVA and Kruskal-Wallis go on, Welch says why it cannot', () => {
    const groups = [[5], [1, 2, 3], [4, 6, 8]];
    expect(oneWayAnova(groups).computable).toBe(true);
    expect(kruskalWallis(groups).computable).toBe(true);
    expect(welchAnova(groups, ['NL', 'DE', 'FR'])).toEqual({
      computable: false,
      reason: "'NL' holds a single value: Welch's test needs every group's variance",
    });
  });

  it('every group a single value: only Kruskal-Wallis', () => {
    const groups = [[1], [2], [3]];
    expect(oneWayAnova(groups).computable).toBe(false);
    expect(welchAnova(groups).computable).toBe(false);
    expect(brownForsythe(groups).computable).toBe(false);
    // H = 2 for three distinct single values (scipy.stats.kruskal([1], [2], [3])).
    expect(kruskalWallis(groups)).toMatchObject({ computable: true, h: 2, df: 2 });
  });

  it('a group with no spread: Welch not computable, ANOVA fine; none anywhere: F = ∞', () => {
    expect(
      welchAnova([
        [3, 3, 3],
        [1, 2, 4],
      ]),
    ).toMatchObject({
      computable: false,
      reason: expect.stringContaining('group 1 has no spread') as string,
    });
    expect(
      oneWayAnova([
        [3, 3, 3],
        [1, 2, 4],
      ]).computable,
    ).toBe(true);
    expect(
      oneWayAnova([
        [3, 3],
        [5, 5, 5],
      ]),
    ).toMatchObject({
      computable: true,
      f: Infinity,
      p: 0,
      etaSquared: 1,
    });
  });

  it('documented examples (scipy 1.10 f_oneway, kruskal, levene; statsmodels Welch)', () => {
    const abc = [
      [1, 2, 3],
      [2, 3, 4],
      [5, 6, 7],
    ];
    expect(oneWayAnova(abc)).toMatchObject({ f: expect.closeTo(13, 12) as number });
    expect(oneWayAnova(abc).computable && oneWayAnova(abc)).toMatchObject({
      p: expect.closeTo(0.006591796875, 12) as number,
    });
    expect(kruskalWallis(abc)).toMatchObject({
      h: expect.closeTo(6.056497175141243, 12) as number,
      p: expect.closeTo(0.0484003328812889, 12) as number,
    });
    expect(
      welchAnova([
        [1, 2, 3],
        [2, 3, 4],
        [5, 6, 7, 9],
      ]),
    ).toMatchObject({
      f: expect.closeTo(9.475215612833274, 12) as number,
      df2: expect.closeTo(4.657797370699835, 12) as number,
      p: expect.closeTo(0.02282439894169373, 12) as number,
    });
    expect(
      brownForsythe([
        [1, 2, 3, 4],
        [2, 4, 6, 8],
        [1, 1, 2, 9],
      ]),
    ).toMatchObject({
      w: expect.closeTo(0.3772455089820359, 12) as number,
      p: expect.closeTo(0.696098236075576, 12) as number,
    });
  });
});

afterAll(() => {
  console.log('omnibus tests, worst relative error:', Object.fromEntries(worst));
});
