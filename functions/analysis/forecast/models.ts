import type { NamedForecaster } from './forecaster.ts';
import { naiveModel, seasonalNaiveModel } from './naive.ts';
import { thetaModel } from './theta.ts';
import { etsModel } from './ets.ts';

/**
 * The models the chooser backtests, in the order that breaks ties: the simplest first, so a
 * model must beat seasonal naive to be chosen over it. Add a model (ETS, a regression) here
 * and every caller (the `forecast` command, the report) backtests it.
 */
export const FORECASTERS: readonly NamedForecaster[] = [
  seasonalNaiveModel,
  naiveModel,
  thetaModel,
  etsModel,
];
