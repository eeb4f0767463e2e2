import { describe, expect, it } from 'vitest';
import { chooseK } from '#analysis/segments/choose-k.ts';
import { kmeans } from '#analysis/segments/kmeans.ts';
import { matrixFromRows, matrixToRows } from '#analysis/segments/matrix.ts';
import { silhouetteScore } from '#analysis/segments/silhouette.ts';
import { standardize } from '#analysis/segments/standardize.ts';
import { dataset, golden, inputOf } from './golden.ts';

const relative = (ours: number, theirs: number) => Math.abs(ours - theirs) / Math.abs(theirs);

describe('standardize against StandardScaler', () => {
  it.each(golden.datasets.map((ds) => [ds.name, ds] as const))('%s', (_, ds) => {
    const { scaled, means, sds, constant } = standardize(matrixFromRows(ds.raw));
    const ours = matrixToRows(scaled);
    const worst = Math.max(
      ...ours.flatMap((row, i) => row.map((v, j) => Math.abs(v - ds.scaled[i]![j]!))),
    );
    expect(worst).toBeLessThanOrEqual(1e-12);
    means.forEach((m, j) =>
      expect(Math.abs(m - ds.mean[j]!)).toBeLessThanOrEqual(1e-12 * Math.abs(ds.mean[j]!)),
    );
    // sqrt(var_): 0 for a constant column, where we report 0 and the flag.
    sds.forEach((sd, j) => expect(Math.abs(sd - ds.sd[j]!)).toBeLessThanOrEqual(1e-12 * ds.sd[j]!));
    expect(constant).toEqual(ds.sd.map((sd) => sd === 0));
  });
});

describe('k-means against KMeans(n_init=10, random_state=0)', () => {
  const runs = golden.datasets.flatMap((ds) => ds.kmeans.map((run) => ({ ds, run })));

  it('finds the same inertia where sklearn finds it whatever its seed', () => {
    // Where all 20 of sklearn's random states give the same inertia, the optimum is not in
    // doubt: ours, with its defaults, must be the same number, not merely close.
    const settled = runs.filter(({ run }) => relative(run.bestOf10.max, run.bestOf10.min) < 1e-9);
    expect(settled.map(({ ds, run }) => `${ds.name} k=${run.k}`)).toEqual([
      'blobs-4x3 k=2',
      'blobs-4x3 k=3',
      'blobs-4x3 k=4',
      'blobs-3x4 k=3',
      'integer-ties k=2',
    ]);
    for (const { ds, run } of settled) {
      expect(relative(kmeans(inputOf(ds), run.k).inertia, run.inertia)).toBeLessThan(1e-9);
    }
  });

  it('best inertia within 1% of sklearn for every k (the issue anchor), seeds 0, 1 and 2', () => {
    // Beyond the data's real clusters, the best of 10 starts is itself a draw: sklearn's own
    // n_init=10 answer moves with random_state (blobs-4x3 k=7 from 88.69 to 91.11, +2.7%;
    // integer-ties k=8 from 6.80 to 7.43, +9%), and so does ours with 10 restarts (the
    // single starts of both are the same distribution, next test). With 50 restarts, ours is
    // reliably at least as good as sklearn's best of 10; lower is fine (integer-ties k=7:
    // 9.19 against 10.21, a better minimum that sklearn's ten starts missed).
    for (const { ds, run } of runs) {
      const x = inputOf(ds);
      for (const seed of [0, 1, 2]) {
        const ours = kmeans(x, run.k, { seed, restarts: 50 }).inertia;
        expect(ours, `${ds.name} k=${run.k} seed ${seed}`).toBeLessThanOrEqual(run.inertia * 1.01);
      }
    }
  });

  it('single starts: the same distribution of inertia as sklearn (mean within 4 standard errors)', () => {
    // k-means++ and Lloyd are a random procedure: compare the procedures, not one draw. With
    // plain k-means++ (one candidate per center instead of 2 + ln k) the means would be 2%
    // and 7% worse on blobs-3x4 and integer-ties at k = 8 (sklearn's kmeans_plusplus with
    // n_local_trials=1, 500 starts), 6 to 7 standard errors here.
    for (const { ds, run } of runs) {
      const { starts, mean, sd } = run.singleStart;
      const ours = kmeans(inputOf(ds), run.k, { restarts: starts, seed: 0 }).restartInertias;
      const ourMean = ours.reduce((a, b) => a + b, 0) / starts;
      const ourSd = Math.sqrt(ours.reduce((a, b) => a + (b - ourMean) ** 2, 0) / starts);
      const standardError = Math.sqrt((sd * sd + ourSd * ourSd) / starts);
      expect(Math.abs(ourMean - mean), `${ds.name} k=${run.k}`).toBeLessThanOrEqual(
        4 * standardError + 1e-12 * mean,
      );
    }
  });
});

describe('silhouette against silhouette_score', () => {
  it('on the labels sklearn found, for every k, and on the fixed labelling', () => {
    for (const ds of golden.datasets) {
      const x = inputOf(ds);
      for (const run of ds.kmeans) {
        const ours = silhouetteScore(x, run.labels).score;
        expect(relative(ours, run.silhouette), `${ds.name} k=${run.k}`).toBeLessThan(1e-9);
      }
      const fixed = silhouetteScore(x, ds.fixedLabels);
      expect(fixed.sampled).toBe(false);
      expect(relative(fixed.score, ds.fixedSilhouette), ds.name).toBeLessThan(1e-9);
    }
  });
});

describe('chooseK against the k of sklearn’s highest silhouette', () => {
  it.each([
    ['blobs-4x3', 4],
    ['blobs-3x4', 3],
  ] as const)('%s: k = %i', (name, k) => {
    const ds = dataset(name);
    expect(ds.silhouetteBestK).toBe(k);
    const choice = chooseK(inputOf(ds));
    expect(choice.k).toBe(k);
    expect(choice.candidates.map((c) => c.k)).toEqual(ds.kmeans.map((r) => r.k));
    // At that k both found the same partition: the same inertia and silhouette.
    const ours = choice.candidates.find((c) => c.k === k)!;
    const theirs = ds.kmeans.find((r) => r.k === k)!;
    expect(relative(ours.inertia, theirs.inertia)).toBeLessThan(1e-9);
    expect(relative(ours.silhouette, theirs.silhouette)).toBeLessThan(1e-9);
  });
});
