import { describe, expect, it } from 'vitest';
import { averageForecasts, combinationModel } from '#analysis/forecast/combination.ts';
import { normalIntervals } from '#analysis/forecast/forecaster.ts';
import { naiveModel } from '#analysis/forecast/naive.ts';
import { fitRegression, regressionModel } from '#analysis/forecast/regression.ts';

const weekly = [0, 12, 5, -8, 15, -3, -21];

describe('additive regression (trend, changepoints, Fourier terms)', () => {
  it('recovers a linear trend with a weekly cycle and extends both', () => {
    // A weekly pattern of 3 harmonics is exactly what the Fourier terms of order 3 span.
    const cycle = (i: number) =>
      8 * Math.sin((2 * Math.PI * i) / 7) + 3 * Math.cos((4 * Math.PI * i) / 7);
    const y = Array.from({ length: 210 }, (_, i) => 50 + 0.5 * i + cycle(i));
    const f = regressionModel.forecast(y, 14, 7);
    f.mean.forEach((v, j) => expect(v).toBeCloseTo(50 + 0.5 * (210 + j) + cycle(210 + j), 1));
    expect(f.upper[95][13]! - f.lower[95][13]!).toBeGreaterThan(f.upper[80][0]! - f.lower[80][0]!);
  });

  it('bends the trend at a change of slope', () => {
    const y = Array.from(
      { length: 300 },
      (_, i) => (i < 150 ? 100 + i : 250 - 0.5 * (i - 150)) + weekly[i % 7]!,
    );
    const f = regressionModel.forecast(y, 7, 7);
    // Still going down after the change, not up at the average slope.
    expect(f.mean[6]!).toBeLessThan(y[299]! + 5);
    expect(fitRegression(y, 7).design.changepointCount).toBe(25);
  });

  it('adds yearly terms to daily series of two years or more only', () => {
    const y = (n: number) => Array.from({ length: n }, (_, i) => 10 + weekly[i % 7]! + Math.sin(i));
    expect(fitRegression(y(700), 7).design.features).toHaveLength(2 + 25 + 6);
    expect(fitRegression(y(731), 7).design.features).toHaveLength(2 + 25 + 6 + 20);
  });

  it('refuses too little data and missing values', () => {
    expect(() => fitRegression([1, 2], 1)).toThrow(/at least 3/);
    expect(() => fitRegression([1, NaN, 2, 3], 1)).toThrow(/missing/);
  });
});

describe('combination', () => {
  it('averages means and bounds of its members', () => {
    const a = normalIntervals([10, 20], [1, 1]);
    const b = normalIntervals([20, 40], [3, 3]);
    const avg = averageForecasts([a, b]);
    expect(avg.mean).toEqual([15, 30]);
    expect(avg.upper[80][0]).toBeCloseTo((a.upper[80][0]! + b.upper[80][0]!) / 2, 12);
  });

  it('forecasts as the mean of its members on the same data', () => {
    const y = [3, 5, 4, 6, 8, 7, 9, 10];
    const combo = combinationModel([naiveModel, regressionModel]);
    const f = combo.forecast(y, 3, 1);
    const parts = [naiveModel.forecast(y, 3, 1), regressionModel.forecast(y, 3, 1)];
    f.mean.forEach((v, j) =>
      expect(v).toBeCloseTo((parts[0]!.mean[j]! + parts[1]!.mean[j]!) / 2, 10),
    );
  });
});
