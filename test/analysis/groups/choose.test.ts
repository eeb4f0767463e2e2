import { describe, expect, it } from 'vitest';
import { compareGroups, formatP } from '#analysis/groups/choose.ts';
import { GroupsInputError } from '#analysis/groups/summary.ts';
import { qnorm } from '#analysis/stats/distributions.ts';
import { golden } from './golden.ts';

const { trap, balanced, unbalanced } = golden.datasets;

describe('which test the report trusts', () => {
  it("does not trust the classic ANOVA on the issue's trap", () => {
    // Revenue by country (make_groups.py "trap"): lognormal, n = 1400/1000/700/18, three NL
    // customers at 30x the median. scipy 1.10 / statsmodels 0.13 on these data:
    //   f_oneway          F = 102.7,  p = 2.12e-63   "significant", only because of NL's three
    //   Welch (statsmodels) F = 1.739, df = 3, 82.8, p = 0.165
    //   kruskal           H = 4.311,  p = 0.230
    //   levene (median)   W = 123.7,  p = 1.1e-75
    //   tukey_hsd US-NL   p = 0 (ours: 9.7e-65)   Games-Howell US-NL p = 0.316
    const c = compareGroups(trap!.groups, { labels: trap!.labels });
    expect(c.trusted).not.toBe('anova');
    expect(c.trusted).toBe('kruskal-wallis');
    expect(c.rule).toBe('dominant-values');
    expect(c.anova.computable && c.anova.p).toBeLessThan(1e-60);
    expect(c.welch.computable && c.welch.p).toBeGreaterThan(0.1);
    expect(c.kruskalWallis.computable && c.kruskalWallis.p).toBeGreaterThan(0.1);
    expect(c.reason).toBe(
      "Kruskal-Wallis (H = 4.31, p = 0.23): in 'NL' 3 of 18 values lie more than 5 robust standard deviations from the median and make up 83% of the variance, so means hang on a few values; ranks do not.",
    );
    // The pairwise comparisons follow: Tukey calls every NL pair significant, Games-Howell none.
    expect(c.posthoc?.trusted).toBe('games-howell');
    const nl = c.posthoc!.gamesHowell.pairs.filter((p) => p.j === 3);
    expect(nl.every((p) => p.computable && p.p > 0.3)).toBe(true);
    const tukey = c.posthoc!.tukey;
    expect(
      'pairs' in tukey && tukey.pairs.filter((p) => p.j === 3 && p.computable && p.p < 1e-60),
    ).toHaveLength(3);
  });

  it('trusts the classic ANOVA (and Tukey) when spreads are similar and sizes balanced', () => {
    const c = compareGroups(balanced!.groups, { labels: balanced!.labels });
    expect(c).toMatchObject({ trusted: 'anova', rule: 'assumptions-hold' });
    expect(c.posthoc?.trusted).toBe('tukey-hsd');
    expect(c.reason).toBe(
      'Classic ANOVA (F = 4.32, p = 0.0063): spreads are similar (Brown-Forsythe p = 0.48, largest/smallest variance 1.56), sizes balanced (30 to 30) and no few values dominate.',
    );
  });

  it("trusts Welch's ANOVA (and Games-Howell) when spreads differ", () => {
    const c = compareGroups(unbalanced!.groups, { labels: unbalanced!.labels });
    expect(c).toMatchObject({ trusted: 'welch', rule: 'unequal-variances' });
    expect(c.posthoc?.trusted).toBe('games-howell');
    expect(c.reason).toMatch(
      /^Welch's ANOVA \(F = 6\.6, df = 3, 40\.4, p = 9\.8e-4\): group variances differ \(Brown-Forsythe p = 1\.3e-5/,
    );
  });

  it("trusts Welch's ANOVA when sizes are unbalanced even though spreads match", () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const b = [0, 1, 2, 3].flatMap(() => a.map((v) => v + 0.5));
    const c = compareGroups([a, b], { posthoc: false });
    expect(c).toMatchObject({ trusted: 'welch', rule: 'unbalanced' });
    expect(c.reason).toContain('group sizes are unbalanced (10 to 40)');
    expect(c.posthoc).toBeUndefined();
  });

  it('trusts Kruskal-Wallis on heavily skewed values', () => {
    // Quantiles of lognormal(shift, 0.9): skewness 2.1, no handful of values dominating.
    const lognormal = (shift: number): number[] =>
      Array.from({ length: 30 }, (_, i) => Math.exp(shift + 0.9 * qnorm((i + 0.5) / 30)));
    const c = compareGroups([lognormal(0), lognormal(0.2), lognormal(0.4)], { posthoc: false });
    expect(c).toMatchObject({ trusted: 'kruskal-wallis', rule: 'skewed' });
    expect(c.reason).toMatch(/values are heavily skewed \(group \d: skewness 2\.1\d, beyond ±2\)/);
  });

  it('falls back to Kruskal-Wallis when Welch is called for but not computable', () => {
    const c = compareGroups(
      [
        [5, 5, 5, 5, 5],
        [1, 2, 3, 4, 5, 6, 7],
      ],
      { labels: ['flat', 'spread'], posthoc: false },
    );
    expect(c).toMatchObject({ trusted: 'kruskal-wallis', rule: 'welch-not-computable' });
    expect(c.reason).toContain("Welch's test is not computable ('flat' has no spread");
  });

  it('says so when nothing can be compared, and refuses unreadable input', () => {
    const c = compareGroups([
      [3, 3],
      [3, 3, 3],
    ]);
    expect(c).toMatchObject({ trusted: 'none', rule: 'nothing-computable' });
    expect(c.reason).toBe(
      'No test is computable (all values are equal: there is nothing to rank).',
    );
    expect(() => compareGroups([[1, 2]])).toThrow(GroupsInputError);
  });

  it('formats p-values for a sentence', () => {
    expect(formatP(2.1229652704763084e-63)).toBe('p = 2.1e-63');
    expect(formatP(0.16534)).toBe('p = 0.17');
    expect(formatP(0.0063)).toBe('p = 0.0063');
    expect(formatP(0)).toBe('p < 1e-300');
  });
});
