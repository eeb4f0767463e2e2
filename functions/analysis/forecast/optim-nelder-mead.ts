/**
 * Nelder-Mead simplex minimiser: a line-by-line port of R's `optim(method = "Nelder-Mead")`
 * (`nmmin` in R's src/appl/optim.c), which `forecast::ets` calls with reltol = sqrt(eps),
 * abstol = -Inf, reflection 1, contraction 0.5, expansion 2 and maxit = 2000. Following it
 * step by step (the same first simplex, the same tie-breaking) is what lets our ETS fits land
 * where R's do: the likelihood surfaces are flat and the optimum found depends on the path.
 *
 * A non-finite objective value counts as 1e35, so a function that returns Infinity outside
 * its bounds turns the minimiser into a bounded one, as in R.
 */
export interface NelderMeadOptions {
  /** Stop when the best value is at or below this (R: abstol, default -Infinity). */
  abstol?: number;
  /** Stop when the spread of the simplex values is below reltol * (|f| + reltol). */
  reltol?: number;
  /** Reflection, contraction and expansion coefficients (R: alpha, beta, gamma). */
  reflection?: number;
  contraction?: number;
  expansion?: number;
  /** Maximum number of function evaluations (R's maxit counts evaluations). */
  maxit?: number;
}

export interface NelderMeadResult {
  x: number[];
  value: number;
  evaluations: number;
  /** 0 converged, 1 maxit reached, 10 the simplex stopped shrinking (as R's convergence). */
  convergence: 0 | 1 | 10;
}

const BIG = 1.0e35;

export function nelderMead(
  fn: (x: number[]) => number,
  start: readonly number[],
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const abstol = options.abstol ?? -Infinity;
  const reltol = options.reltol ?? Math.sqrt(Number.EPSILON);
  const alpha = options.reflection ?? 1;
  const bet = options.contraction ?? 0.5;
  const gamm = options.expansion ?? 2;
  const maxit = options.maxit ?? 500;
  const n = start.length;
  const evaluate = (x: number[]): number => {
    const f = fn(x);
    return Number.isFinite(f) ? f : BIG;
  };
  const f0 = fn([...start]);
  if (!Number.isFinite(f0)) {
    throw new Error('nelderMead: function cannot be evaluated at initial parameters');
  }
  if (n === 0) return { x: [], value: f0, evaluations: 1, convergence: 0 };

  // Simplex: n + 1 vertices, each with its function value; plus a centroid slot.
  const vertices: number[][] = [];
  const values: number[] = [];
  let funcount = 1;
  const convtol = reltol * (Math.abs(f0) + reltol);
  vertices.push([...start]);
  values.push(f0);
  let step = 0;
  for (const v of start) step = Math.max(step, 0.1 * Math.abs(v));
  if (step === 0) step = 0.1;
  let size = 0;
  for (let j = 1; j <= n; j++) {
    const vertex = [...start];
    let trystep = step;
    while (vertex[j - 1] === start[j - 1]) {
      vertex[j - 1] = start[j - 1]! + trystep;
      trystep *= 10;
    }
    size += trystep;
    vertices.push(vertex);
    values.push(NaN);
  }
  let oldsize = size;
  let calcvert = true;
  let L = 0; // index of the best vertex
  let convergence: 0 | 1 | 10 = 0;
  const centroid = new Array<number>(n).fill(0);
  let trial = new Array<number>(n).fill(0);

  for (;;) {
    if (calcvert) {
      for (let j = 0; j <= n; j++) {
        if (j !== L) {
          values[j] = evaluate([...vertices[j]!]);
          funcount++;
        }
      }
      calcvert = false;
    }
    let VL = values[L]!;
    let VH = VL;
    let H = L;
    for (let j = 0; j <= n; j++) {
      if (j !== L) {
        const f = values[j]!;
        if (f < VL) {
          L = j;
          VL = f;
        }
        if (f > VH) {
          H = j;
          VH = f;
        }
      }
    }
    if (VH <= VL + convtol || VL <= abstol) break;

    for (let i = 0; i < n; i++) {
      let temp = -vertices[H]![i]!;
      for (let j = 0; j <= n; j++) temp += vertices[j]![i]!;
      centroid[i] = temp / n;
    }
    for (let i = 0; i < n; i++) trial[i] = (1 + alpha) * centroid[i]! - alpha * vertices[H]![i]!;
    let f = evaluate([...trial]);
    funcount++;
    const VR = f;
    if (VR < VL) {
      // Try an expansion; the centroid slot keeps the reflected point.
      const reflected = [...trial];
      const expanded = reflected.map((b, i) => gamm * b + (1 - gamm) * centroid[i]!);
      f = evaluate([...expanded]);
      funcount++;
      if (f < VR) {
        vertices[H] = expanded;
        values[H] = f;
      } else {
        vertices[H] = reflected;
        values[H] = VR;
      }
    } else {
      if (VR < VH) {
        vertices[H] = [...trial];
        values[H] = VR;
      }
      trial = vertices[H]!.map((p, i) => (1 - bet) * p + bet * centroid[i]!);
      f = evaluate([...trial]);
      funcount++;
      if (f < values[H]!) {
        vertices[H] = [...trial];
        values[H] = f;
      } else if (VR >= VH) {
        // Shrink towards the best vertex.
        calcvert = true;
        size = 0;
        const best = vertices[L]!;
        for (let j = 0; j <= n; j++) {
          if (j !== L) {
            const v = vertices[j]!;
            for (let i = 0; i < n; i++) {
              v[i] = bet * (v[i]! - best[i]!) + best[i]!;
              size += Math.abs(v[i]! - best[i]!);
            }
          }
        }
        if (size < oldsize) {
          oldsize = size;
        } else {
          convergence = 10;
          break;
        }
      }
    }
    if (funcount > maxit) break;
  }
  if (funcount > maxit) convergence = 1;
  return { x: [...vertices[L]!], value: values[L]!, evaluations: funcount, convergence };
}
