import { normalIntervals, type Forecast, type NamedForecaster } from './forecaster.ts';

/**
 * Seasonal naive, as R's `forecast::snaive` (8.x, `lagwalk` with lag m, no drift): the
 * forecast for step j repeats the value one season earlier (the last m values, repeated);
 * sigma is the root mean square of the in-sample residuals y_t - y_{t-m} (R's `lagwalk`
 * divides by the number of residuals, not n - 1); the standard error grows with the number
 * of full seasons ahead: sigma * sqrt(k + 1) for steps j with k = floor((j - 1) / m).
 * With fewer than m + 1 values there is no residual, and the lag falls back to 1 (naive).
 */
export function seasonalNaive(train: readonly number[], h: number, m: number): Forecast {
  const n = train.length;
  if (n === 0) throw new Error('seasonal naive needs at least one value');
  const lag = m >= 1 && n > m ? Math.floor(m) : 1;
  let sum = 0;
  let count = 0;
  for (let t = lag; t < n; t++) {
    const e = train[t]! - train[t - lag]!;
    sum += e * e;
    count++;
  }
  const sigma = count > 0 ? Math.sqrt(sum / count) : 0;
  const mean: number[] = [];
  const se: number[] = [];
  for (let j = 1; j <= h; j++) {
    const k = Math.floor((j - 1) / lag);
    mean.push(train[n - lag + ((j - 1) % lag)]!);
    se.push(sigma * Math.sqrt(k + 1));
  }
  return normalIntervals(mean, se);
}

/** Naive (random walk), as `forecast::naive`: the last value, sigma * sqrt(j). */
export function naive(train: readonly number[], h: number): Forecast {
  return seasonalNaive(train, h, 1);
}

export const seasonalNaiveModel: NamedForecaster = {
  name: 'snaive',
  description: 'seasonal naive: the value one season earlier',
  forecast: seasonalNaive,
};

export const naiveModel: NamedForecaster = {
  name: 'naive',
  description: 'naive: the last value',
  forecast: (train, h) => naive(train, h),
};
