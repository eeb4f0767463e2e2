import { readFileSync } from 'node:fs';

export interface GoldenForecast {
  mean: number[];
  lo80: number[];
  hi80: number[];
  lo95: number[];
  hi95: number[];
}

export interface GoldenCase {
  name: string;
  m: number;
  h: number;
  y: number[];
  snaive: GoldenForecast;
  naive: GoldenForecast;
  thetaf: GoldenForecast & { alpha: number; drift: number; sigma2: number };
  mase_snaive_scale: number;
}

/** R's forecast 8.20 on fixed series: test/fixtures/golden/forecast/make_golden.R. */
export const golden: GoldenCase[] = JSON.parse(
  readFileSync(
    new URL('../../fixtures/golden/forecast/forecast-golden.json', import.meta.url),
    'utf8',
  ),
) as GoldenCase[];

export interface GoldenBacktestResult {
  trainEnd: number[];
  mase: number[];
  smape: number[];
  coverage80: number;
  coverage95: number;
}

export interface GoldenBacktest {
  name: string;
  m: number;
  h: number;
  K: number;
  y: number[];
  snaive: GoldenBacktestResult;
  thetaf: GoldenBacktestResult;
}

/** Rolling-origin backtests in R (accuracy()'s MASE): the same script. */
export const goldenBacktests: GoldenBacktest[] = JSON.parse(
  readFileSync(
    new URL('../../fixtures/golden/forecast/backtest-golden.json', import.meta.url),
    'utf8',
  ),
) as GoldenBacktest[];
