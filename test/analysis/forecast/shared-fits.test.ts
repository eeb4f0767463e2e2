import { describe, expect, it } from 'vitest';
import { anchorLength, autoForecast, autoModel } from '#analysis/forecast/auto.ts';
import { backtest, runForecaster } from '#analysis/forecast/backtest.ts';
import { etsModel, fitEts, forecastEts, refitEts } from '#analysis/forecast/ets.ts';
import { normalIntervals, type NamedForecaster } from '#analysis/forecast/forecaster.ts';
import { naiveModel, seasonalNaiveModel } from '#analysis/forecast/naive.ts';
import { SeriesContext } from '#analysis/forecast/series-context.ts';
import { thetaModel } from '#analysis/forecast/theta.ts';

/** A deterministic weekly series with a trend and a little irregular noise. */
const series = (n: number) =>
  Array.from(
    { length: n },
    (_, i) => 100 + 0.3 * i + [0, 12, 5, -8, 15, -3, -21][i % 7]! + 4 * Math.sin(i * 1.7),
  );

function counting(name: string, calls: number[]): NamedForecaster {
  return {
    name,
    description: name,
    forecast: (train, h) => {
      calls.push(train.length);
      return normalIntervals(
        new Array<number>(h).fill(train.at(-1)!),
        new Array<number>(h).fill(1),
      );
    },
  };
}

describe('SeriesContext', () => {
  it('accepts prefixes and extensions of its series, and nothing else', () => {
    const c = new SeriesContext([1, 2, 3, 4], 2);
    expect(c.accepts([1, 2])).toBe(true);
    expect(c.accepts([1, 2, 3, 4, 5])).toBe(true);
    expect(c.y).toEqual([1, 2, 3, 4, 5]);
    expect(c.accepts([1, 2, 9])).toBe(false);
    expect(c.accepts([1, 2, 3, 4, 5, 6, 7].map((v, i) => (i === 0 ? 0 : v)))).toBe(false);
  });

  it('fits each model once per prefix in a nested backtest', () => {
    const calls: number[] = [];
    const y = series(140);
    backtest(autoModel({ models: [counting('flat', calls)] }), y, 7, 5, 7);
    // Outer origins train on 105..133; each chooses on 5 inner origins 7 apart: prefixes
    // 70, 77, ..., 133 are fitted once each (11), however often the chooser asks.
    expect([...calls].sort((a, b) => a - b)).toEqual([70, 77, 84, 91, 98, 105, 112, 119, 126, 133]);
  });

  it('gives the same forecasts with and without sharing for models that keep nothing', () => {
    const y = series(120);
    const context = new SeriesContext(y, 50);
    for (const model of [seasonalNaiveModel, naiveModel, thetaModel]) {
      for (const len of [60, 90, 120]) {
        const train = y.slice(0, len);
        expect(runForecaster(model, train, 7, 7, context)).toEqual(
          runForecaster(model, train, 7, 7),
        );
      }
    }
  });

  it('anchors before every window of a 5 x 5 nested backtest', () => {
    expect(anchorLength(1095, 7, 7)).toBe(1095 - 70);
    // Short series: never below two seasons plus one.
    expect(anchorLength(40, 7, 7)).toBe(15);
  });
});

describe('refitEts', () => {
  const y = series(300);

  it('keeps the form and initial state and does no worse than the start', () => {
    const fit = fitEts(y, { m: 7 });
    const again = refitEts(fit, y);
    expect(again.model).toBe(fit.model);
    expect(again.initialState).toEqual(fit.initialState);
    expect(again.loglik).toBeGreaterThanOrEqual(fit.loglik - 1e-9);
  });

  it('re-estimates the smoothing parameters on a longer series', () => {
    const anchor = fitEts(y.slice(0, 230), { m: 7 });
    const longer = refitEts(anchor, y);
    expect(longer.model).toBe(anchor.model);
    expect(longer.fitted).toHaveLength(300);
    expect(longer.initialState).toEqual(anchor.initialState);
  });

  it('refuses data a multiplicative form cannot take', () => {
    const fit = fitEts(y, { m: 7, model: 'MNM' });
    expect(() => refitEts(fit, [...y.slice(0, 299), 0])).toThrow(/strictly positive/);
  });

  it('is what etsModel uses beyond the anchor of a context', () => {
    const context = new SeriesContext(y, 230);
    const shared = etsModel.forecast(y, 7, 7, context);
    const expected = refitEts(fitEts(y.slice(0, 230), { m: 7 }), y);
    expect(shared.mean).toEqual(forecastEts(expected, 7).mean);
    // Before the anchor, a full ets() choice.
    const early = etsModel.forecast(y.slice(0, 200), 7, 7, context);
    const fresh = etsModel.forecast(y.slice(0, 200), 7, 7);
    expect(early).toEqual(fresh);
  });
});

describe('autoForecast calibration', () => {
  it('reports the factors it applied and keeps the 95% band around the 80% one', () => {
    const y = series(200);
    const auto = autoForecast(y, 7, 7);
    expect(auto.calibration.points).toBe(35);
    for (let j = 0; j < 7; j++) {
      expect(auto.forecast.lower[95][j]!).toBeLessThanOrEqual(auto.forecast.lower[80][j]!);
      expect(auto.forecast.upper[95][j]!).toBeGreaterThanOrEqual(auto.forecast.upper[80][j]!);
    }
  });
});
