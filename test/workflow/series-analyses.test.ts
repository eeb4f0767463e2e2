import { describe, expect, it } from 'vitest';
import { backtest } from '#analysis/forecast/backtest.ts';
import { evaluateSeries } from '#analysis/forecast/evaluate.ts';
import { FORECASTERS } from '#analysis/forecast/models.ts';
import { seasonalNaiveModel } from '#analysis/forecast/naive.ts';
import { buildSeries, type RegularSeries } from '#analysis/forecast/series.ts';
import { forecastFindings, seriesAnomalyFindings } from '#analysis/series-analyses.ts';
import type { SeriesDiscovery } from '#analysis/series-discovery.ts';
import { dates } from '../cli/series-command.ts';

/**
 * The forecast and anomaly analyses of the report on tiny series (tens of points), and the
 * evaluation they share with `insights forecast` (`evaluate.ts`).
 */

const WEEKLY = [0, 6, 3, -4, 8, -2, -11];

/** n days from 2024-01-01: a level of 50, a slow trend, a weekly pattern; `change` edits values. */
function daily(n: number, change: (i: number, v: number) => number | null = (_, v) => v) {
  const days = dates('2024-01-01', n);
  const [series] = buildSeries(
    days.map((time, i) => ({ time, value: change(i, 50 + 0.1 * i + WEEKLY[i % 7]!) })),
    { file: 'test', timeColumn: 'day' },
  );
  return series!;
}

const discovery = (...series: [string, RegularSeries][]): SeriesDiscovery => ({
  dataset: 'shop',
  timeColumn: 'day',
  series: series.map(([column, s]) => ({ column, aggregation: 'value', name: column, series: s })),
  refused: [],
});

describe('evaluateSeries', () => {
  const s = daily(70);

  it('forecasts after the last point and backtests the whole procedure, each as alone', () => {
    const both = evaluateSeries(s, {
      horizon: 7,
      backtest: 5,
      forecast: true,
      baseline: true,
      fewerOrigins: true,
      label: 'units',
    });
    const forecastOnly = evaluateSeries(s, { horizon: 7, label: 'units' });
    const backtestOnly = evaluateSeries(s, { horizon: 7, backtest: 5, label: 'units' });
    // The same numbers as `insights forecast` and `insights forecast --backtest 5`.
    expect(both.forecast).toEqual(forecastOnly.forecast);
    expect(both.model).toBe(forecastOnly.model);
    expect(both.reason).toBe(forecastOnly.reason);
    expect({ ...both.backtest, baseline: undefined }).toEqual({
      ...backtestOnly.backtest,
      baseline: undefined,
    });
    expect(backtestOnly.forecast).toBeUndefined();

    expect(Object.keys(both.candidates!)).toEqual(FORECASTERS.map((f) => f.name));
    expect(both.forecast!.map((r) => r.ds)).toEqual(dates('2024-03-11', 7));
    for (const r of both.forecast!) {
      expect(r.lo95).toBeLessThanOrEqual(r.lo80);
      expect(r.lo80).toBeLessThanOrEqual(r.yhat);
      expect(r.yhat).toBeLessThanOrEqual(r.hi80);
      expect(r.hi80).toBeLessThanOrEqual(r.hi95);
    }
    const b = both.backtest!;
    expect(b.origins.map((o) => o.train_end)).toEqual(
      [35, 42, 49, 56, 63].map((n) => s.dates[n - 1]),
    );
    expect(b.rows.map((r) => r.ds)).toEqual(s.dates.slice(35));
    expect(b.scored).toBe(35);
    // Seasonal naive on exactly the same origins.
    const snaive = backtest(seasonalNaiveModel, s.values, 7, 5, 7, s.observed);
    expect(b.baseline!.model).toBe('snaive');
    expect(b.baseline!.mase).toBeCloseTo(snaive.mase, 6);
    expect(b.baseline!.coverage80).toBeCloseTo(snaive.coverage[80], 6);
  });

  it('on a short history backtests over fewer origins, or none, and says how many points it needs', () => {
    const options = { horizon: 7, backtest: 5, forecast: true, fewerOrigins: true, label: 'x' };
    const fewer = evaluateSeries(daily(40), options);
    expect(fewer.backtest!.origins).toHaveLength(2);
    expect(fewer.notes).toContain(
      'backtest over 2 origin(s), not 5: 40 points, need 57 (15 to fit the models, more than two seasons of 7 daily points, 7 to choose among them and 5 backtest window(s) of 7)',
    );
    const none = evaluateSeries(daily(25), options);
    expect(none.backtest).toBeUndefined();
    expect(none.forecast).toHaveLength(7);
    expect(none.notes.join('\n')).toMatch(
      /^no backtest of the whole procedure: 25 points, need 29 \(/m,
    );
    const tooShort = evaluateSeries(daily(12), options);
    expect(tooShort.error).toBe(
      'x: 12 points, need 22 (15 to fit the models, more than two seasons of 7 daily points, 7 to choose among them)',
    );
    expect(tooShort.forecast).toBeUndefined();
  });

  it('does not score the points it filled', () => {
    const gappy = daily(70, (i, v) => (i === 60 ? null : v));
    const e = evaluateSeries(gappy, { horizon: 7, backtest: 5, label: 'x' });
    expect(gappy.filled).toEqual([gappy.dates[60]]);
    expect(e.backtest!.scored).toBe(34);
  });
});

describe('forecastFindings', () => {
  it('gives each series its model, reason, backtest beside seasonal naive, coverage and forecast table', () => {
    const out = forecastFindings(discovery(['units', daily(70)]), { horizon: 5, origins: 3 });
    expect(out.notComputed).toEqual([]);
    const [f] = out.findings;
    expect(f).toMatchObject({
      kind: 'forecast',
      dataset: 'shop',
      column: 'units',
      series: 'units',
      aggregation: 'value',
      frequency: 'daily',
      period: 7,
      points: 70,
      horizon: 5,
    });
    expect(f!.reason).toMatch(new RegExp(`^${f!.model}: lowest mean backtest MASE`));
    expect(f!.candidates.map((c) => c.model)).toEqual(FORECASTERS.map((m) => m.name));
    expect(f!.backtest).toMatchObject({ origins: 3, scored: 15, baseline: { model: 'snaive' } });
    expect(f!.backtest!.models).toHaveLength(3);
    for (const key of ['mase', 'smape', 'coverage80', 'coverage95'] as const) {
      expect(f!.backtest![key]).toEqual(expect.any(Number));
      expect(f!.backtest!.baseline[key]).toEqual(expect.any(Number));
    }
    expect(f!.forecast.map((r) => r.ds)).toEqual(dates('2024-03-11', 5));
  });

  it('names the series it cannot forecast, with the points it has and needs', () => {
    const out = forecastFindings(
      {
        ...discovery(['units', daily(70)], ['returns', daily(12)]),
        refused: [{ names: ['visits per day'], reason: 'shop, column day: too sparse' }],
      },
      { horizon: 7, origins: 5 },
    );
    expect(out.findings.map((f) => f.series)).toEqual(['units']);
    expect(out.notComputed).toEqual([
      'visits per day: shop, column day: too sparse',
      'no forecast of returns: 12 points, need 22 (15 to fit the models, more than two seasons of 7 daily points, 7 to choose among them)',
    ]);
  });
});

describe('seriesAnomalyFindings', () => {
  it('lists a planted spike with its date, value, expected value, range and score, and counts the tests', () => {
    const spiked = daily(70, (i, v) => (i === 45 ? v + 200 : v));
    const out = seriesAnomalyFindings(discovery(['units', spiked], ['returns', daily(8)]));
    expect(out.notComputed).toEqual([
      'returns: 8 points, need 10 to tell odd values from usual ones',
    ]);
    const [f] = out.findings;
    expect(f!.tests).toBeGreaterThanOrEqual(70 - 1);
    const spike = f!.anomalies.find((a) => a.date === spiked.dates[45]);
    expect(spike).toMatchObject({ value: spiked.values[45], direction: 'high' });
    expect(Math.abs(spike!.expected - (spiked.values[45]! - 200))).toBeLessThan(20);
    expect(spike!.upper).toBeLessThan(spike!.value);
    expect(spike!.lower).toBeGreaterThanOrEqual(0); // a series never below 0
    expect(spike!.score).toBeGreaterThan(f!.threshold);
    const incident = f!.incidents.find((i) => i.start <= spike!.date && spike!.date <= i.end);
    expect(incident!.peak).toEqual(spike);
  });
});
