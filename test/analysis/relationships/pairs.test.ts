import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  grangerPairs,
  type PairsResult,
} from '#analysis/relationships/pairs.ts';
import { granger } from '#analysis/relationships/granger.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { P_REL, STAT_REL, close, golden, matches, type GoldenPairs } from './golden.ts';

function named(input: Record<string, number[]>) {
  return Object.entries(input).map(([name, values]) => ({ name, values }));
}

/** Every number of our pairs run against the statsmodels pipeline in make_granger.py. */
function agrees(ours: PairsResult, g: GoldenPairs): void {
  expect(ours.maxLag).toBe(g.maxLag);
  expect(ours.seasonalPeriod).toBe(g.seasonalPeriod);
  expect(ours.tested).toBe(g.tested);
  g.series.forEach((s, i) => {
    const p = ours.series[i]!;
    expect(p.name).toBe(s.name);
    expect(p.differenced, `${s.name} differenced`).toBe(s.differenced);
    close(p.adf!.statistic, s.adfStatistic, STAT_REL, `${s.name} ADF statistic`);
    close(p.adf!.pValue, s.adfPValue, P_REL, `${s.name} ADF p`);
    if (s.differenced) {
      close(
        p.adfDifferenced!.statistic,
        s.adfStatisticAfter!,
        STAT_REL,
        `${s.name} ADF of differences`,
      );
      close(p.adfDifferenced!.pValue, s.adfPValueAfter!, P_REL, `${s.name} ADF p of differences`);
    } else expect(p.adfDifferenced).toBeNull();
  });
  g.pairs.forEach((gp, i) => {
    const pair = ours.pairs[i]!;
    const what = `${gp.cause} -> ${gp.effect}`;
    expect([pair.cause, pair.effect]).toEqual([gp.cause, gp.effect]);
    if (!pair.tested) throw new Error(`${what} not tested: ${pair.reason}`);
    matches(pair.result, gp, what);
    close(pair.qValue, gp.qValue, P_REL, `${what}: q`);
  });
}

describe('Benjamini-Hochberg against statsmodels multipletests(fdr_bh)', () => {
  it('q-values in the input order, ties and the cap at 1', () => {
    for (const [p, q] of golden.bh)
      benjaminiHochberg(p).forEach((v, i) => close(v, q[i]!, 1e-12, `q of ${p[i]}`));
    const [a, b, c] = benjaminiHochberg([0.01, 0.04, 0.03]);
    expect([a, b, c].map((v) => v!.toFixed(12))).toEqual([
      '0.030000000000',
      '0.040000000000',
      '0.040000000000',
    ]);
  });
  it('decides the edges', () => {
    expect(benjaminiHochberg([])).toEqual([]);
    expect(() => benjaminiHochberg([0.1, NaN])).toThrow(RangeError);
    expect(() => benjaminiHochberg([1.2])).toThrow(RangeError);
  });
});

describe('all ordered pairs, made stationary, against the statsmodels pipeline', () => {
  const input = named(golden.pairsCase.input);

  it('temperature, humidity, rentals, price, footfall (lags up to 14)', () => {
    const ours = grangerPairs(input, { maxLag: 14 });
    agrees(ours, golden.pairsCase.result);
    expect(ours.series.filter((s) => s.differenced).map((s) => s.name)).toEqual([
      'temperature',
      'rentals',
      'price',
    ]);
    const found = ours.pairs.filter((p) => p.tested && p.qValue < 0.05);
    // The real causes (temperature and humidity drive rentals) and, without the weekly
    // adjustment, the shared weekday pattern of rentals and footfall read as causes too.
    expect(found.map((p) => `${p.cause} -> ${p.effect}`).sort()).toEqual([
      'footfall -> rentals',
      'humidity -> rentals',
      'rentals -> footfall',
      'temperature -> rentals',
    ]);
  });

  it('with the weekly adjustment the shared weekday pattern is no longer a cause', () => {
    const ours = grangerPairs(input, { maxLag: 14, seasonalPeriod: 7 });
    agrees(ours, golden.pairsCase.resultWeekly);
    const found = ours.pairs.filter((p) => p.tested && p.qValue < 0.05);
    expect(found.map((p) => `${p.cause} -> ${p.effect}`).sort()).toEqual([
      'humidity -> rentals',
      'temperature -> rentals',
    ]);
    const temperature = found.find((p) => p.cause === 'temperature')!;
    // rentals_t = ... + 1.5 temperature_{t-1}: tested in differences, the long-run effect ~1.5.
    if (!temperature.tested) throw new Error('not tested');
    expect(temperature.result.direction).toBe('positive');
    expect(temperature.result.longRunEffect!).toBeCloseTo(1.5, 0);
  });
});

describe('the trap: two independent random walks', () => {
  // Seed 6 of make_granger.py (500 points each). On the levels, with the lag chosen by AIC
  // (1), statsmodels' ssr_ftest says walk_a -> walk_b with F = 6.77, p = 0.0096 (the other
  // direction p = 0.60). ADF p-values of the levels are 0.20 and 0.11, so pairs.ts differences
  // both; on the differences the tests give p = 0.96 (walk_b -> walk_a) and 0.999
  // (walk_a -> walk_b).
  const { walk_a: a, walk_b: b } = golden.trap.input as { walk_a: number[]; walk_b: number[] };

  it('the levels look related, as statsmodels also finds', () => {
    const levels = golden.trap.levels.find((l) => l.effect === 'walk_b')!;
    expect(levels.pValue).toBeLessThan(0.05);
    const ours = granger(b, a);
    matches(ours, levels, 'levels walk_a -> walk_b');
  });

  it('pairs.ts differences them and finds nothing', () => {
    const ours = grangerPairs([
      { name: 'walk_a', values: a },
      { name: 'walk_b', values: b },
    ]);
    agrees(ours, golden.trap.result);
    expect(ours.series.every((s) => s.differenced)).toBe(true);
    for (const p of ours.pairs) {
      if (!p.tested) throw new Error('not tested');
      expect(p.result.pValue).toBeGreaterThan(0.05);
      expect(p.qValue).toBeGreaterThan(0.05);
    }
  });
});

describe('the edges', () => {
  const base = golden.series['ar1']!.slice(0, 120);
  const other = golden.series['unrelated_a']!.slice(0, 120);

  it('a constant series is listed, not tested, and not counted', () => {
    const r = grangerPairs([
      { name: 'a', values: base },
      { name: 'b', values: other },
      { name: 'flat', values: base.map(() => 4) },
    ]);
    expect(r.pairs).toHaveLength(6);
    expect(r.tested).toBe(2);
    const flat = r.series.find((s) => s.name === 'flat')!;
    expect(flat.adf).toBeNull();
    expect(flat.note).toMatch(/combination/);
    for (const p of r.pairs.filter((p) => p.cause === 'flat' || p.effect === 'flat')) {
      expect(p.tested).toBe(false);
      if (!p.tested) expect(p.reason).toMatch(/constant/);
    }
  });

  it('lowers the largest lag on short series and says so', () => {
    const r = grangerPairs(
      [
        { name: 'a', values: base.slice(0, 30) },
        { name: 'b', values: other.slice(0, 30) },
      ],
      { maxLag: 14 },
    );
    expect(r.maxLagRequested).toBe(14);
    expect(r.maxLag).toBe(Math.floor((r.points - 2) / 3));
    expect(r.tested).toBe(2);
  });

  it('refuses malformed sets', () => {
    expect(() => grangerPairs([{ name: 'a', values: base }])).toThrow(InputRejectedError);
    expect(() =>
      grangerPairs([
        { name: 'a', values: base },
        { name: 'a', values: other },
      ]),
    ).toThrow(InputRejectedError);
    expect(() =>
      grangerPairs([
        { name: 'a', values: base },
        { name: 'b', values: other.slice(1) },
      ]),
    ).toThrow(InputRejectedError);
    expect(() =>
      grangerPairs(
        [
          { name: 'a', values: base },
          { name: 'b', values: other },
        ],
        { seasonalPeriod: 1 },
      ),
    ).toThrow(InputRejectedError);
  });
});
