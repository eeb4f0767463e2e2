import { afterAll, describe, expect, it } from 'vitest';
import { gamesHowell, tukeyHsd, type PairComparison } from '#analysis/groups/posthoc.ts';
import { close, golden, P_REL, STAT_REL, worst } from './golden.ts';

function computable(pair: { computable: boolean }): PairComparison {
  if (!pair.computable) throw new Error('pair not computable');
  return pair as PairComparison;
}

/**
 * Interval bounds are held to 1e-9 of the interval's half-width: a bound near zero has no
 * relative precision of its own (scipy's ppf is itself good to about 1e-10).
 */
function bounds(p: PairComparison, low: number, high: number, what: string): void {
  const half = (high - low) / 2;
  close(p.low, low, 0, `${what} low`, 'interval', STAT_REL * half);
  close(p.high, high, 0, `${what} high`, 'interval', STAT_REL * half);
  worst.set(
    'interval / half-width',
    Math.max(
      worst.get('interval / half-width') ?? 0,
      Math.abs(p.low - low) / half,
      Math.abs(p.high - high) / half,
    ),
  );
}

/**
 * Where scipy's p-value is below 1e-4 it is 1 - cdf and carries an absolute error up to
 * 1e-10 (the trap's Tukey p-values come out as 0 where the direct upper tail says 1e-64):
 * there it is held to that floor, and the p-value to 1e-10 relative of the direct upper-tail
 * quadrature the fixture also holds.
 */
function pValue(
  actual: number,
  scipy: number,
  direct: number | null | undefined,
  what: string,
): void {
  if (direct === null || direct === undefined) return close(actual, scipy, P_REL, what, 'p');
  close(actual, scipy, 0, `${what} (scipy)`, 'p below 1e-4 vs scipy', 1e-10);
  close(actual, direct, 1e-10, `${what} (direct)`, 'p below 1e-4 vs direct quadrature');
}

describe.each(Object.entries(golden.datasets))('pairwise comparisons on %s', (_name, data) => {
  it('Tukey HSD as scipy.stats.tukey_hsd: differences, p-values, 95% intervals', () => {
    const r = tukeyHsd(data.groups);
    if (!('pairs' in r)) throw new Error(r.reason);
    expect(r.pairs).toHaveLength(data.tukey_hsd.length);
    data.tukey_hsd.forEach(([i, j, difference, p, low, high, direct], index) => {
      const pair = computable(r.pairs[index]!);
      const what = `Tukey ${i}-${j}`;
      expect([pair.i, pair.j]).toEqual([i, j]);
      close(pair.difference, difference!, STAT_REL, `${what} difference`, 'statistic');
      pValue(pair.p, p!, direct, `${what} p`);
      bounds(pair, low!, high!, what);
    });
  });

  it('Games-Howell as its formula with scipy.stats.studentized_range', () => {
    const r = gamesHowell(data.groups);
    expect(r.pairs).toHaveLength(data.games_howell.length);
    data.games_howell.forEach(([i, j, difference, df, p, low, high, direct], index) => {
      const pair = computable(r.pairs[index]!);
      const what = `Games-Howell ${i}-${j}`;
      expect([pair.i, pair.j]).toEqual([i, j]);
      close(pair.difference, difference!, STAT_REL, `${what} difference`, 'statistic');
      close(pair.df, df!, STAT_REL, `${what} df`, 'statistic');
      pValue(pair.p, p!, direct, `${what} p`);
      bounds(pair, low!, high!, what);
    });
  });
});

describe('pairwise edge cases', () => {
  it('Games-Howell: a single value or two flat groups make a pair not computable, not the rest', () => {
    const r = gamesHowell([[5], [1, 1, 1], [2, 2, 2], [3, 4, 8]], {
      labels: ['NL', 'DE', 'FR', 'US'],
    });
    const byPair = new Map(r.pairs.map((p) => [`${p.i}-${p.j}`, p]));
    expect(byPair.get('0-3')).toMatchObject({
      computable: false,
      reason: "'NL' holds a single value: it has no variance of its own",
    });
    expect(byPair.get('1-2')).toMatchObject({
      computable: false,
      reason: "neither 'DE' nor 'FR' has any spread",
    });
    // One flat group: the other's variance carries the pair, df = n - 1 = 2.
    expect(byPair.get('1-3')).toMatchObject({ computable: true, df: 2 });
  });

  it('Tukey: not computable without spread; identical means give p = 1', () => {
    expect(
      tukeyHsd([
        [1, 1],
        [2, 2],
      ]),
    ).toMatchObject({ computable: false });
    expect(tukeyHsd([[1], [2]])).toMatchObject({ computable: false });
    const same = tukeyHsd([
      [1, 2, 3],
      [3, 2, 1],
    ]);
    expect('pairs' in same && same.pairs[0]).toMatchObject({ q: 0, p: 1, difference: 0 });
    expect(() =>
      tukeyHsd(
        [
          [1, 2],
          [3, 4],
        ],
        { confidence: 1 },
      ),
    ).toThrow(RangeError);
  });
});

afterAll(() => {
  console.log('pairwise comparisons, worst relative error:', Object.fromEntries(worst));
});
