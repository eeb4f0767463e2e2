import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adfTest } from '#analysis/relationships/adf.ts';
import { granger } from '#analysis/relationships/granger.ts';
import { NotComputableError, ols } from '#analysis/relationships/ols.ts';
import { benjaminiHochberg, grangerPairs } from '#analysis/relationships/pairs.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { businessNumber, finiteNumber, isProbability, params, seriesOf } from './fc-config.ts';

/**
 * ADF, Granger and OLS (functions/analysis/relationships) on arbitrary finite series: a
 * p-value in [0, 1] with finite statistics, or one of the two stated refusals (input that
 * cannot be tested: InputRejectedError; a degenerate regression: NotComputableError), each
 * with a message. Nothing else escapes.
 */

/** Runs `f`; a stated refusal gives undefined, anything else thrown fails the property. */
function orStated<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (error) {
    if (!(error instanceof InputRejectedError || error instanceof NotComputableError)) throw error;
    expect(error.message).toMatch(/\w/);
    expect(error.message).not.toMatch(/NaN|undefined/);
    return undefined;
  }
}

/** A series of `minLength` to `maxLength` values (fc-config's `seriesOf`). */
const series = (length: { minLength: number; maxLength: number }) =>
  fc.integer({ min: length.minLength, max: length.maxLength }).chain(seriesOf);

describe('relationships on arbitrary finite series', () => {
  it('ADF: a p-value in [0, 1] and a finite statistic, or a stated refusal', () => {
    fc.assert(
      fc.property(series({ minLength: 0, maxLength: 80 }), fc.constantFrom('c', 'ct'), (x, r) => {
        const result = orStated(() => adfTest(x, { regression: r as 'c' | 'ct' }));
        if (!result) return;
        expect(isProbability(result.pValue), `ADF p = ${result.pValue}`).toBe(true);
        expect(Number.isFinite(result.statistic), `ADF statistic ${result.statistic}`).toBe(true);
        expect(Object.values(result.criticalValues).every(Number.isFinite)).toBe(true);
        expect(result.usedLag).toBeGreaterThanOrEqual(0);
        expect(result.usedLag).toBeLessThanOrEqual(result.maxLag);
      }),
      params(200),
    );
  });

  it('Granger: p-values in [0, 1], F >= 0 and partial R² in [0, 1], or a stated refusal', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 60 })
          .chain((n) =>
            fc.tuple(
              series({ minLength: n, maxLength: n }),
              series({ minLength: n, maxLength: n }),
              fc.integer({ min: 1, max: 6 }),
            ),
          ),
        ([y, x, maxLag]) => {
          const n = Math.min(y.length, x.length);
          const g = orStated(() => granger(y.slice(0, n), x.slice(0, n), { maxLag }));
          if (!g) return;
          expect(isProbability(g.pValue), `Granger p = ${g.pValue}`).toBe(true);
          expect(isProbability(g.xLagSumPValue), `Σb p = ${g.xLagSumPValue}`).toBe(true);
          expect(Number.isFinite(g.f) && g.f >= 0, `F = ${g.f}`).toBe(true);
          expect(g.partialR2 >= 0 && g.partialR2 <= 1, `partial R² = ${g.partialR2}`).toBe(true);
          expect(Number.isFinite(g.strongestLag.coefficient)).toBe(true);
          expect(Number.isFinite(g.strongestLag.t), `t = ${g.strongestLag.t}`).toBe(true);
          expect(g.lag).toBeGreaterThanOrEqual(1);
          expect(g.lag).toBeLessThanOrEqual(maxLag);
        },
      ),
      params(200),
    );
  });

  it('grangerPairs: every pair tested (p and q in [0, 1]) or listed with its reason', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 50 })
          .chain((n) =>
            fc.array(series({ minLength: n, maxLength: n }), { minLength: 1, maxLength: 4 }),
          ),
        fc.option(fc.constantFrom(2, 7), { nil: undefined }),
        (values, seasonalPeriod) => {
          const named = values.map((v, i) => ({ name: `s${i}`, values: v }));
          const r = orStated(() =>
            grangerPairs(named, { maxLag: 4, ...(seasonalPeriod ? { seasonalPeriod } : {}) }),
          );
          if (!r) return;
          expect(r.pairs).toHaveLength(named.length * (named.length - 1));
          expect(r.tested).toBe(r.pairs.filter((p) => p.tested).length);
          for (const p of r.pairs) {
            if (p.tested) {
              expect(isProbability(p.result.pValue), `p = ${p.result.pValue}`).toBe(true);
              expect(isProbability(p.qValue), `q = ${p.qValue}`).toBe(true);
              expect(p.qValue).toBeGreaterThanOrEqual(p.result.pValue);
            } else expect(p.reason).toMatch(/\w/);
          }
          for (const s of r.series) {
            if (s.adf) expect(isProbability(s.adf.pValue)).toBe(true);
            if (s.adfDifferenced) expect(isProbability(s.adfDifferenced.pValue)).toBe(true);
            if (!s.adf) expect(s.note ?? '').toMatch(/\w/);
          }
        },
      ),
      params(100),
    );
  });

  it('Benjamini-Hochberg: q in [0, 1], q >= p, and q in the order of p', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }), (p) => {
        const q = benjaminiHochberg(p);
        expect(q).toHaveLength(p.length);
        q.forEach((qi, i) => {
          expect(isProbability(qi)).toBe(true);
          expect(qi).toBeGreaterThanOrEqual(p[i]!);
          p.forEach((pj, j) => {
            if (p[i]! <= pj) expect(qi).toBeLessThanOrEqual(q[j]!);
          });
        });
      }),
      params(200),
    );
  });

  it('OLS: finite coefficients, standard errors and RSS, or a stated refusal', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 0, max: 20 })
          .chain((n) =>
            fc.tuple(
              fc.array(finiteNumber, { minLength: n, maxLength: n }),
              fc.array(
                fc.oneof(
                  fc.array(businessNumber, { minLength: n, maxLength: n }),
                  fc.array(finiteNumber, { minLength: n, maxLength: n }),
                  fc.constant(new Array<number>(n).fill(1)),
                ),
                { minLength: 1, maxLength: 4 },
              ),
            ),
          ),
        ([y, columns]) => {
          const fit = orStated(() => ols(y, columns));
          if (!fit) return;
          expect(fit.rss >= 0, `rss = ${fit.rss}`).toBe(true);
          expect(fit.coefficients.every(Number.isFinite), `β = ${fit.coefficients}`).toBe(true);
          expect(
            fit.standardErrors.every((se) => se >= 0),
            `se = ${fit.standardErrors}`,
          ).toBe(true);
        },
      ),
      params(300),
    );
  });
});

/** Counterexamples the properties found, kept as plain tests (each failed before its fix). */
describe('relationships: regressions', () => {
  it('an ADF regression that fits up to rounding is refused, not a statistic of -Infinity', () => {
    expect(() => adfTest([1.7320508075688774, 0, 0, 2.222758749488439e-162])).toThrow(
      NotComputableError,
    );
  });

  it('an ADF of values whose squares underflow is refused, not p = NaN', () => {
    expect(() =>
      adfTest([-5.273843307431498e-155, 0, 0, 1.9928709643245404e-162, -7.905050333459945e-173]),
    ).toThrow(NotComputableError);
  });

  it('least squares whose squares overflow is refused, not RSS = NaN or coefficients = ∞', () => {
    const zeros = (n: number) => new Array<number>(n).fill(0);
    expect(() => ols([1e300, ...zeros(19)], [[...zeros(19), 1.5717277847026288e-162]])).toThrow(
      /too large or too small for double precision/,
    );
    expect(() =>
      ols(
        [0, 0, 0, -6.415868830205623e296, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [new Array<number>(14).fill(1), [0, 1e12, 1e12, 0, 1000, 0, 0, 0, 0, 85342, 0, 0, 0, 0]],
      ),
    ).toThrow(NotComputableError);
  });
});
