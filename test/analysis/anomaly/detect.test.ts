import { describe, expect, it } from 'vitest';
import { seasonalMedianBaseline } from '#analysis/anomaly/baseline.ts';
import { detectAnomalies, MIN_POINTS } from '#analysis/anomaly/detect.ts';
import { groupIncidents } from '#analysis/anomaly/incidents.ts';
import type { AnomalyFlag } from '#analysis/anomaly/types.ts';
import { cleanDaily, series } from './fixtures.ts';

describe('seasonal median baseline', () => {
  it('recovers the weekly pattern and is not pulled by a spike', () => {
    const x = cleanDaily(84);
    x[40]! += 50;
    const b = seasonalMedianBaseline(x, 7);
    // The weekly figure, centred: 0, 6, 3, -4, 8, -2, -11 minus their mean (0).
    expect(b.seasonal.slice(0, 7).map((s) => Math.round(s))).toEqual([0, 6, 3, -4, 8, -2, -11]);
    expect(Math.abs(b.expected[40]! - (x[40]! - 50))).toBeLessThan(2);
    expect(b.remainder[40]).toBeGreaterThan(45);
  });
});

describe('detectAnomalies', () => {
  it('finds nothing in a clean seasonal series with a trend', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const result = detectAnomalies(series(cleanDaily(140, seed)));
      expect(result.flags, `seed ${seed}`).toEqual([]);
      expect(result.period).toBe(7);
      expect(result.tests).toBeGreaterThan(140);
    }
  });

  it('finds planted spikes and drops, with expected value, score, direction and method', () => {
    const x = cleanDaily(140);
    const clean = [...x];
    x[20]! += 25;
    x[75]! -= 30;
    x[110]! += 12;
    const result = detectAnomalies(series(x));
    expect(result.flags.map((f) => f.index)).toEqual([20, 75, 110]);
    const [a, b, c] = result.flags as [AnomalyFlag, AnomalyFlag, AnomalyFlag];
    expect(a).toMatchObject({ timestamp: '2024-01-21', direction: 'high', method: 'seasonal-mad' });
    expect(a.value).toBe(x[20]);
    expect(Math.abs(a.expected - clean[20]!)).toBeLessThan(2);
    expect(a.score).toBeGreaterThan(10);
    expect(a.lower).toBeLessThan(a.expected);
    expect(a.upper).toBeGreaterThan(a.expected);
    expect(b.direction).toBe('low');
    expect(b.score).toBeLessThan(-10);
    expect(c.direction).toBe('high');
    expect(result.incidents).toHaveLength(3);
  });

  it('groups nearby flags into one incident', () => {
    const x = cleanDaily(140);
    x[60]! += 40;
    x[61]! += 25;
    x[63]! -= 30;
    x[100]! += 30;
    const result = detectAnomalies(series(x));
    expect(result.flags.map((f) => f.index)).toEqual([60, 61, 63, 100]);
    expect(result.incidents).toHaveLength(2);
    expect(result.incidents[0]).toMatchObject({
      start: '2024-03-01',
      end: '2024-03-04',
      flags: 3,
      direction: 'mixed',
      methods: ['seasonal-mad'],
    });
    expect(result.incidents[0]!.peak.index).toBe(60);
  });

  it('finds a lasting level shift at its start', () => {
    const x = cleanDaily(140).map((v, i) => (i >= 80 ? v + 15 : v));
    const result = detectAnomalies(series(x));
    const shifts = result.flags.filter((f) => f.method === 'level-shift');
    expect(shifts).toHaveLength(1);
    expect(shifts[0]!.index).toBe(80);
    expect(shifts[0]!.direction).toBe('high');
    expect(shifts[0]!.score).toBeGreaterThan(5);
    expect(result.flags.filter((f) => f.method === 'seasonal-mad')).toEqual([]);
    expect(detectAnomalies(series(x), { levelShifts: false }).flags).toEqual([]);
  });

  it('never flags an interpolated point', () => {
    const x = cleanDaily(140);
    x[50]! += 40;
    const observed = x.map((_, i) => i !== 50);
    expect(detectAnomalies(series(x, observed)).flags).toEqual([]);
  });

  it('drops seasonality below three seasons and refuses too few points', () => {
    const x = cleanDaily(18).map((_, i) => 50 + (i % 2));
    x[9] = 80;
    const result = detectAnomalies(series(x));
    expect(result.period).toBe(1);
    expect(result.notes[0]).toMatch(/three seasons/);
    expect(result.flags.map((f) => f.index)).toEqual([9]);
    expect(() => detectAnomalies(series(x.slice(0, MIN_POINTS - 1)))).toThrow(/need 10/);
  });
});

describe('groupIncidents', () => {
  const flag = (index: number, score: number): AnomalyFlag => ({
    index,
    timestamp: `t${index}`,
    value: 0,
    expected: 0,
    lower: 0,
    upper: 0,
    score,
    direction: score > 0 ? 'high' : 'low',
    method: 'seasonal-mad',
  });
  it('starts a new incident after more than `gap` periods', () => {
    const incidents = groupIncidents([flag(5, 4), flag(1, 5), flag(3, -9), flag(9, 4)], 2);
    expect(incidents.map((i) => [i.start, i.end, i.flags, i.peak.score, i.direction])).toEqual([
      ['t1', 't5', 3, -9, 'mixed'],
      ['t9', 't9', 1, 4, 'high'],
    ]);
    expect(groupIncidents([])).toEqual([]);
  });
});
