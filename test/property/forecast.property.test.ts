import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateSeries, type ForecastRow } from '#analysis/forecast/evaluate.ts';
import { buildSeries, dayNumber, isoDate, type RegularSeries } from '#analysis/forecast/series.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { HUGE, params, seriesOf, timeoutFor } from './fc-config.ts';

/**
 * Series preparation and forecasts (functions/analysis/forecast): arbitrary rows become
 * regular series or are refused with a stated reason; the forecast of an arbitrary finite
 * series is finite with lower95 <= lower80 <= point <= upper80 <= upper95 at every step, or
 * refused with a stated reason (too short); backtest errors are finite or null.
 */

const FIRST_DAY = dayNumber('2023-12-28')!;

/** A daily series of `values` from FIRST_DAY, `null` where a value is missing. */
function daily(values: readonly (number | null)[], step = 1) {
  return values.map((value, i) => ({ time: isoDate(FIRST_DAY + i * step), value }));
}

/**
 * A value of a row: finite up to HUGE, empty, or not a number (NaN, ±Infinity: read as
 * empty). Beyond HUGE the linear interpolation of a gap overflows (9e307 - -9e307), a stated
 * limit (fc-config.ts).
 */
const cellValue = fc.oneof(
  fc.double({ min: -HUGE, max: HUGE, noNaN: true }),
  fc.constantFrom(null, Number.NaN, Infinity, -Infinity),
  fc.integer({ min: -5, max: 100 }),
);

/** Rows as a file gives them: dates in any order, odd strings, gaps, repeats, odd values. */
const scattered = fc.array(
  fc.record({
    time: fc.oneof(
      fc.integer({ min: 0, max: 120 }).map((d) => isoDate(FIRST_DAY + d)),
      fc.integer({ min: 0, max: 30 }).map((w) => isoDate(FIRST_DAY + 7 * w)),
      fc.constantFrom('2024-02-30', '2024-01-01 10:00', '2024-01-01T00:00:00Z', '', 'soon'),
      fc.string({ maxLength: 12 }),
    ),
    value: cellValue,
  }),
  { maxLength: 60 },
);

/** Rows of consecutive days or weeks, in any order, a few missing or empty. */
const consecutive = fc
  .tuple(
    fc.array(cellValue, { minLength: 2, maxLength: 60 }),
    fc.array(fc.nat({ max: 59 }), { maxLength: 8 }),
    fc.constantFrom(1, 7),
    fc.boolean(),
  )
  .map(([values, dropped, step, shuffled]) => {
    const out = values.flatMap((value, i) =>
      dropped.includes(i) ? [] : [{ time: isoDate(FIRST_DAY + i * step), value }],
    );
    return shuffled ? out.reverse() : out;
  });

const rows = fc.oneof(scattered, consecutive);

function checkRow(r: ForecastRow) {
  const where = JSON.stringify(r);
  for (const x of [r.yhat, r.lo80, r.hi80, r.lo95, r.hi95])
    expect(Number.isFinite(x), where).toBe(true);
  expect(r.lo95 <= r.lo80 && r.lo80 <= r.yhat, where).toBe(true);
  expect(r.yhat <= r.hi80 && r.hi80 <= r.hi95, where).toBe(true);
}

function checkMetric(x: number | null, what: string) {
  if (x !== null) expect(Number.isFinite(x), `${what} = ${x}`).toBe(true);
}

describe('series preparation', () => {
  it('makes regular series of arbitrary rows, or refuses them saying why', () => {
    fc.assert(
      fc.property(rows, (rs) => {
        let series: RegularSeries[];
        try {
          series = buildSeries(rs, { file: 'f.csv', timeColumn: 'day' });
        } catch (error) {
          if (!(error instanceof InputRejectedError)) throw error;
          expect(error.message).toMatch(/^f\.csv/);
          return;
        }
        for (const s of series) {
          // Two dates tell the spacing; a leading or trailing empty one is then dropped.
          expect(s.values.length).toBeGreaterThanOrEqual(1);
          expect(s.values.every(Number.isFinite), `${s.values}`).toBe(true);
          expect(s.dates).toHaveLength(s.values.length);
          expect(s.observed).toHaveLength(s.values.length);
          expect(s.observed[0] && s.observed.at(-1)).toBe(true);
          expect(s.filled).toHaveLength(s.observed.filter((o) => !o).length);
          expect(new Set(s.dates).size).toBe(s.dates.length);
        }
      }),
      params(500),
    );
  });
});

describe('forecasts of arbitrary finite series', () => {
  const RUNS = 40;
  it(
    'are finite with nested intervals around the point, or refused as too short',
    () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 70 }).chain(seriesOf),
          fc.array(fc.boolean(), { maxLength: 70 }),
          fc.integer({ min: 1, max: 10 }),
          fc.constantFrom(1, 7),
          fc.integer({ min: 0, max: 2 }),
          (values, gaps, horizon, step, origins) => {
            // Inner gaps (never the ends), filled by the series preparation, never scored.
            const withGaps = values.map((v, i) =>
              gaps[i] && i > 0 && i < values.length - 1 && i % 3 === 0 ? null : v,
            );
            let s: RegularSeries;
            try {
              [s] = buildSeries(daily(withGaps, step), { file: 'f', timeColumn: 'day' }) as [
                RegularSeries,
              ];
            } catch (error) {
              if (!(error instanceof InputRejectedError)) throw error;
              expect(values.length).toBeLessThan(2);
              return;
            }
            const e = evaluateSeries(s, {
              horizon,
              backtest: origins,
              fewerOrigins: true,
              forecast: true,
              baseline: true,
              label: 'f.value',
            });
            if (e.error !== undefined) {
              expect(e.error).toMatch(
                /^f\.value: (\d+ points, need \d+|values up to \S+ are too large to model|the forecast intervals overflow)/,
              );
              expect(e.forecast).toBeUndefined();
              return;
            }
            expect(e.model).toMatch(/\w/);
            // ("MASE undefined (constant history)" is words, not a missing value.)
            expect(e.reason).not.toMatch(/NaN|Infinity/);
            expect(e.forecast).toHaveLength(horizon);
            e.forecast!.forEach(checkRow);
            for (const [model, m] of Object.entries(e.candidates ?? {}))
              for (const [k, x] of Object.entries(m)) checkMetric(x, `${model} ${k}`);
            if (e.backtest) {
              e.backtest.rows.forEach(checkRow);
              for (const k of ['mase', 'smape', 'coverage80', 'coverage95'] as const) {
                checkMetric(e.backtest[k], `backtest ${k}`);
                checkMetric(e.backtest.baseline?.[k] ?? null, `baseline ${k}`);
              }
            }
          },
        ),
        params(RUNS),
      );
    },
    timeoutFor(RUNS, 400),
  );
});

/** Counterexamples the properties found, kept as plain tests (each failed before its fix). */
describe('forecasts: regressions', () => {
  const evaluate = (values: (number | null)[], horizon: number) =>
    evaluateSeries(regularOf(values), {
      horizon,
      backtest: 0,
      fewerOrigins: true,
      forecast: true,
      baseline: true,
      label: 'f.value',
    });
  const regularOf = (values: (number | null)[]) =>
    buildSeries(daily(values), { file: 'f', timeColumn: 'day' })[0]!;

  it('refuses values too large to model, where the intervals were infinite', () => {
    // Was hi80 = hi95 = Infinity (and beyond 1e154 ETS threw a plain Error).
    const e = evaluate(
      [...new Array<number>(15).fill(4.5287549097858496e169), 4.528754909785851e169],
      1,
    );
    expect(e.error).toMatch(/^f\.value: values up to 4\.53e\+169 are too large to model/);
    expect(e.forecast).toBeUndefined();
  });

  it('refuses a forecast whose intervals overflow, where they were infinite', () => {
    // Values from 5e-324 to 5e138 (two gaps filled): the squared errors overflow, hi95 was ∞.
    const tiny = 4.940656458412465e-174;
    // prettier-ignore
    const values = [
      tiny, tiny, 1.9831750819528727e120, null, tiny, tiny, null, tiny, tiny, tiny, tiny,
      1.605518185360232e-93, tiny, tiny, 1.542965919977808e-85, 2.5083729240780817e-158,
      1.730650702935273e-49, 8.369514167065746e-159, tiny, 1.6090729953757718e-169,
      6.863444354499308e-164, 2.278382444103181e-58, 3.9207394722589446e-139, tiny,
      5.985095052060972e-145, 8.680871310362915e33, 5.158667078173097e138,
      4.4621301128033675e33, 2.2835641596067748e-153, tiny, 8.072371376958047e-152,
      1.4591119633007315e133, 1.8394893109258381e-137, 8.664948438526771e127,
      1.664148863289132e-115, 7.023965698292227e-138,
    ];
    const e = evaluate(values, 7);
    expect(e.error).toMatch(/^f\.value: the forecast intervals overflow double precision/);
    expect(e.forecast).toBeUndefined();
  });
});
