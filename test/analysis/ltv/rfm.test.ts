import { describe, expect, it } from 'vitest';
import { LtvInputError } from '#analysis/ltv/errors.ts';
import { dayOf, rfmSummaries, rfmSummary } from '#analysis/ltv/rfm.ts';
import { cdnowSummary, cdnowTransactions } from './fixtures.ts';

describe('rfmSummary', () => {
  it("reproduces CDNOW's published calibration summary for all 2,357 customers", () => {
    // cdnow_customers_summary_with_transactions.csv (Fader, Hardie and Lee 2005's data, via
    // lifetimes): x, t_x and T in weeks and zbar in dollars, all rounded to 2 decimals.
    const published = new Map(cdnowSummary().map((row) => [row.id, row]));
    const ours = rfmSummaries(cdnowTransactions(), { end: '1997-09-30', unit: 'weeks' });
    expect(ours).toHaveLength(2357);
    const differ = ours.filter((c) => {
      const p = published.get(c.customerId)!;
      return (
        c.x !== p.x ||
        Math.abs(c.tx - p.tx) > 0.005 + 1e-9 ||
        Math.abs(c.T - p.T) > 0.005 + 1e-9 ||
        Math.abs(c.monetaryValue! - p.zbar) > 0.005 + 1e-9
      );
    });
    // None differs: same-day purchases merged (177 customer-days in the raw file hold more
    // than one purchase; counting each would change x for 80 customers), times in days / 7.
    expect(differ).toEqual([]);
  });

  it("counts CDNOW's first customer as the paper does", () => {
    // Sample id 1: 1997-01-01 (first), 01-18 and 08-02 in the calibration period, 12-12 after.
    const purchases = cdnowTransactions().filter((t) => t.customerId === '1');
    expect(rfmSummary(purchases, { end: '1997-09-30', unit: 'weeks' })).toEqual({
      x: 2,
      tx: 213 / 7,
      T: 272 / 7,
      monetaryValue: (29.73 + 14.96) / 2,
      firstPurchase: '1997-01-01',
      lastPurchase: '1997-08-02',
    });
    expect(rfmSummary(purchases, { end: '1997-09-30' })).toMatchObject({ tx: 213, T: 272 });
  });

  it('merges purchases of one day into one occasion and sums their amounts', () => {
    const s = rfmSummary(
      [
        { date: '2024-03-01', amount: 10 },
        { date: '2024-03-05', amount: 4 },
        { date: '2024-03-05T18:30:00Z', amount: 6 },
        { date: new Date(Date.UTC(2024, 2, 9, 12)), amount: 20 },
        { date: '2024-04-02', amount: 99 }, // after the end: not known yet
      ],
      { end: '2024-03-31' },
    );
    expect(s).toEqual({
      x: 2,
      tx: 8,
      T: 30,
      monetaryValue: 15, // (4 + 6 + 20) / 2: the first purchase is not a repeat purchase
      firstPurchase: '2024-03-01',
      lastPurchase: '2024-03-09',
    });
  });

  it('decides the edge cases', () => {
    const end = { end: '2024-03-31' };
    // One purchase only: x = 0, monetary value 0 as in lifetimes.
    expect(rfmSummary([{ date: '2024-03-10', amount: 5 }], end)).toMatchObject({
      x: 0,
      tx: 0,
      T: 21,
      monetaryValue: 0,
    });
    // Nothing on or before the end: no summary.
    expect(rfmSummary([{ date: '2024-04-10' }], end)).toBeUndefined();
    expect(rfmSummary([], end)).toBeUndefined();
    // Amounts missing: no monetary value, frequency and recency still there.
    expect(rfmSummary([{ date: '2024-03-01' }, { date: '2024-03-02' }], end)).toMatchObject({
      x: 1,
      monetaryValue: null,
    });
    // A first purchase on the end date: T = 0.
    expect(rfmSummary([{ date: '2024-03-31' }], end)).toMatchObject({ x: 0, T: 0 });
  });

  it('refuses dates and amounts it cannot read', () => {
    const end = { end: '2024-03-31' };
    expect(() => rfmSummary([{ date: '2024-02-30' }], end)).toThrow(LtvInputError);
    expect(() => rfmSummary([{ date: '03/01/2024' }], end)).toThrow(/YYYY-MM-DD/);
    expect(() => rfmSummary([{ date: '2024-03-01', amount: NaN }], end)).toThrow(/amount/);
    expect(() => rfmSummary([{ date: '2024-03-01' }], { end: 'soon' })).toThrow(LtvInputError);
    expect(dayOf('1970-01-02')).toBe(1);
  });
});
