import { chooseModel, runForecaster, type BacktestResult } from './backtest.ts';
import { applyCalibration, calibrationFrom, type Calibration } from './calibrate.ts';
import { clampIfNonNegative, type Forecast, type NamedForecaster } from './forecaster.ts';
import { FORECASTERS } from './models.ts';
import { SeriesContext } from './series-context.ts';

/** Backtest origins the chooser uses when the history allows: the protocol. */
export const CHOOSER_ORIGINS = 5;

/**
 * Outer backtest origins a forecast's context plans for: the report backtests the whole
 * procedure at 5 origins, and a plain forecast makes its one-off choices (ETS's form) on
 * the same anchor, so the forecast is the same whether or not the backtest runs.
 */
export const REPORTED_ORIGINS = 5;

/**
 * The anchor of a series context for n points: the shortest prefix the chooser touches when
 * the whole procedure is backtested at `outer` origins (each choosing on CHOOSER_ORIGINS
 * inner ones), never shorter than `minimumTrain`.
 */
export function anchorLength(n: number, h: number, m: number, outer = REPORTED_ORIGINS): number {
  return Math.min(n, Math.max(minimumTrain(m), n - h * (outer + CHOOSER_ORIGINS)));
}

/**
 * The shortest training series a model is fitted on: two full seasons (the Theta method's
 * seasonality test and the decomposition need more than 2m points, seasonal naive a season
 * to repeat), and never fewer than 8 points.
 */
export function minimumTrain(m: number): number {
  return Math.max(2 * m + 1, 8);
}

/**
 * Points needed to choose a model (one backtest origin of h after `minimumTrain`) and then
 * run `origins` outer backtest origins of h each (0 for a plain forecast).
 */
export function minimumLength(m: number, h: number, origins = 0): number {
  return minimumTrain(m) + h * (origins + 1);
}

export class TooShortError extends Error {
  override readonly name = 'TooShortError';
  constructor(
    readonly points: number,
    readonly needed: number,
    why: string,
  ) {
    super(`${points} points, need ${needed} (${why})`);
  }
}

export interface AutoForecast {
  model: NamedForecaster;
  reason: string;
  /** Each candidate's backtest on the history, in the order of the models. */
  backtests: BacktestResult[];
  chosen: BacktestResult;
  /** Backtest origins used to choose (up to CHOOSER_ORIGINS, as the history allows). */
  origins: number;
  /** How the chosen model's intervals were rescaled on its backtest errors. */
  calibration: Calibration;
  forecast: Forecast;
}

/**
 * Our forecaster: backtest every model on the history (up to 5 rolling origins of h, as many
 * as fit after `minimumTrain`), keep the one with the lowest mean MASE, and forecast with it
 * from all the history, its intervals calibrated on its backtest errors (`calibrate.ts`).
 * Non-negative histories get no negative forecast or bound. `context` shares fits across
 * calls on prefixes of one series (a nested backtest); by default a new one.
 */
export function autoForecast(
  y: readonly number[],
  h: number,
  m: number,
  options: {
    models?: readonly NamedForecaster[];
    observed?: readonly boolean[];
    maxOrigins?: number;
    context?: SeriesContext;
  } = {},
): AutoForecast {
  const models = options.models ?? FORECASTERS;
  const available = Math.floor((y.length - minimumTrain(m)) / h);
  if (available < 1)
    throw new TooShortError(
      y.length,
      minimumLength(m, h),
      `two seasons of ${m} plus a backtest of ${h} to choose the model`,
    );
  const origins = Math.min(options.maxOrigins ?? CHOOSER_ORIGINS, available);
  const context = options.context ?? new SeriesContext(y, anchorLength(y.length, h, m));
  const choice = chooseModel(models, y, h, origins, m, options.observed, context);
  const calibration = calibrationFrom(choice.chosen.origins);
  const forecast = runForecaster(choice.model, y, h, m, context);
  return {
    model: choice.model,
    reason: choice.reason,
    backtests: choice.backtests,
    chosen: choice.chosen,
    origins,
    calibration,
    forecast: clampIfNonNegative(y, applyCalibration(forecast, calibration)),
  };
}

/**
 * `autoForecast` as a model, so that it can itself be backtested (nested: at each outer
 * origin the choice is made on that origin's training data only). `observed` is the whole
 * series' mask; each training prefix takes its part. `onChoice` hears the model chosen at each
 * call, in call order. `context` shares fits across the calls (they are prefixes of one
 * series); by default one is made at the first call, anchored `CHOOSER_ORIGINS` horizons
 * before it, which for a backtest (shortest training set first) is the shortest prefix any
 * call touches. A call on another series gets a context of its own.
 */
export function autoModel(
  options: {
    models?: readonly NamedForecaster[];
    observed?: readonly boolean[];
    onChoice?: (choice: AutoForecast) => void;
    context?: SeriesContext;
  } = {},
): NamedForecaster {
  let shared = options.context;
  return {
    name: 'auto',
    description: 'the model with the lowest backtest MASE on the history',
    forecast: (train, h, m) => {
      if (!shared?.accepts(train))
        shared = new SeriesContext(train, anchorLength(train.length, h, m, 0));
      const choice = autoForecast(train, h, m, {
        ...(options.models ? { models: options.models } : {}),
        ...(options.observed ? { observed: options.observed.slice(0, train.length) } : {}),
        context: shared,
      });
      options.onChoice?.(choice);
      return choice.forecast;
    },
  };
}
