import { describe, expect, it } from 'vitest';
import type { Forecast } from '#analysis/forecast/forecaster.ts';
import { coverage, mase, maseScale, smape } from '#analysis/forecast/metrics.ts';
import { golden } from './golden.ts';

describe('MASE scale', () => {
  it.each(golden.map((c) => [c.name, c] as const))(
    'is the in-sample seasonal naive MAE, as R computes it: %s',
    (_name, c) => {
      expect(maseScale(c.y, c.m)).toBeCloseTo(c.mase_snaive_scale, 10);
    },
  );

  it('falls back to lag 1 when the history is a season or shorter', () => {
    expect(maseScale([1, 3, 2], 7)).toBeCloseTo(1.5, 12);
  });
});

describe('metrics', () => {
  const train = [10, 12, 14, 10, 12, 14]; // seasonal naive MAE with m = 3: 0
  const trend = [1, 2, 3, 4, 5, 6]; // lag-1 MAE 1, lag-2 MAE 2

  it('scales absolute errors by the in-sample seasonal naive MAE', () => {
    expect(mase([7, 8], [8, 10], trend, 1)).toBeCloseTo(1.5, 12);
    expect(mase([7, 8], [8, 10], trend, 2)).toBeCloseTo(0.75, 12);
  });

  it('is undefined (NaN) on a history with no seasonal change', () => {
    expect(mase([10, 12], [10, 12], train, 3)).toBeNaN();
  });

  it('leaves unobserved holdout points (NaN) out of every metric', () => {
    expect(mase([7, NaN], [8, 1000], trend, 1)).toBeCloseTo(1, 12);
    expect(smape([NaN, 10], [5, 10])).toBe(0);
    expect(smape([NaN], [5])).toBeNaN();
  });

  it('computes sMAPE in percent, 0/0 as 0', () => {
    expect(smape([100, 0], [50, 0])).toBeCloseTo((200 * 50) / 150 / 2, 12);
    expect(smape([0], [10])).toBe(200);
  });

  it('counts the share of points inside each interval, bounds included', () => {
    const f: Forecast = {
      mean: [0, 0, 0, 0],
      lower: { 80: [-1, -1, -1, -1], 95: [-2, -2, -2, -2] },
      upper: { 80: [1, 1, 1, 1], 95: [2, 2, 2, 2] },
    };
    expect(coverage([0, 1, 1.5, 3], f, 80)).toBe(0.5);
    expect(coverage([0, 1, 1.5, 3], f, 95)).toBe(0.75);
    expect(coverage([0, NaN, 1.5, NaN], f, 80)).toBe(0.5);
  });
});
