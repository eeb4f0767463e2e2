import { readFileSync } from 'node:fs';
import type { Transaction } from '#analysis/ltv/rfm.ts';

const read = (name: string) =>
  readFileSync(new URL(`../../fixtures/golden/ltv/${name}`, import.meta.url), 'utf8');

export interface CdnowSummaryRow {
  id: string;
  x: number;
  tx: number;
  T: number;
  /** Mean spend of the repeat purchases (0 when x = 0). */
  zbar: number;
}

/** The published 39-week calibration summary of CDNOW (weeks), one row per customer. */
export function cdnowSummary(): CdnowSummaryRow[] {
  const [header, ...lines] = read('cdnow_customers_summary_with_transactions.csv')
    .trim()
    .split(/\r?\n/);
  if (header !== 'ID,x,t_x,T,zbar') throw new Error(`unexpected header ${header}`);
  return lines.map((line) => {
    const [id, x, tx, T, zbar] = line.split(',') as [string, string, string, string, string];
    return { id, x: Number(x), tx: Number(tx), T: Number(T), zbar: Number(zbar) };
  });
}

/**
 * CDNOW's 6,919 purchases: customer id, sample id, date YYYYMMDD, CDs, dollars. The summary's
 * ID is the sample id (1..2357), which is what customerId holds here.
 */
export function cdnowTransactions(): Transaction[] {
  return read('CDNOW_sample.txt')
    .trim()
    .split(/\r?\n/)
    .map((line) => {
      const [, sample, ymd, , dollars] = line.trim().split(/\s+/) as [
        string,
        string,
        string,
        string,
        string,
      ];
      return {
        customerId: String(Number(sample)),
        date: `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6)}`,
        amount: Number(dollars),
      };
    });
}

export interface LtvGolden {
  versions: Record<string, string>;
  hyp2f1: { a: number; b: number; c: number; z: number; value: number }[];
  bgnbd: {
    params: { r: number; alpha: number; a: number; b: number };
    x: number;
    tx: number;
    T: number;
    t: number;
    logLikelihood: number;
    probabilityAlive: number;
    conditionalExpected: number;
    newCustomerExpected: number;
  }[];
  gammaGamma: {
    params: { p: number; q: number; gamma: number };
    x: number;
    monetaryValue: number;
    logLikelihood: number;
    expectedSpend: number;
  }[];
  cdnow: {
    bgnbd: { params: { r: number; alpha: number; a: number; b: number }; logLikelihood: number };
    bgnbdLogLikelihoodAtPaper: number;
    gammaGamma: {
      params: { p: number; q: number; gamma: number };
      logLikelihood: number;
      customers: number;
      correlation: number;
    };
  };
  cdnowHoldout: {
    params: { r: number; alpha: number; a: number; b: number };
    logLikelihood: number;
    customers: number;
    horizon: number;
    calibration: { predicted: number; actual: number };
    totalPredicted: number;
    totalActual: number;
    meanAbsoluteError: number;
    byFrequency: { x: string; customers: number; predicted: number; actual: number }[];
    simulatedTotal: { sims: number; seed: number; mean: number; sd: number };
  };
}

/** numpy 1.24 / scipy 1.10: test/fixtures/golden/ltv/make_golden.py. */
export const golden: LtvGolden = JSON.parse(read('ltv-golden.json')) as LtvGolden;

/** |a - b| / |b|. */
export const relativeError = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
