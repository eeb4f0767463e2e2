import { runForecaster } from './backtest.ts';
import { LEVELS, type Forecast, type NamedForecaster } from './forecaster.ts';

/**
 * The equal-weight mean of several models' forecasts (the M4 competition's lesson: a plain
 * average of good methods beats most single methods), bounds averaged as the means are.
 * In a series context the members' fits are the ones the chooser already made, so the
 * combination costs nothing more to backtest.
 */
export function combinationModel(members: readonly NamedForecaster[]): NamedForecaster {
  if (members.length === 0) throw new Error('a combination needs at least one model');
  return {
    name: 'combination',
    description: `the mean of the forecasts of ${members.map((m) => m.name).join(', ')}`,
    forecast: (train, h, m, context) => {
      const forecasts = members.map((model) => runForecaster(model, train, h, m, context));
      return averageForecasts(forecasts);
    },
  };
}

export function averageForecasts(forecasts: readonly Forecast[]): Forecast {
  const avg = (pick: (f: Forecast) => number[]) =>
    pick(forecasts[0]!).map(
      (_, j) => forecasts.reduce((s, f) => s + pick(f)[j]!, 0) / forecasts.length,
    );
  const lower = {} as Forecast['lower'];
  const upper = {} as Forecast['upper'];
  for (const level of LEVELS) {
    lower[level] = avg((f) => f.lower[level]);
    upper[level] = avg((f) => f.upper[level]);
  }
  return { mean: avg((f) => f.mean), lower, upper };
}
