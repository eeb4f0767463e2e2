import { readFileSync } from 'node:fs';
import { matrixFromRows, type Matrix } from '#analysis/segments/matrix.ts';
import { standardize } from '#analysis/segments/standardize.ts';

/** One k of a golden dataset: scikit-learn's KMeans(n_clusters=k, n_init=10, random_state=0). */
export interface GoldenRun {
  k: number;
  inertia: number;
  iterations: number;
  /** silhouette_score of `labels`. */
  silhouette: number;
  labels: number[];
  /** inertia_ of 200 single starts (n_init=1, random_state 0..199). */
  singleStart: { starts: number; mean: number; sd: number };
  /** Lowest and highest inertia_ of n_init=10 over random_state 0..19. */
  bestOf10: { randomStates: number; min: number; max: number };
}

export interface GoldenDataset {
  name: string;
  /** Which matrix k-means and the silhouette ran on. */
  input: 'scaled' | 'raw';
  raw: number[][];
  /** StandardScaler().fit_transform(raw), its mean_ and sqrt(var_). */
  scaled: number[][];
  mean: number[];
  sd: number[];
  kmeans: GoldenRun[];
  fixedLabels: number[];
  fixedSilhouette: number;
  silhouetteBestK: number;
}

/** scikit-learn 1.2.1 (numpy 1.24.2): test/fixtures/golden/segments/make_kmeans.py. */
export const golden: { versions: Record<string, string>; datasets: GoldenDataset[] } = JSON.parse(
  readFileSync(
    new URL('../../fixtures/golden/segments/kmeans-golden.json', import.meta.url),
    'utf8',
  ),
);

/** The matrix sklearn's k-means ran on, built by our standardize where it was scaled. */
export function inputOf(ds: GoldenDataset): Matrix {
  const raw = matrixFromRows(ds.raw);
  return ds.input === 'scaled' ? standardize(raw).scaled : raw;
}

export const dataset = (name: string): GoldenDataset => {
  const ds = golden.datasets.find((d) => d.name === name);
  if (ds === undefined) throw new Error(`no golden dataset ${name}`);
  return ds;
};
