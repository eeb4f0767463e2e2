import { describe, expect, it } from 'vitest';
import { mulberry32, SeededRandom } from '#demo/seeded-random.ts';
import { kmeans, kmeansPlusPlus, lloyd } from '#analysis/segments/kmeans.ts';
import { matrixFromRows, matrixToRows, type Matrix } from '#analysis/segments/matrix.ts';
import { standardize } from '#analysis/segments/standardize.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { golden, inputOf } from './golden.ts';

const column = (values: number[]) => matrixFromRows(values.map((v) => [v]));

/**
 * Lloyd as in the textbook, written for clarity, not speed: every distance computed, the
 * means recomputed from scratch, scikit-learn's stopping rule and empty-cluster rule. The
 * bounded `lloyd` must give the same labels and iterations.
 */
function plainLloyd(x: Matrix, initial: Float64Array, maxIterations: number, tolerance: number) {
  const rows = matrixToRows(x);
  const d = x.cols;
  const k = initial.length / d;
  let centers = Array.from({ length: k }, (_, c) => Array.from(initial.slice(c * d, c * d + d)));
  const sq = (a: number[], b: number[]) => a.reduce((s, v, j) => s + (v - b[j]!) ** 2, 0);
  const nearest = (row: number[]) => {
    let best = 0;
    centers.forEach((c, i) => {
      if (sq(row, c) < sq(row, centers[best]!)) best = i;
    });
    return best;
  };
  let labels = rows.map(() => -1);
  let iterations = 0;
  let changed = true;
  while (iterations < maxIterations) {
    iterations += 1;
    const next = rows.map(nearest);
    changed = next.some((l, i) => l !== labels[i]);
    labels = next;
    const members = centers.map((_, c) => rows.filter((_, i) => labels[i] === c));
    for (const m of members) {
      if (m.length > 0) continue;
      const far = rows
        .map((row, i) => ({ i, dist: sq(row, centers[labels[i]!]!) }))
        .filter(({ i, dist }) => dist > 0 && members[labels[i]!]!.length > 1)
        .sort((a, b) => b.dist - a.dist || a.i - b.i)[0];
      if (far === undefined) continue;
      const from = members[labels[far.i]!]!;
      from.splice(from.indexOf(rows[far.i]!), 1);
      m.push(rows[far.i]!);
      changed = true;
    }
    const updated = members.map((m, c) =>
      m.length === 0
        ? centers[c]!
        : centers[c]!.map((_, j) => m.reduce((s, r) => s + r[j]!, 0) / m.length),
    );
    const shift = updated.reduce((s, c, i) => s + sq(c, centers[i]!), 0);
    centers = updated;
    if (!changed || shift <= tolerance) break;
  }
  if (changed) labels = rows.map(nearest);
  const inertia = rows.reduce((s, row, i) => s + sq(row, centers[labels[i]!]!), 0);
  return { labels, iterations, inertia };
}

/** 3,000 customer-like rows without clear clusters (log spend, log orders, recency, tenure). */
function awkward(): Matrix {
  const r = new SeededRandom(5);
  const rows = Array.from({ length: 3000 }, () => [
    Math.log1p(r.logNormal(4, 1.2)),
    Math.log1p(r.poisson(3)),
    -60 * Math.log(1 - r.next()),
    r.uniform(30, 1500),
  ]);
  return standardize(matrixFromRows(rows)).scaled;
}

describe('lloyd', () => {
  it('gives plain Lloyd’s labels and iterations: the bounds skip only what cannot change', () => {
    const inputs = [...golden.datasets.map((ds) => [ds.name, inputOf(ds)] as const)];
    inputs.push(['awkward', awkward()]);
    for (const [name, x] of inputs) {
      for (const k of [2, 5, 8]) {
        for (const seed of [1, 2]) {
          const init = kmeansPlusPlus(x, k, mulberry32(seed));
          const ours = lloyd(x, init, 300, 1e-4);
          const plain = plainLloyd(x, init, 300, 1e-4);
          const what = `${name} k=${k} seed ${seed}`;
          expect(Array.from(ours.labels), what).toEqual(plain.labels);
          expect(ours.iterations, what).toBe(plain.iterations);
          expect(Math.abs(ours.inertia - plain.inertia), what).toBeLessThan(1e-9 * plain.inertia);
        }
      }
    }
  });

  it('a row equally near two centers joins the lower-numbered one', () => {
    // sklearn 1.2.1, KMeans(2, init=[[-1], [1]], n_init=1): labels [0 1 0 0],
    // inertia 0.6666666666666667, centers [-1/3, 1], n_iter_ 2.
    const run = lloyd(column([-1, 1, 0, 0]), new Float64Array([-1, 1]), 300, 0);
    expect(Array.from(run.labels)).toEqual([0, 1, 0, 0]);
    expect(run.inertia).toBeCloseTo(2 / 3, 15);
    expect(run.iterations).toBe(2);
  });

  it('refills an empty cluster with the row farthest from its center', () => {
    // The center at 100 wins no row; row 10 (81 from its center 1) is taken for it.
    // sklearn 1.2.1, KMeans(3, init=[[0], [100], [1]], n_init=1): labels [0 2 2 1],
    // inertia 0.5, centers [0, 10, 1.5], n_iter_ 2.
    const run = lloyd(column([0, 1, 2, 10]), new Float64Array([0, 100, 1]), 300, 0);
    expect(Array.from(run.labels)).toEqual([0, 2, 2, 1]);
    expect(Array.from(run.centers)).toEqual([0, 10, 1.5]);
    expect(run.inertia).toBe(0.5);
    expect(run.iterations).toBe(2);
  });
});

describe('kmeansPlusPlus', () => {
  it('picks k distinct rows of the data, even among many copies', () => {
    const x = inputOf(golden.datasets.find((ds) => ds.name === 'integer-ties')!); // 12 distinct of 48
    for (let seed = 0; seed < 20; seed += 1) {
      const centers = matrixToRows({
        rows: 12,
        cols: 3,
        data: kmeansPlusPlus(x, 12, mulberry32(seed)),
      });
      const rows = new Set(matrixToRows(x).map((r) => r.join()));
      expect(centers.every((c) => rows.has(c.join()))).toBe(true);
      expect(new Set(centers.map((c) => c.join())).size).toBe(12);
    }
  });
});

describe('kmeans', () => {
  it('two obvious clusters', () => {
    const x = matrixFromRows([
      [0, 0],
      [0, 1],
      [10, 10],
      [10, 11],
    ]);
    const run = kmeans(x, 2, { seed: 1 });
    expect(run.inertia).toBe(1);
    expect(run.labels[0]).toBe(run.labels[1]);
    expect(run.labels[2]).toBe(run.labels[3]);
    expect(run.labels[0]).not.toBe(run.labels[2]);
    expect(run.sizes).toEqual([2, 2]);
    expect(run.converged).toBe(true);
    // Centers in the units of the input (the centering inside is undone).
    expect(matrixToRows(run.centers).sort((a, b) => a[0]! - b[0]!)).toEqual([
      [0, 0.5],
      [10, 10.5],
    ]);
  });

  it('k = 1: the center is the mean and the inertia n times the total variance', () => {
    const run = kmeans(column([1, 2, 3, 4, 10]), 1);
    expect(run.centers.data[0]).toBeCloseTo(4, 14);
    expect(run.inertia).toBeCloseTo(50, 12); // 9 + 4 + 1 + 0 + 36
    expect(Array.from(run.labels)).toEqual([0, 0, 0, 0, 0]);
  });

  it('the same seed gives the same result; the kept restart has the lowest inertia', () => {
    const x = awkward();
    const a = kmeans(x, 5, { seed: 11 });
    const b = kmeans(x, 5, { seed: 11 });
    expect(Array.from(b.labels)).toEqual(Array.from(a.labels));
    expect(Array.from(b.centers.data)).toEqual(Array.from(a.centers.data));
    expect(b.restartInertias).toEqual(a.restartInertias);
    expect(a.restartInertias).toHaveLength(10);
    expect(a.inertia).toBe(a.restartInertias[a.restart]);
    expect(a.inertia).toBe(Math.min(...a.restartInertias));
    // Another seed starts elsewhere: its restarts differ, its best is about as good.
    const c = kmeans(x, 5, { seed: 12 });
    expect(c.restartInertias).not.toEqual(a.restartInertias);
    expect(Math.abs(c.inertia - a.inertia) / a.inertia).toBeLessThan(0.01);
  });

  it('rejects k above the number of distinct rows, and bad options', () => {
    const x = column([1, 1, 2, 2, 3]);
    expect(() => kmeans(x, 4)).toThrow(InputRejectedError);
    expect(() => kmeans(x, 4)).toThrow(/3 distinct rows, fewer than k = 4/);
    expect(kmeans(x, 3).inertia).toBe(0);
    expect(() => kmeans(x, 0)).toThrow(RangeError);
    expect(() => kmeans(x, 2.5)).toThrow(RangeError);
    expect(() => kmeans(x, 2, { restarts: 0 })).toThrow(RangeError);
    expect(() => kmeans(x, 2, { tolerance: -1 })).toThrow(RangeError);
    expect(() => kmeans(x, 2, { seed: 0.5 })).toThrow(RangeError);
  });
});
