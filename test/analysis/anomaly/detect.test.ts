import { describe, expect, it } from 'vitest';
import { seasonalMedianBaseline } from '#analysis/anomaly/baseline.ts';
import { detectAnomalies, MIN_POINTS } from '#analysis/anomaly/detect.ts';
import { groupIncidents } from '#analysis/anomaly/incidents.ts';
import { DEFAULT_THRESHOLD, thresholdFor } from '#analysis/anomaly/points.ts';
import { guerreroRatios, guerreroSpread } from '#analysis/anomaly/value-scale.ts';
import type { AnomalyFlag } from '#analysis/anomaly/types.ts';
import { cleanDaily, noise, series } from './fixtures.ts';

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

describe('thresholdFor', () => {
  it('is the Bonferroni normal quantile for a 5% chance of any false flag per series, never below 3.5', () => {
    // R 4.2: qnorm(1 - 0.05 / (2 * n)) for n = 1095, 10000.
    expect(thresholdFor(1095)).toBeCloseTo(4.07678794345114, 10);
    expect(thresholdFor(10_000)).toBeCloseTo(4.56478773027951, 10);
    // R: qnorm(1 - 0.05 / 200) = 3.4808 < 3.5.
    expect(thresholdFor(100)).toBe(DEFAULT_THRESHOLD);
    expect(thresholdFor(0)).toBe(DEFAULT_THRESHOLD);
  });
});

describe("Guerrero's ratios", () => {
  const x = [5, 7, 9, 6, 14, 20, 12, 30, 41, 25, 60, 80, 55];
  const cv = (r: number[]) => {
    const mean = r.reduce((a, v) => a + v, 0) / r.length;
    return Math.sqrt(r.reduce((a, v) => a + (v - mean) ** 2, 0) / (r.length - 1)) / mean;
  };
  it("are R's: their sd / mean is forecast:::guer.cv", () => {
    // R 4.2, forecast 8.20: guer.cv(0, x), guer.cv(1, x), guer.cv(0, ts(x, frequency = 3)).
    expect(cv(guerreroRatios(0, x, 1))).toBeCloseTo(0.488950539528763, 12);
    expect(cv(guerreroRatios(1, x, 1))).toBeCloseTo(0.84355012957645, 12);
    expect(cv(guerreroRatios(0, x, 3))).toBeCloseTo(0.144855109864847, 12);
  });

  it('vary less for the log (lambda 0) when the spread grows with the level, robustly', () => {
    expect(guerreroSpread(0, x, 3)).toBeLessThan(guerreroSpread(1, x, 3));
    const flat = [10, 12, 8, 20, 22, 18, 30, 32, 28, 40, 42, 38];
    expect(guerreroSpread(1, flat, 3)).toBeLessThan(guerreroSpread(0, flat, 3));
  });
});

/** A positive series whose noise grows with its level: 1000 x weekly factor x exp(N(0, 0.2)-ish). */
function multiplicativeDaily(n: number, seed = 1): number[] {
  const weekly = [1, 1.1, 1.05, 0.95, 1.2, 0.6, 0.4];
  const e = noise(n, seed);
  return Array.from(
    { length: n },
    (_, i) => 1000 * (1 + i / n) * weekly[i % 7]! * Math.exp(0.2 * e[i]!),
  );
}

describe('detectAnomalies', () => {
  it('judges a positive series on the log scale: ratios, with a band wider above than below', () => {
    const x = multiplicativeDaily(364);
    x[100] = x[100]! * 3;
    x[200] = x[200]! / 4;
    const result = detectAnomalies(series(x));
    expect(result.valueScale).toBe('log');
    expect(result.threshold).toBeCloseTo(thresholdFor(364), 12);
    expect(result.flags.map((f) => f.index)).toEqual([100, 200]);
    const [spike, drop] = result.flags as [AnomalyFlag, AnomalyFlag];
    expect(spike.value).toBe(x[100]);
    expect(spike.value / spike.expected).toBeGreaterThan(2.4);
    expect(drop.expected / drop.value).toBeGreaterThan(3.2);
    // Ratios: the band reaches further above the expected value than below it.
    expect(spike.upper - spike.expected).toBeGreaterThan(spike.expected - spike.lower);
  });

  it('never calls a count odd for being one or two events off its expected value', () => {
    // Small daily counts that barely vary: most days exactly their weekday's usual number.
    const usual = [4, 5, 4, 6, 5, 2, 2];
    const e = noise(280, 3);
    const x = Array.from(
      { length: 280 },
      (_, i) => usual[i % 7]! + (e[i]! > 1 ? 2 : e[i]! > 0.6 ? 1 : e[i]! < -0.8 ? -1 : 0),
    );
    x[150] = 19;
    const result = detectAnomalies(series(x));
    expect(result.flags.map((f) => f.index)).toEqual([150]);
    // Without the Poisson floor the robust scale of these counts is a fraction of one event.
    expect(result.flags[0]!.lower).toBeLessThan(usual[150 % 7]! - 1);
  });

  it('keeps the own scale for a series with many values at or below zero', () => {
    const x = cleanDaily(140).map((v) => v - 100);
    x[70]! += 25;
    const result = detectAnomalies(series(x));
    expect(result.valueScale).toBe('linear');
    expect(result.threshold).toBe(thresholdFor(140));
    expect(result.flags.map((f) => f.index)).toEqual([70]);
  });

  it('flags a lone value below zero in a positive series far below its expected value, and says so', () => {
    const x = multiplicativeDaily(364, 2);
    x[150] = -250;
    const result = detectAnomalies(series(x));
    expect(result.valueScale).toBe('log');
    expect(result.flags.map((f) => [f.index, f.direction, f.value])).toEqual([[150, 'low', -250]]);
    expect(result.flags[0]!.score).toBeLessThan(-20);
    expect(result.notes.join('\n')).toMatch(/a value at or below zero \(2024-05-30\)/);
  });

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
