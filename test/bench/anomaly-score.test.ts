import { describe, expect, it } from 'vitest';
import {
  iqrPointFlags,
  poolScores,
  scorePoints,
  type PointFlag,
} from '../../bench/anomaly-score.ts';

const flag = (date: string, method = 'seasonal-mad'): PointFlag => ({
  date,
  method,
  value: 1,
  expected: 0,
});

describe('scorePoints', () => {
  it('counts each planted date once and each flagged date once', () => {
    // Hand count: planted 01-05, 01-09, 01-20; flagged 01-05 (twice, two methods), 01-09,
    // 02-01: 3 distinct flagged dates, 2 of them planted; 01-20 missed.
    const s = scorePoints(
      ['2024-01-05', '2024-01-09', '2024-01-20'],
      [
        flag('2024-01-05'),
        flag('2024-01-05', 'level-shift'),
        flag('2024-01-09'),
        flag('2024-02-01'),
      ],
    );
    expect(s).toMatchObject({
      planted: 3,
      flagged: 3,
      truePositives: 2,
      falsePositives: 1,
      falseNegatives: 1,
      precision: 2 / 3,
      recall: 2 / 3,
      missed: ['2024-01-20'],
    });
    expect(s.hits.map((h) => [h.date, h.methods])).toEqual([
      ['2024-01-05', ['seasonal-mad', 'level-shift']],
      ['2024-01-09', ['seasonal-mad']],
    ]);
    expect(s.unplanted.map((u) => u.date)).toEqual(['2024-02-01']);
  });

  it('says precision is not computable without flags, recall without planted points', () => {
    expect(scorePoints(['2024-01-05'], [])).toMatchObject({ precision: null, recall: 0 });
    expect(scorePoints([], [flag('2024-01-05')])).toMatchObject({ precision: 0, recall: null });
  });
});

describe('poolScores', () => {
  it('sums counts (micro averages), not ratios', () => {
    // 1 of 1 flags right, and 1 of 3: pooled 2 / 4 = 0.5, where the mean of ratios is 2/3.
    const a = scorePoints(['d1'], [flag('d1')]);
    const b = scorePoints(['d1', 'd2'], [flag('d1'), flag('d3'), flag('d4')]);
    expect(poolScores([a, b])).toEqual({
      planted: 3,
      flagged: 4,
      truePositives: 2,
      falsePositives: 2,
      falseNegatives: 1,
      precision: 0.5,
      recall: 2 / 3,
    });
  });
});

describe('iqrPointFlags', () => {
  it('flags values strictly beyond Tukey fences of type-7 quartiles', () => {
    // R 4: quantile(c(1:8, 100), c(.25, .75)) = 3, 7; IQR 4, fences -3 and 13: only 100.
    const dates = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8', 'd9'];
    const r = iqrPointFlags(dates, [1, 2, 3, 4, 5, 6, 7, 8, 100]);
    expect(r.tests).toBe(9);
    expect(r.flags).toEqual([{ date: 'd9', method: 'iqr', value: 100, expected: 5 }]);
  });

  it('leaves out points that were not observed, and flags nothing when the IQR is 0', () => {
    const r = iqrPointFlags(
      ['a', 'b', 'c', 'd', 'e'],
      [1, 2, 3, 4, 100],
      [true, true, true, true, false],
    );
    expect(r).toEqual({ flags: [], tests: 4 });
    expect(iqrPointFlags(['a', 'b', 'c', 'd', 'e'], [5, 5, 5, 5, 9]).flags).toEqual([]);
  });
});
