import { describe, expect, it } from 'vitest';
import { LtvInputError } from '#analysis/ltv/errors.ts';
import {
  fitGammaGamma,
  frequencySpendCorrelation,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
} from '#analysis/ltv/gamma-gamma.ts';
import { cdnowSummary, golden, relativeError } from './fixtures.ts';
import { simulateCustomers } from './simulate.ts';

/** Fader and Hardie (2013), "The Gamma-Gamma Model of Monetary Value", on CDNOW. */
const PUBLISHED = { p: 6.25, q: 3.74, gamma: 15.45 };

const cdnow = cdnowSummary().map((row) => ({ x: row.x, monetaryValue: row.zbar }));

describe('Gamma-Gamma formulas', () => {
  it('agree with numerical integration over the spend rate nu', () => {
    // make_golden.py integrates the density of the mean of x Gamma(p, nu) amounts over
    // nu ~ Gamma(q, gamma) with scipy's quad (relative tolerance 1e-12).
    for (const g of golden.gammaGamma) {
      const customer = { x: g.x, monetaryValue: g.monetaryValue };
      expect(Math.abs(gammaGammaLogLikelihood(g.params, customer) - g.logLikelihood)).toBeLessThan(
        1e-12,
      );
      expect(
        relativeError(gammaGammaExpectedSpend(g.params, customer), g.expectedSpend),
      ).toBeLessThan(1e-12);
    }
  });

  it('shrinks a customer towards the population mean, less as they buy more', () => {
    const p = PUBLISHED;
    const population = (p.p * p.gamma) / (p.q - 1);
    expect(gammaGammaExpectedSpend(p, { x: 0, monetaryValue: 0 })).toBeCloseTo(population, 12);
    // A mean spend <= 0 (refunds) cannot be conditioned on: the population mean.
    expect(gammaGammaExpectedSpend(p, { x: 3, monetaryValue: -5 })).toBeCloseTo(population, 12);
    const big = (x: number) => gammaGammaExpectedSpend(p, { x, monetaryValue: 100 });
    expect(big(1)).toBeGreaterThan(population);
    expect(big(1)).toBeLessThan(big(10));
    expect(big(10)).toBeLessThan(100);
    expect(() => gammaGammaExpectedSpend({ ...p, q: 0.9 }, { x: 0, monetaryValue: 0 })).toThrow(
      /infinite/,
    );
  });
});

describe('fitGammaGamma', () => {
  it("reproduces Fader and Hardie's CDNOW estimates on the 946 repeat buyers (the issue's acceptance)", () => {
    const fit = fitGammaGamma(cdnow);
    for (const name of ['p', 'q', 'gamma'] as const) {
      expect(relativeError(fit.params[name], PUBLISHED[name]), name).toBeLessThan(0.02);
    }
    expect(fit).toMatchObject({
      customers: 946,
      excluded: { noRepeatPurchase: 1411, nonPositiveSpend: 0 },
      converged: true,
    });
    // scipy.optimize on our numpy log-likelihood (make_golden.py).
    const g = golden.cdnow.gammaGamma;
    for (const name of ['p', 'q', 'gamma'] as const) {
      expect(relativeError(fit.params[name], g.params[name]), name).toBeLessThan(1e-4);
    }
    expect(Math.abs(fit.logLikelihood - g.logLikelihood)).toBeLessThan(1e-6);
  });

  it("reports the frequency-spend correlation: CDNOW's is weak, as the note says (0.11)", () => {
    const { frequencySpend } = fitGammaGamma(cdnow);
    expect(frequencySpend.customers).toBe(946);
    // numpy.corrcoef on the same 946 customers.
    expect(frequencySpend.correlation!).toBeCloseTo(golden.cdnow.gammaGamma.correlation, 12);
    expect(frequencySpendCorrelation([{ x: 1, monetaryValue: 5 }])).toEqual({
      correlation: null,
      customers: 1,
    });
    const constant = [1, 2, 3].map((x) => ({ x, monetaryValue: 10 }));
    expect(frequencySpendCorrelation(constant).correlation).toBeNull();
  });

  it('recovers the parameters of customers drawn from the model', () => {
    // 50,000 customers, 25,665 with repeat purchases. p, q and gamma trade off against each
    // other (sd over 8 seeds of 20,000 customers: p 0.42, q 0.10, gamma 1.4) but the
    // population mean spend p gamma / (q - 1) is pinned down (sd 0.26 on 30). Tolerances are
    // 3 sd scaled to 50,000 customers by sqrt(20 / 50).
    const truth = { p: 6, q: 4, gamma: 15 };
    const customers = simulateCustomers({ r: 0.5, alpha: 6, a: 0.8, b: 3 }, truth, 50_000, 11);
    const fit = fitGammaGamma(customers);
    expect(Math.abs(fit.params.p - truth.p)).toBeLessThan(0.8);
    expect(Math.abs(fit.params.q - truth.q)).toBeLessThan(0.19);
    expect(Math.abs(fit.params.gamma - truth.gamma)).toBeLessThan(2.7);
    const mean = (fit.params.p * fit.params.gamma) / (fit.params.q - 1);
    expect(Math.abs(mean - 30)).toBeLessThan(0.5);
    // Drawn independently: no correlation beyond noise (sd 1 / sqrt(25,665) = 0.006).
    expect(Math.abs(fit.frequencySpend.correlation!)).toBeLessThan(0.019);
  });

  it('refuses data with nobody to fit', () => {
    expect(() => fitGammaGamma([{ x: 0, monetaryValue: 0 }])).toThrow(LtvInputError);
    expect(() => fitGammaGamma([{ x: 2, monetaryValue: 0 }])).toThrow(/positive spend/);
    expect(() => fitGammaGamma([{ x: -1, monetaryValue: 3 }])).toThrow(/customer 0/);
  });
});
