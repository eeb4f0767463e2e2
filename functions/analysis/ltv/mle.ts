/**
 * Maximum likelihood over positive parameters, shared by the BG/NBD and Gamma-Gamma fits:
 * Nelder-Mead (forecast/optim-nelder-mead.ts, R's algorithm) on the logarithms of the
 * parameters, from several starts, then restarted from the best point until a restart no
 * longer improves it. Restarts matter: these likelihoods are flat along ridges (in the
 * BG/NBD, a and b move together), where a simplex shrinks before it arrives; a fresh simplex
 * moves on. The relative tolerance is 1e-12 rather than R's 1.5e-8, which on CDNOW's
 * -9,582 stops the BG/NBD fit with a and b still 0.1 to 0.2% off the optimum.
 */

import { nelderMead } from '#analysis/forecast/optim-nelder-mead.ts';

export interface MleOptions {
  /** Objective evaluations per Nelder-Mead run (default 2000). */
  maxit?: number;
  /** Restarts from the best point while they improve the log-likelihood (default 10). */
  maxRestarts?: number;
}

export interface MleResult {
  /** The estimate, on the parameters' own scale. */
  params: number[];
  logLikelihood: number;
  /** Objective evaluations, screening ones included. */
  evaluations: number;
  /** The last run converged and no parameter ran off towards 0 or infinity. */
  converged: boolean;
  /** Indices of parameters whose logarithm passed +-20 (the search box is +-30). */
  atBoundary: number[];
}

const LOG_BOX = 30;
const LOG_BOUNDARY = 20;
const RELTOL = 1e-12;
/** The starts only have to find the basin: R's default tolerance, the restarts do the rest. */
const START_RELTOL = Math.sqrt(Number.EPSILON);

/**
 * Maximise `logLikelihood(params)` over params > 0, from each of `starts` (on the
 * parameters' own scale).
 *
 * `screen`, when given, is a cheaper stand-in for the log-likelihood (the same model on a
 * sample of the customers) on which the starts are run; only the best start's end point is
 * then polished on the full log-likelihood. The starts only choose the basin, and on
 * 100,000 customers they were three quarters of the work.
 */
export function maximiseLogLikelihood(
  logLikelihood: (params: number[]) => number,
  starts: readonly (readonly number[])[],
  options: MleOptions = {},
  screen?: (params: number[]) => number,
): MleResult {
  const maxit = options.maxit ?? 2000;
  const maxRestarts = options.maxRestarts ?? 10;
  const negated =
    (f: (params: number[]) => number) =>
    (theta: number[]): number =>
      theta.some((t) => Math.abs(t) > LOG_BOX) ? Infinity : -f(theta.map(Math.exp));
  const objective = negated(logLikelihood);
  const screening = screen ? negated(screen) : objective;
  let evaluations = 0;
  let best: { x: number[]; value: number; convergence: number } | undefined;
  for (const start of starts) {
    const result = nelderMead(screening, start.map(Math.log), { maxit, reltol: START_RELTOL });
    evaluations += result.evaluations;
    if (!best || result.value < best.value) best = result;
  }
  if (!best) throw new RangeError('maximiseLogLikelihood: no starting point');
  if (screen) {
    best = { x: best.x, value: objective(best.x), convergence: 1 };
    evaluations++;
  }
  for (let i = 0; i < maxRestarts; i++) {
    const result = nelderMead(objective, best.x, { maxit, reltol: RELTOL });
    evaluations += result.evaluations;
    const gain = best.value - result.value;
    if (result.value <= best.value) best = result;
    if (gain <= 1e-10 * Math.abs(best.value) && result.convergence === 0) break;
  }
  const atBoundary = best.x.flatMap((t, i) => (Math.abs(t) > LOG_BOUNDARY ? [i] : []));
  return {
    params: best.x.map(Math.exp),
    logLikelihood: -best.value,
    evaluations,
    converged: best.convergence === 0 && atBoundary.length === 0,
    atBoundary,
  };
}
