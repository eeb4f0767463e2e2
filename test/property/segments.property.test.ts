import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nameSegments, segmentCustomers, type Behaviour } from '#analysis/customers/segments.ts';
import { chooseK } from '#analysis/segments/choose-k.ts';
import { kmeans } from '#analysis/segments/kmeans.ts';
import { countDistinctRows, matrixFromRows, type Matrix } from '#analysis/segments/matrix.ts';
import { silhouetteScore } from '#analysis/segments/silhouette.ts';
import { standardize, unstandardize } from '#analysis/segments/standardize.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { businessNumber, finiteUpTo, params, timeoutFor } from './fc-config.ts';

/**
 * Segments (functions/analysis/segments, customers/segments.ts) on degenerate data: constant
 * columns, one row, fewer distinct rows than k, tiny and huge magnitudes. Standardised values
 * are finite; k-means labels every row with one of k non-empty clusters; the silhouette lies
 * in [-1, 1]; too few distinct rows is an InputRejectedError that says so.
 */

/**
 * Values up to 1e150: k-means, the silhouette and standardize square differences, which
 * overflow beyond 1e154. The pipeline clusters log(1 + x) of behaviour (at most about 710),
 * so that limit is never near; it is left as a stated one.
 */
const value = finiteUpTo(1e150);

/**
 * Values as clustered: within a few orders of magnitude of each other. Mixing 1e150 with
 * 1e-174 makes rows distinct that the centring of k-means then rounds together (or whose
 * squared distance underflows), and k-means can return an empty cluster; the features the
 * pipeline clusters (z-scores of log(1 + x)) never come near that.
 */
const moderate = fc.oneof(
  fc.integer({ min: -100_000, max: 100_000 }).map((v) => v / 10),
  fc.double({ min: -20, max: 20, noNaN: true }).map((v) => Math.round(v * 1e6) / 1e6),
);

/** A column: arbitrary, constant, or a few repeated values. */
const column = (n: number, value: fc.Arbitrary<number>) =>
  fc.oneof(
    fc.array(value, { minLength: n, maxLength: n }),
    value.map((v) => new Array<number>(n).fill(v)),
    fc
      .tuple(
        fc.array(value, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { minLength: n, maxLength: n }),
      )
      .map(([pool, picks]) => picks.map((i) => pool[i % pool.length]!)),
  );

/** An n x d matrix (1 <= n <= maxRows, 1 <= d <= 4), built column by column. */
const matrix = (maxRows: number, values = moderate) =>
  fc
    .tuple(fc.integer({ min: 1, max: maxRows }), fc.integer({ min: 1, max: 4 }))
    .chain(([n, d]) => fc.array(column(n, values), { minLength: d, maxLength: d }))
    .map((columns) => matrixFromRows(columns[0]!.map((_, i) => columns.map((c) => c[i]!))));

const allFinite = (m: Matrix) => m.data.every(Number.isFinite);

describe('segments on degenerate matrices', () => {
  it('standardize: finite z-scores (0 in a constant column), sd >= 0, and back again', () => {
    fc.assert(
      fc.property(matrix(30, value), (x) => {
        const s = standardize(x);
        expect(allFinite(s.scaled), `${s.scaled.data}`).toBe(true);
        expect(s.means.every(Number.isFinite) && s.sds.every((v) => v >= 0 && v < Infinity)).toBe(
          true,
        );
        for (let j = 0; j < x.cols; j++) {
          if (s.constant[j]) {
            expect(s.sds[j]).toBe(0);
            for (let i = 0; i < x.rows; i++) expect(s.scaled.data[i * x.cols + j]).toBe(0);
          }
        }
        if (x.rows === 1) expect(s.constant.every(Boolean)).toBe(true);
        const back = unstandardize(s.scaled, s);
        expect(allFinite(back)).toBe(true);
      }),
      params(500),
    );
  });

  it('k-means: k non-empty clusters labelling every row, finite inertia, or refused for too few distinct rows', () => {
    fc.assert(
      fc.property(matrix(25), fc.integer({ min: 1, max: 6 }), (x, k) => {
        const z = standardize(x).scaled;
        const distinct = countDistinctRows(z);
        let r: ReturnType<typeof kmeans>;
        try {
          r = kmeans(z, k, { restarts: 2, seed: 1 });
        } catch (error) {
          if (!(error instanceof InputRejectedError)) throw error;
          expect(error.message).toMatch(/distinct row/);
          expect(distinct).toBeLessThan(k);
          return;
        }
        expect(distinct).toBeGreaterThanOrEqual(k);
        expect(r.labels).toHaveLength(x.rows);
        expect(r.labels.every((l) => l >= 0 && l < k)).toBe(true);
        expect(r.sizes.reduce((a, b) => a + b, 0)).toBe(x.rows);
        expect(
          r.sizes.every((size) => size >= 1),
          `sizes ${r.sizes}`,
        ).toBe(true);
        expect(Number.isFinite(r.inertia) && r.inertia >= 0, `inertia ${r.inertia}`).toBe(true);
        expect(allFinite(r.centers)).toBe(true);
      }),
      params(300),
    );
  });

  it('silhouette in [-1, 1] for any labels of 2 to n - 1 clusters', () => {
    fc.assert(
      fc.property(
        matrix(25),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 25, maxLength: 25 }),
        (x, labels) => {
          const used = labels.slice(0, x.rows);
          const clusters = new Set(used).size;
          try {
            const s = silhouetteScore(standardize(x).scaled, used);
            expect(s.score >= -1 && s.score <= 1, `silhouette ${s.score}`).toBe(true);
          } catch (error) {
            if (!(error instanceof InputRejectedError)) throw error;
            expect(clusters < 2 || clusters > x.rows - 1).toBe(true);
          }
        },
      ),
      params(300),
    );
  });

  it('chooseK: a k among the candidates with finite evidence, or refused saying why', () => {
    fc.assert(
      fc.property(matrix(25), (x) => {
        const z = standardize(x).scaled;
        let r: ReturnType<typeof chooseK>;
        try {
          r = chooseK(z, { restarts: 2, seed: 3, maxK: 5 });
        } catch (error) {
          if (!(error instanceof InputRejectedError)) throw error;
          expect(error.message).toMatch(/^choose k: \d+ rows, \d+ distinct/);
          expect(Math.min(countDistinctRows(z), x.rows - 1)).toBeLessThan(2);
          return;
        }
        expect(r.candidates.map((c) => c.k)).toContain(r.k);
        for (const c of r.candidates) {
          expect(c.silhouette >= -1 && c.silhouette <= 1).toBe(true);
          expect(Number.isFinite(c.inertia)).toBe(true);
        }
        expect(r.reason).not.toMatch(/NaN|Infinity|undefined/);
      }),
      params(200),
    );
  });
});

describe('customer segments from behaviour', () => {
  /** Customers in the degenerate shapes: one purchase each, all alike, same-day repeats. */
  const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
    fc.record({
      recency: fc.integer({ min: 0, max: 1000 }),
      frequency: fc.integer({ min: 1, max: 50 }),
      monetary: fc.oneof(businessNumber, fc.constant(0)),
      tenure: fc.integer({ min: 0, max: 1000 }),
    }),
    fc.constant({ recency: 0, frequency: 1, monetary: 10, tenure: 0 }),
    fc.constant({ recency: 5, frequency: 1, monetary: 0, tenure: 5 }),
  );
  const RUNS = 60;
  it(
    'segments every customer with finite, named centres, or refuses with a stated reason',
    () => {
      fc.assert(
        fc.property(fc.array(behaviour, { minLength: 1, maxLength: 60 }), (customers) => {
          let seg: ReturnType<typeof segmentCustomers>;
          try {
            seg = segmentCustomers(customers);
          } catch (error) {
            if (!(error instanceof InputRejectedError)) throw error;
            expect(error.message).toMatch(/distinct|rows/);
            return;
          }
          const { choice, labels, centres } = seg;
          expect(labels).toHaveLength(customers.length);
          expect(centres).toHaveLength(choice.k);
          expect(centres.flat().every(Number.isFinite), `${centres}`).toBe(true);
          for (const c of choice.candidates)
            expect(Number.isFinite(c.silhouette) && Number.isFinite(c.inertia)).toBe(true);
          const names = nameSegments(centres);
          expect(new Set(names).size).toBe(names.length);
        }),
        params(RUNS),
      );
    },
    timeoutFor(RUNS, 200),
  );
});
