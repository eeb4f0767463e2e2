import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectAnomalies, MIN_POINTS } from '#analysis/anomaly/detect.ts';
import { mad, median, robustScale } from '#analysis/anomaly/robust.ts';
import { buildSeries, dayNumber, isoDate, type RegularSeries } from '#analysis/forecast/series.ts';
import { iqrFences } from '#analysis/iqr.ts';
import { findOutliers } from '#analysis/outliers.ts';
import type { QueryEngine, Row } from '#platform/ports.ts';
import { ORDERS } from '../helpers/contracts.ts';
import {
  finiteArray,
  finiteNumber,
  HUGE,
  nonFinitePaths,
  params,
  seriesOf,
  timeoutFor,
} from './fc-config.ts';

/**
 * Anomaly detection (functions/analysis/anomaly) and the robust rules for plain columns
 * (iqr.ts, robust.ts) on arbitrary finite data: every number a flag carries is finite, a
 * flagged point lies outside the range it is said to leave, and the incidents account for
 * every flag.
 */

const FIRST_DAY = dayNumber('2024-01-01')!;

function regular(values: readonly (number | null)[], step: number): RegularSeries {
  const rows = values.map((value, i) => ({ time: isoDate(FIRST_DAY + i * step), value }));
  return buildSeries(rows, { file: 'f', timeColumn: 'day' })[0]!;
}

describe('anomalies of arbitrary finite series', () => {
  const RUNS = 150;
  it(
    'flags carry finite numbers, lie outside their range, and incidents count every flag',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: MIN_POINTS, max: 90 }).chain(seriesOf),
          fc.constantFrom(1, 7),
          fc.array(fc.nat({ max: 89 }), { maxLength: 6 }),
          (values, step, gaps) => {
            // A few inner gaps, filled for the baseline and never scored.
            const withGaps: (number | null)[] = [...values];
            for (const g of gaps.slice(0, Math.floor(values.length / 4)))
              if (g > 0 && g < values.length - 1) withGaps[g] = null;
            const s = regular(withGaps, step);
            const r = detectAnomalies(s);
            expect(Number.isFinite(r.threshold) && r.threshold >= 3.5).toBe(true);
            expect(Number.isFinite(r.scale) && r.scale >= 0, `scale ${r.scale}`).toBe(true);
            expect(r.notes.join(' ')).not.toMatch(/NaN|Infinity|undefined/);
            for (const f of r.flags) {
              const where = JSON.stringify(f);
              for (const x of [f.value, f.expected, f.lower, f.upper, f.score])
                expect(Number.isFinite(x), where).toBe(true);
              expect(s.observed[f.index], `an interpolated point was flagged: ${where}`).toBe(true);
              expect(f.lower <= f.upper, where).toBe(true);
              if (f.method === 'seasonal-mad') {
                // Up to rounding: the bounds come back from the log scale through sinh.
                const bound = f.direction === 'high' ? f.upper : f.lower;
                const slack = 1e-9 * Math.max(Math.abs(f.value), Math.abs(bound));
                if (f.direction === 'high') expect(f.value >= bound - slack, where).toBe(true);
                else expect(f.value <= bound + slack, where).toBe(true);
              }
              expect(f.direction).toBe(f.score > 0 ? 'high' : 'low');
            }
            expect(r.incidents.reduce((n, i) => n + i.flags, 0)).toBe(r.flags.length);
          },
        ),
        params(RUNS),
      );
    },
    timeoutFor(RUNS, 50),
  );
});

describe('robust rules of plain columns', () => {
  it('IQR fences: finite, around the quartiles, or a RangeError for quartiles out of order', () => {
    fc.assert(
      fc.property(
        finiteNumber,
        finiteNumber,
        fc.double({ min: 0, max: 3, noNaN: true }),
        (a, b, k) => {
          let fences: ReturnType<typeof iqrFences>;
          try {
            fences = iqrFences(a, b, k);
          } catch (error) {
            expect(error).toBeInstanceOf(RangeError);
            expect(b).toBeLessThan(a);
            return;
          }
          expect([fences.low, fences.high, fences.iqr].every(Number.isFinite)).toBe(true);
          expect(fences.low <= a && a <= b && b <= fences.high, JSON.stringify(fences)).toBe(true);
        },
      ),
      params(500),
    );
  });

  it('median, MAD and robust scale: finite, within the range of the values', () => {
    fc.assert(
      fc.property(finiteArray({ minLength: 1, maxLength: 40 }), (xs) => {
        const [lo, hi] = [Math.min(...xs), Math.max(...xs)];
        const m = median(xs);
        expect(m >= lo && m <= hi, `median ${m}`).toBe(true);
        const d = mad(xs, m);
        expect(d >= 0 && d <= hi - lo, `MAD ${d}`).toBe(true);
        const r = robustScale(xs);
        expect(r.center).toBe(m);
        expect(Number.isFinite(r.scale) && r.scale >= 0, `scale ${r.scale}`).toBe(true);
        if (xs.every((x) => x === xs[0])) expect(r.scale).toBe(0);
        expect(Math.abs(m)).toBeLessThanOrEqual(HUGE);
      }),
      params(500),
    );
  });
});

/** Counterexamples the properties found, kept as plain tests (each failed before its fix). */
describe('anomalies: regressions', () => {
  const finiteFlags = (r: ReturnType<typeof detectAnomalies>) =>
    r.flags.every((f) => [f.value, f.expected, f.lower, f.upper, f.score].every(Number.isFinite));

  it('a robust scale below the rounding of the values does not make infinite scores', () => {
    // The MAD of 1e-323 beside a 1: scores of 1e308 and beyond (Infinity).
    const r = detectAnomalies(regular([0, 0, 0, 0, 0, 0, 1, 1e-323, 1e-323, 1e-323, 0], 1));
    expect(finiteFlags(r)).toBe(true);
    expect(r.flags.map((f) => f.timestamp)).toEqual(['2024-01-07']);
  });

  it('values spanning 300 orders of magnitude are judged on their own scale, with finite bounds', () => {
    // On the log scale (asinh(x / c), c 1% of a median of 5e-324: 0) a lower bound was -∞.
    const t = 5e-324;
    const s = 3.1434555694052576e-162;
    const r = 2.7525328397548474e-283;
    // prettier-ignore
    const values = [
      t, t, t, t, t, t, t, t, t, t, t, t, t, t, 5.207531197932396e-180, t,
      3.6079758561583863e-119, 1.210972402157117e-220, 6.3597969569807394e-195, t, t, t,
      3.3601842949168253e-225, t, t, 4.986703539248239e-260, 1.0975969306163707e-240, s,
      1.5684805045199068e-143, t, 0.9999999999979039, 0.9999999999999502, 0.9999999999999502,
      t, s, t, r, 3.143455569405258e-162, s, t, 1.0366842328035064e-262, r, s, t, t,
      6.286911138810515e-162, null, t, r, s, 3.143455600387903e-162, r, t,
      1.0465394816855805e-154, 1.4331601420760305e-24, 1.7288881261801443e-21,
      1.6759731171067262e-292, s,
    ];
    const result = detectAnomalies(regular(values, 7));
    expect(finiteFlags(result)).toBe(true);
    expect(result.valueScale).toBe('linear');
  });

  it('values beyond 1e150 are not judged, and the note says why', () => {
    const values = Array.from({ length: 30 }, (_, i) => (i === 26 ? 1e300 : i % 2 ? 5 : 0));
    const r = detectAnomalies(regular(values, 1));
    expect(r.flags).toEqual([]);
    expect(r.notes.join(' ')).toMatch(/values up to 1\.00e\+300 are too large to judge/);
  });

  it('a level shift found on a filled gap is dated at the next observed point', () => {
    // Was flagged on 2024-05-20, a gap filled by interpolation, with the filled value.
    const values: (number | null)[] = [0, 1.999999999999997e-9];
    for (let i = 2; i <= 18; i++) values.push(9.999999999999984e-10);
    values.push(5.999999999999995e-10, null);
    for (let i = 21; i <= 52; i++) values.push(1.9999999999999952e-10);
    const s = regular(values, 7);
    const r = detectAnomalies(s);
    for (const f of r.flags) expect(s.observed[f.index], JSON.stringify(f)).toBe(true);
    expect(r.flags.some((f) => f.method === 'level-shift')).toBe(true);
  });
});

describe('outliers: regressions', () => {
  it('an example gets no robust z-score when the MAD is 5e-324 (it was infinite, null in report.json)', async () => {
    // Amounts 0, 0, 0, -1, -1e-323, 1: median 0, MAD 5e-324, IQR fences around 0.
    const contract = ORDERS;
    const outside: Row[] = [
      { order_id: 'O5', order_date: '2024-01-01', value: 1 },
      { order_id: 'O3', order_date: '2024-01-01', value: -1 },
    ];
    const engine: QueryEngine = {
      dialect: 'duckdb',
      query: async (sql) => (/count\(\*\)/.test(sql) ? [{ n: outside.length }] : outside),
    };
    const [finding] = await findOutliers(
      engine,
      contract,
      [{ column: 'amount', q1: 0, median: 0, q3: 5e-324, mad: 5e-324 }],
      { dataset: 'orders', rows: 6, columns: [] },
    );
    expect(finding!.examples.map((e) => e.score)).toEqual([undefined, undefined]);
    expect(nonFinitePaths(finding)).toEqual([]);
  });
});
