import { describe, expect, it } from 'vitest';
import { matrixFromRows, matrixToRows } from '#analysis/segments/matrix.ts';
import { standardize, unstandardize } from '#analysis/segments/standardize.ts';
import { InputRejectedError } from '#platform/errors.ts';

const column = (values: number[]) => matrixFromRows(values.map((v) => [v]));

describe('standardize', () => {
  it('z-scores with the population standard deviation (ddof 0)', () => {
    const { scaled, means, sds, constant } = standardize(
      matrixFromRows([
        [1, 5],
        [3, 5],
      ]),
    );
    expect(Array.from(scaled.data)).toEqual([-1, 0, 1, 0]);
    expect(means).toEqual([2, 5]);
    expect(sds).toEqual([1, 0]);
    expect(constant).toEqual([false, true]);
    // numpy 1.24: numpy.std(numpy.arange(1, 11)) = 2.8722813232690143 (ddof 0).
    expect(standardize(column([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).sds[0]).toBeCloseTo(
      2.8722813232690143,
      15,
    );
  });

  it('keeps its digits when the mean is large against the spread', () => {
    // StandardScaler (sklearn 1.2.1) gives [-1.224744871391589, 0, 1.224744871391589].
    const { scaled } = standardize(column([1e9 + 1, 1e9 + 2, 1e9 + 3]));
    expect(Array.from(scaled.data)).toEqual([-1.224744871391589, 0, 1.224744871391589]);
  });

  it('a column constant up to rounding is scaled to 0 and flagged, never NaN', () => {
    // 0.1 is not representable: the mean of 48 copies is 0.09999999999999999 and the
    // variance 1.9e-34 (numpy), which is rounding, not spread.
    const { scaled, sds, constant } = standardize(column(Array.from({ length: 48 }, () => 0.1)));
    expect(constant).toEqual([true]);
    expect(sds).toEqual([0]);
    expect(Array.from(scaled.data).every((v) => v === 0)).toBe(true);
  });

  it('unstandardize returns to the original units', () => {
    const x = matrixFromRows([
      [10, 200, 7],
      [12, 180, 7],
      [17, 260, 7],
    ]);
    const s = standardize(x);
    const back = matrixToRows(unstandardize(s.scaled, s));
    matrixToRows(x).forEach((row, i) =>
      row.forEach((v, j) => expect(back[i]![j]).toBeCloseTo(v, 10)),
    );
  });

  it('rejects an empty matrix, ragged rows and values that are not finite', () => {
    expect(() => matrixFromRows([])).toThrow(InputRejectedError);
    expect(() => matrixFromRows([[1, 2], [3]])).toThrow(/row 1 has 1 values, expected 2/);
    expect(() => matrixFromRows([[1], [NaN]])).toThrow(/row 1, column 0 is not a finite/);
    expect(() => standardize({ rows: 2, cols: 1, data: new Float64Array([1, Infinity]) })).toThrow(
      InputRejectedError,
    );
  });
});
