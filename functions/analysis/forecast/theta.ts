import { normalIntervals, type Forecast, type NamedForecaster } from './forecaster.ts';
import { multiplicativeSeasonalFigure, seasonalityTest } from './decompose.ts';
import { fitSes } from './ses.ts';

export interface ThetaDetails {
  seasonal: boolean;
  /** Seasonal indices by position in the season (position 0 is the first value's); 1s when not seasonal. */
  figure: number[];
  alpha: number;
  /** Half the slope of the linear trend of the (adjusted) series. */
  drift: number;
  sigma2: number;
}

/**
 * The Theta method as R's `forecast::thetaf` (8.x), which is simple exponential smoothing
 * with drift equal to half the slope of the series' linear trend (Hyndman & Billah 2003):
 * 1. when `seasonalityTest` passes, the series is divided by the multiplicative seasonal
 *    indices of the classical decomposition (skipped when an index is near 0, as R does, or
 *    not finite: a zero trend);
 * 2. SES is fitted (`ses.ts`), and the forecast for step j = 1..h is
 *    l_n + b * (j - 1 + (1 - (1 - alpha)^n) / alpha), b = slope / 2;
 * 3. the forecast is multiplied back by the seasonal indices;
 * 4. intervals: sigma * sqrt((j - 1) * alpha^2 + 1) around the reseasonalised mean, with
 *    sigma from the adjusted SES (R adds them after reseasonalising, unscaled; so do we).
 */
export function thetaDetailed(
  train: readonly number[],
  h: number,
  m: number,
): { forecast: Forecast; details: ThetaDetails } {
  const n = train.length;
  if (n < 3) throw new Error('the Theta method needs at least 3 values');
  let figure = new Array<number>(Math.max(1, m)).fill(1);
  let seasonal = seasonalityTest(train, m);
  if (seasonal) {
    const f = multiplicativeSeasonalFigure(train, m);
    if (f.every((v) => Number.isFinite(v) && Math.abs(v) >= 1e-4)) figure = f;
    else seasonal = false;
  }
  const period = figure.length;
  const x = seasonal ? train.map((v, i) => v / figure[i % period]!) : [...train];
  const fit = fitSes(x);
  const drift = slope(x) / 2;
  const alpha = Math.max(1e-10, fit.alpha);
  const mean: number[] = [];
  const se: number[] = [];
  const sigma = Math.sqrt(fit.sigma2);
  for (let j = 0; j < h; j++) {
    const flat = fit.level + drift * (j + (1 - (1 - alpha) ** n) / alpha);
    mean.push(seasonal ? flat * figure[(n + j) % period]! : flat);
    se.push(sigma * Math.sqrt(j * alpha ** 2 + 1));
  }
  return {
    forecast: normalIntervals(mean, se),
    details: { seasonal, figure, alpha: fit.alpha, drift, sigma2: fit.sigma2 },
  };
}

export function theta(train: readonly number[], h: number, m: number): Forecast {
  return thetaDetailed(train, h, m).forecast;
}

/** Least-squares slope of x against 0..n-1 (`lsfit(0:(n - 1), x)`). */
function slope(x: readonly number[]): number {
  const n = x.length;
  const tBar = (n - 1) / 2;
  const xBar = x.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  x.forEach((v, t) => {
    sxy += (t - tBar) * (v - xBar);
    sxx += (t - tBar) ** 2;
  });
  return sxx > 0 ? sxy / sxx : 0;
}

export const thetaModel: NamedForecaster = {
  name: 'theta',
  description:
    'Theta: exponential smoothing with half the trend, seasonally adjusted when the data are seasonal',
  forecast: theta,
};
