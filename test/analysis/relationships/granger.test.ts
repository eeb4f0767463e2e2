import { describe, expect, it } from 'vitest';
import {
  granger,
  grangerTest,
  grangerTests,
  selectGrangerLag,
} from '#analysis/relationships/granger.ts';
import { NotComputableError } from '#analysis/relationships/ols.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { STAT_REL, close, golden, matches } from './golden.ts';

describe('Granger F test against statsmodels grangercausalitytests (ssr_ftest)', () => {
  for (const g of golden.granger) {
    it(`${g.cause} -> ${g.effect}, lags 1..${g.tests.length}`, () => {
      const y = golden.series[g.effect]!;
      const x = golden.series[g.cause]!;
      const ours = grangerTests(y, x, g.tests.length);
      g.tests.forEach((t, i) => matches(ours[i]!, t, `${g.cause} -> ${g.effect} lag ${t.lag}`));
    });
  }

  it('partial R² is F p / (F p + df_denom), and the direction follows Σb when it is significant', () => {
    const t = grangerTest(golden.series['follower']!, golden.series['leader']!, 2);
    close(t.partialR2, (t.f * 2) / (t.f * 2 + t.dfDenom), 1e-12, 'identity');
    // follower_t = 0.4 follower_{t-1} + 0.7 leader_{t-2} + e: x leads y by two periods.
    expect(t.direction).toBe('positive');
    expect(t.strongestLag.lag).toBe(2);
    expect(t.strongestLag.coefficient).toBeGreaterThan(0.6);
    expect(t.longRunEffect!).toBeGreaterThan(1);
  });
});

describe('lag selection over a common sample', () => {
  for (const s of golden.selection) {
    it(`${s.cause} -> ${s.effect} by ${s.criterion} up to ${s.maxLag}`, () => {
      const y = golden.series[s.effect]!;
      const x = golden.series[s.cause]!;
      const ours = selectGrangerLag(y, x, s.maxLag, s.criterion);
      s.ics.forEach((ic, i) =>
        close(ours.criteria[i]!, ic, STAT_REL, `${s.criterion} at lag ${i + 1}`),
      );
      expect(ours.lag).toBe(s.lag);
      expect(ours.nobs).toBe(y.length - s.maxLag);
    });
  }

  it('granger() reports the chosen lag’s test: the leader leads by 2', () => {
    const r = granger(golden.series['follower']!, golden.series['leader']!, { maxLag: 8 });
    // The VAR's order by AIC takes in both series' memories: 3 here (golden.selection).
    const chosen = golden.selection.find(
      (s) => s.effect === 'follower' && s.cause === 'leader' && s.criterion === 'AIC',
    )!;
    expect(r.selection.lag).toBe(chosen.lag);
    expect(r.strongestLag.lag).toBe(2);
    const g = golden.granger.find((c) => c.effect === 'follower' && c.cause === 'leader')!;
    matches(r, g.tests[r.selection.lag - 1]!, 'chosen lag');
  });
});

describe('the edges', () => {
  const y = golden.series['ar1']!.slice(0, 60);
  const x = golden.series['unrelated_a']!.slice(0, 60);
  const flat = y.map(() => 5);
  it('refuses constant series, short series and misaligned input', () => {
    expect(() => grangerTest(y, flat, 2)).toThrow(NotComputableError);
    expect(() => grangerTest(flat, y, 2)).toThrow(NotComputableError);
    // x a lagged copy of y: its lags repeat y's own.
    expect(() => grangerTest(y.slice(1), y.slice(0, -1), 2)).toThrow(NotComputableError);
    expect(() => grangerTest(y.slice(0, 7), x.slice(0, 7), 2)).toThrow(InputRejectedError);
    expect(() => granger(y, x.slice(1))).toThrow(InputRejectedError);
    expect(() => grangerTest(y, x, 0)).toThrow(InputRejectedError);
    // statsmodels' rule: more than 3 maxLag + 1 points.
    expect(() => granger(y.slice(0, 43), x.slice(0, 43), { maxLag: 14 })).toThrow(
      InputRejectedError,
    );
    expect(granger(y.slice(0, 44), x.slice(0, 44), { maxLag: 14 }).selection.maxLag).toBe(14);
  });
});
