import { describe, expect, it } from 'vitest';
import { autoForecast, minimumLength, TooShortError } from '#analysis/forecast/auto.ts';
import { backtest, chooseModel, runForecaster } from '#analysis/forecast/backtest.ts';
import { normalIntervals, type NamedForecaster } from '#analysis/forecast/forecaster.ts';
import { FORECASTERS } from '#analysis/forecast/models.ts';
import { naiveModel, seasonalNaiveModel } from '#analysis/forecast/naive.ts';
import { thetaModel } from '#analysis/forecast/theta.ts';
import { goldenBacktests } from './golden.ts';

/** A model that records what it was trained on and forecasts a constant. */
function spy(name: string, value: number, seen: number[][] = []): NamedForecaster {
  return {
    name,
    description: name,
    forecast: (train, h) => {
      seen.push([...train]);
      return normalIntervals(new Array<number>(h).fill(value), new Array<number>(h).fill(1));
    },
  };
}

const weekly = Array.from(
  { length: 70 },
  (_, i) => 50 + 0.2 * i + [0, 6, 3, -4, 8, -2, -11][i % 7]!,
);

describe('rolling-origin backtest', () => {
  it('uses origins k = 1..K with test windows n-hk+1 .. n-hk+h, in time order', () => {
    const y = Array.from({ length: 20 }, (_, i) => i + 1);
    const seen: number[][] = [];
    const result = backtest(spy('flat', 0, seen), y, 3, 4, 1);
    // n = 20, h = 3: k = 4 trains on 1..8 and tests 9..11; k = 1 trains on 1..17, tests 18..20
    expect(result.origins.map((o) => o.k)).toEqual([4, 3, 2, 1]);
    expect(result.origins.map((o) => o.trainEnd)).toEqual([8, 11, 14, 17]);
    expect(seen.map((t) => t.length)).toEqual([8, 11, 14, 17]);
    expect(result.origins.map((o) => o.actual)).toEqual([
      [9, 10, 11],
      [12, 13, 14],
      [15, 16, 17],
      [18, 19, 20],
    ]);
  });

  it('averages MASE and sMAPE over origins and pools interval coverage', () => {
    const y = Array.from({ length: 20 }, (_, i) => i + 1);
    const result = backtest(spy('flat', 10, []), y, 2, 2, 1);
    // origins: train 1..16 -> actual 17, 18; train 1..18 -> actual 19, 20; scale 1
    expect(result.origins[0]!.mase).toBeCloseTo(7.5, 12);
    expect(result.origins[1]!.mase).toBeCloseTo(9.5, 12);
    expect(result.mase).toBeCloseTo(8.5, 12);
    expect(result.coverage[80]).toBe(0);
  });

  it('does not score points that were filled', () => {
    const y = Array.from({ length: 12 }, (_, i) => i + 1);
    const observed = y.map((_, i) => i !== 11);
    const result = backtest(spy('flat', 11, []), y, 2, 1, 1, observed);
    expect(result.origins[0]!.actual[1]).toBeNaN();
    expect(result.mase).toBeCloseTo(0, 12); // only point 11 is scored, forecast 11
  });

  it('refuses more origins than the data hold', () => {
    expect(() => backtest(naiveModel, [1, 2, 3, 4], 2, 2, 1)).toThrow(/needs more than 4 points/);
  });
});

describe('rolling-origin backtest matches the same protocol run in R', () => {
  it.each(goldenBacktests.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    for (const [model, expected, digits] of [
      [seasonalNaiveModel, c.snaive, 10],
      [thetaModel, c.thetaf, 3],
    ] as const) {
      const result = backtest(model, c.y, c.h, c.K, c.m);
      expect(result.origins.map((o) => o.trainEnd)).toEqual(expected.trainEnd);
      result.origins.forEach((o, i) => {
        expect(o.mase).toBeCloseTo(expected.mase[i]!, digits);
        expect(o.smape).toBeCloseTo(expected.smape[i]!, digits);
      });
      expect(result.coverage[80]).toBeCloseTo(expected.coverage80, 12);
      expect(result.coverage[95]).toBeCloseTo(expected.coverage95, 12);
    }
  });
});

describe('chooser', () => {
  it('picks the lowest mean backtest MASE', () => {
    const choice = chooseModel(FORECASTERS, weekly, 7, 3, 7);
    expect(choice.backtests.map((b) => b.model)).toEqual(FORECASTERS.map((f) => f.name));
    const best = Math.min(...choice.backtests.map((b) => b.mase));
    expect(choice.chosen.mase).toBe(best);
    expect(choice.model.name).not.toBe('naive');
    expect(choice.reason).toMatch(/lowest mean backtest MASE over 3 origin/);
  });

  it('breaks ties by sMAPE, then by the order of the list', () => {
    const y = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 10 : 20));
    const a = spy('a', 15);
    const b = spy('b', 15);
    expect(chooseModel([a, b], y, 2, 2, 1).model.name).toBe('a');
    expect(chooseModel([b, a], y, 2, 2, 1).model.name).toBe('b');
  });

  it('treats an undefined MASE (constant history) as the worst, and still chooses', () => {
    const y = new Array<number>(30).fill(5);
    const choice = chooseModel([seasonalNaiveModel, thetaModel], y, 7, 2, 7);
    expect(choice.model.name).toBe('snaive');
    expect(choice.reason).toMatch(/MASE undefined/);
  });

  it('never gives a non-negative series a negative forecast or bound', () => {
    const counts = Array.from({ length: 40 }, (_, i) => (i % 7 === 0 ? 30 : i % 3 === 0 ? 1 : 0));
    for (const model of FORECASTERS) {
      const f = runForecaster(model, counts, 14, 7);
      for (const xs of [f.mean, f.lower[80], f.lower[95], f.upper[80], f.upper[95]])
        for (const v of xs) expect(v).toBeGreaterThanOrEqual(0);
    }
    // the raw models do go below 0 here: the clamp is what holds the floor
    const raw = naiveModel.forecast(counts, 14, 7);
    expect(Math.min(...raw.lower[95])).toBeLessThan(0);
  });
});

describe('auto forecast', () => {
  it('uses up to five origins, fewer when the history is short', () => {
    expect(autoForecast(weekly, 7, 7).origins).toBe(5);
    const short = weekly.slice(0, minimumLength(7, 7) + 7);
    expect(autoForecast(short, 7, 7).origins).toBe(2);
  });

  it('says how many points it needs', () => {
    const short = weekly.slice(0, minimumLength(7, 7) - 1);
    expect(() => autoForecast(short, 7, 7)).toThrow(TooShortError);
    expect(() => autoForecast(short, 7, 7)).toThrow(
      `${short.length} points, need ${minimumLength(7, 7)}`,
    );
  });
});
