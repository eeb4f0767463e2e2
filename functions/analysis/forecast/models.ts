import { combinationModel } from './combination.ts';
import type { NamedForecaster } from './forecaster.ts';
import { naiveModel, seasonalNaiveModel } from './naive.ts';
import { etsModel } from './ets.ts';
import { regressionModel } from './regression.ts';
import { thetaModel } from './theta.ts';

/** Every model we have, by name: the chooser's candidates and the ones that did not pay. */
export const MODELS: Readonly<Record<string, NamedForecaster>> = Object.fromEntries(
  [
    seasonalNaiveModel,
    naiveModel,
    thetaModel,
    etsModel,
    regressionModel,
    combinationModel([thetaModel, etsModel, regressionModel]),
  ].map((model) => [model.name, model]),
);

/**
 * The models the chooser backtests, in the order that breaks ties: the simplest first, so a
 * model must beat seasonal naive to be chosen over it. Every caller (the `forecast` command,
 * the report) backtests these.
 *
 * The regression and the combination are measured by `npm run bench:forecast` but are not
 * candidates: with them the chooser's mean MASE over the benchmark's series got worse (more
 * candidates, more chances that one wins 5 short backtest windows by luck), and a candidate
 * stays out until it pays. Add a model here and the benchmark says whether it does.
 */
export const FORECASTERS: readonly NamedForecaster[] = [
  seasonalNaiveModel,
  naiveModel,
  thetaModel,
  etsModel,
];
