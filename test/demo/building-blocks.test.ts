import { describe, expect, it } from 'vitest';
import { chunkLines, csvField, csvLine, formatCents } from '#demo/csv.ts';
import { dayNumber, dayOfYear, isoDate, weekday } from '#demo/dates.ts';
import { columnFences, quantileSorted } from '#demo/iqr-fences.ts';
import {
  SeededRandom,
  cumulativeWeights,
  deriveSeed,
  mulberry32,
  pickCumulative,
} from '#demo/seeded-random.ts';

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};
const draws = (n: number, f: () => number) => Array.from({ length: n }, f);

describe('seeded random', () => {
  it('repeats a stream for a seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = draws(100, a);
    expect(draws(100, b)).toEqual(xs);
    expect(draws(100, c)).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const stream = new SeededRandom(42);
    expect(draws(100, () => stream.next())).toEqual(xs);
    expect(draws(100, () => stream.reseed(42).next())).toEqual(draws(100, () => xs[0]!));
  });

  it('derives distinct seeds per label and per row', () => {
    const labels = ['customer_profiles', 'product_information', 'daily_sales_metrics'];
    expect(new Set(labels.map((l) => deriveSeed(42, l))).size).toBe(3);
    expect(
      new Set(
        draws(
          1000,
          (() => {
            let i = 0;
            return () => deriveSeed(42, i++);
          })(),
        ),
      ).size,
    ).toBe(1000);
    expect(deriveSeed(42, 'x')).not.toBe(deriveSeed(43, 'x'));
  });

  it('draws uniforms, normals, log-normals and Poisson counts with the stated moments', () => {
    const r = new SeededRandom(7);
    const u = draws(50_000, () => r.next());
    expect(mean(u)).toBeCloseTo(0.5, 2);
    expect(variance(u)).toBeCloseTo(1 / 12, 2);
    const z = draws(50_000, () => r.normal(10, 2));
    expect(mean(z)).toBeCloseTo(10, 1);
    expect(Math.sqrt(variance(z))).toBeCloseTo(2, 1);
    const ln = draws(50_001, () => r.logNormal(Math.log(100), 0.5)).sort((a, b) => a - b);
    expect(ln[25_000]! / 100).toBeCloseTo(1, 1); // median exp(mu)
    const noise = draws(50_000, () => r.noiseFactor(0.25));
    expect(mean(noise)).toBeCloseTo(1, 2);
    for (const lambda of [0.7, 4, 60]) {
      const k = draws(50_000, () => r.poisson(lambda));
      expect(mean(k) / lambda).toBeCloseTo(1, 1);
      expect(variance(k) / lambda).toBeCloseTo(1, 1);
      expect(k.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
    }
  });

  it('picks by weight, never an item of weight zero', () => {
    const r = new SeededRandom(3);
    const cumulative = cumulativeWeights([0, 1, 0, 3, 0]);
    const counts = [0, 0, 0, 0, 0];
    for (let i = 0; i < 40_000; i += 1) counts[pickCumulative(cumulative, 5, r.next())]! += 1;
    expect(counts[0]).toBe(0);
    expect(counts[2]).toBe(0);
    expect(counts[4]).toBe(0);
    expect(counts[3]! / counts[1]!).toBeCloseTo(3, 0);
    // a prefix limits the draw to the first items
    for (let i = 0; i < 1000; i += 1) expect(pickCumulative(cumulative, 2, r.next())).toBe(1);
    const w = draws(30_000, () => r.weightedIndex([1, 0, 2]));
    expect(w.filter((i) => i === 1)).toHaveLength(0);
    expect(w.filter((i) => i === 2).length / w.length).toBeCloseTo(2 / 3, 1);
  });
});

describe('csv writing', () => {
  it('quotes only fields that need it, as RFC 4180', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('Acme, Inc.')).toBe('"Acme, Inc."');
    expect(csvField('Monitor 27"')).toBe('"Monitor 27"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvLine(['a', 'b,c', ''])).toBe('a,"b,c",\n');
  });

  it('writes cents as plain decimals with two places', () => {
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(123456)).toBe('1234.56');
    expect(formatCents(-1055)).toBe('-10.55');
    expect(() => formatCents(1.5)).toThrow(RangeError);
  });

  it('chunks lines without losing or reordering any', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `${i}\n`);
    const chunks = [...chunkLines(lines, 100)];
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.join('')).toBe(lines.join(''));
  });
});

describe('dates', () => {
  it('converts between day numbers and ISO dates in UTC', () => {
    expect(dayNumber('1970-01-01')).toBe(0);
    expect(isoDate(dayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(() => dayNumber('2024-13-45')).toThrow(RangeError);
    expect(() => dayNumber('2023-02-29')).toThrow(RangeError);
    expect(weekday(dayNumber('2022-01-01'))).toBe(6); // a Saturday
    expect(dayOfYear(dayNumber('2024-12-31'))).toBe(366);
  });
});

describe('iqr fences', () => {
  it('uses type 7 quantiles', () => {
    // R 4.2: quantile(1:4, 0.25) = 1.75; quantile(c(1, 3, 7, 15), 0.75) = 9
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([1, 3, 7, 15], 0.75)).toBe(9);
    expect(columnFences([1, 2, 3, 4], 1.5)).toEqual({
      q1: 1.75,
      q3: 3.25,
      iqr: 1.5,
      lower: -0.5,
      upper: 5.5,
    });
    expect(() => quantileSorted([], 0.5)).toThrow(RangeError);
  });
});
