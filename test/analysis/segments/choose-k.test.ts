import { describe, expect, it } from 'vitest';
import { chooseK } from '#analysis/segments/choose-k.ts';
import { kmeans } from '#analysis/segments/kmeans.ts';
import { matrixFromRows } from '#analysis/segments/matrix.ts';
import { silhouetteScore } from '#analysis/segments/silhouette.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { dataset, inputOf } from './golden.ts';

describe('chooseK', () => {
  it('returns every k’s inertia and silhouette, and the k of the highest silhouette', () => {
    const x = inputOf(dataset('blobs-4x3'));
    const choice = chooseK(x, { seed: 4 });
    expect(choice.candidates.map((c) => c.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const best = Math.max(...choice.candidates.map((c) => c.silhouette));
    expect(choice.k).toBe(choice.candidates.find((c) => c.silhouette === best)!.k);
    expect(choice.k).toBe(4);
    // The evidence is that of kmeans and silhouetteScore with the same options.
    const four = choice.candidates[2]!;
    const direct = kmeans(x, 4, { seed: 4 });
    expect(four.inertia).toBe(direct.inertia);
    expect(four.sizes).toEqual(direct.sizes);
    expect(choice.clustering.inertia).toBe(direct.inertia);
    expect(four.silhouette).toBe(silhouetteScore(x, direct.labels).score);
    expect(choice).toMatchObject({ silhouetteRows: 600, silhouetteSampled: false });
    expect(choice.reason).toBe('k = 4: the highest mean silhouette, 0.735 (k = 2..8)');
  });

  it('never tries more clusters than distinct rows', () => {
    // Three points, ten copies each: k = 2 and 3 only, and 3 separates them perfectly.
    const rows = [0, 5, 20].flatMap((v) => Array.from({ length: 10 }, () => [v, v / 2]));
    const choice = chooseK(matrixFromRows(rows));
    expect(choice.candidates.map((c) => c.k)).toEqual([2, 3]);
    expect(choice.k).toBe(3);
    expect(choice.candidates[1]!.silhouette).toBe(1);
    expect(choice.reason).toBe('k = 3: the highest mean silhouette, 1.000 (k = 2..3)');
  });

  it('above silhouetteSampleSize rows, one seeded sample for every k', () => {
    const x = inputOf(dataset('blobs-3x4')); // 510 rows
    const choice = chooseK(x, { silhouetteSampleSize: 200 });
    expect(choice).toMatchObject({ k: 3, silhouetteRows: 200, silhouetteSampled: true });
    expect(choice.reason).toMatch(/, on a sample of 200 of 510 rows\)$/);
    expect(chooseK(x, { silhouetteSampleSize: 200 }).candidates).toEqual(choice.candidates);
  });

  it('rejects data with nothing to choose, and a bad range', () => {
    const same = matrixFromRows([
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
    expect(() => chooseK(same)).toThrow(InputRejectedError);
    expect(() => chooseK(matrixFromRows([[1], [2]]))).toThrow(/2 rows, 2 distinct/);
    const x = matrixFromRows([[1], [2], [3], [4]]);
    expect(() => chooseK(x, { minK: 1 })).toThrow(RangeError);
    expect(() => chooseK(x, { minK: 4, maxK: 3 })).toThrow(RangeError);
    expect(chooseK(x, { maxK: 3 }).candidates.map((c) => c.k)).toEqual([2, 3]);
  });
});
