import { describe, expect, it } from 'vitest';
import { matrixFromRows } from '#analysis/segments/matrix.ts';
import { sampleRows, silhouetteScore } from '#analysis/segments/silhouette.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { dataset, inputOf } from './golden.ts';

const column = (values: number[]) => matrixFromRows(values.map((v) => [v]));

describe('silhouetteScore', () => {
  it('the mean of (b - a) / max(a, b)', () => {
    // (9.5 / 10.5 + 8.5 / 9.5) / 2; sklearn 1.2.1 silhouette_score: 0.899749373433584.
    const s = silhouetteScore(column([0, 1, 10, 11]), [0, 0, 1, 1]);
    expect(s.score).toBeCloseTo(0.899749373433584, 15);
    expect(s).toMatchObject({ rowsUsed: 4, sampled: false });
    // Labels are any integers: only the grouping matters.
    expect(silhouetteScore(column([0, 1, 10, 11]), [7, 7, -3, -3]).score).toBe(s.score);
  });

  it('a row alone in its cluster scores 0, and so does a = b = 0', () => {
    // (0.8 + 0.75 + 0) / 3; sklearn 1.2.1: 0.5166666666666667.
    expect(silhouetteScore(column([0, 1, 5]), [0, 0, 1]).score).toBeCloseTo(0.5166666666666667, 15);
    // Copies of one point split in two clusters: 0/0 for every row; sklearn 1.2.1: 0.
    expect(silhouetteScore(column([0, 0, 0, 0]), [0, 0, 1, 1]).score).toBe(0);
  });

  it('needs between 2 and n - 1 clusters', () => {
    expect(() => silhouetteScore(column([0, 1, 2]), [0, 0, 0])).toThrow(InputRejectedError);
    expect(() => silhouetteScore(column([0, 1, 2]), [0, 1, 2])).toThrow(/3 clusters among 3 rows/);
    expect(() => silhouetteScore(column([0, 1, 2]), [0, 1])).toThrow(RangeError);
  });

  it('above sampleSize rows, the exact score of a seeded sample: close, and repeatable', () => {
    const ds = dataset('skewed-customers'); // 800 rows, silhouette 0.0722 on its fixed labels
    const x = inputOf(ds);
    const exact = silhouetteScore(x, ds.fixedLabels).score;
    const sampled = silhouetteScore(x, ds.fixedLabels, { sampleSize: 400, seed: 3 });
    expect(sampled).toMatchObject({ rowsUsed: 400, sampled: true });
    expect(silhouetteScore(x, ds.fixedLabels, { sampleSize: 400, seed: 3 })).toEqual(sampled);
    // Over sample seeds 0..49 the sampled score missed the exact one (0.0722) by 0.005
    // root mean square, 0.013 at most: 0.03 is 6 times the typical miss.
    expect(Math.abs(sampled.score - exact)).toBeLessThan(0.03);
  });

  it('sampleRows: distinct rows in increasing order, the same for the same seed', () => {
    const rows = Array.from(sampleRows(1000, 100, 9));
    expect(rows).toHaveLength(100);
    expect(new Set(rows).size).toBe(100);
    expect(rows).toEqual([...rows].sort((a, b) => a - b));
    expect(rows.every((r) => r >= 0 && r < 1000)).toBe(true);
    expect(Array.from(sampleRows(1000, 100, 9))).toEqual(rows);
    expect(Array.from(sampleRows(1000, 100, 10))).not.toEqual(rows);
  });
});
