import { describe, expect, it } from 'vitest';
import { aggregationOf } from '#analysis/measures.ts';
import {
  daysInMonth,
  gapsIn,
  isPartial,
  monthlyTrends,
  relativeChange,
  shiftMonth,
} from '#analysis/trends.ts';
import type { MonthlyPoint } from '#query/aggregates.ts';

const point = (month: string, revenue: number, price: number): MonthlyPoint => ({
  month,
  rows: 1,
  sums: { revenue, price: price * daysInMonth(month) },
  means: { revenue: revenue / daysInMonth(month), price },
});

describe('calendar helpers', () => {
  it('knows month lengths, leap years included', () => {
    expect(daysInMonth('2024-02')).toBe(29);
    expect(daysInMonth('2023-02')).toBe(28);
    expect(daysInMonth('2024-12')).toBe(31);
  });

  it('shifts months across years', () => {
    expect(shiftMonth('2024-01', -1)).toBe('2023-12');
    expect(shiftMonth('2024-11', -12)).toBe('2023-11');
    expect(shiftMonth('2023-12', 1)).toBe('2024-01');
  });

  it('finds the calendar months with no rows', () => {
    expect(gapsIn(['2024-01', '2024-04', '2024-02'])).toEqual(['2024-03']);
    expect(gapsIn(['2023-12', '2024-01'])).toEqual([]);
    expect(gapsIn([])).toEqual([]);
  });
});

describe('isPartial', () => {
  it('marks the ends of daily data that start late or stop early in a month', () => {
    const daily = { first: '2022-01-01', last: '2024-12-30', periodDays: 1 };
    expect(isPartial('2022-01', daily)).toBe(false);
    expect(isPartial('2024-11', daily)).toBe(false);
    expect(isPartial('2024-12', daily)).toBe(true);
    expect(isPartial('2023-03', { first: '2023-03-02', last: '2023-05-31', periodDays: 1 })).toBe(
      true,
    );
  });

  it('never marks monthly data, dated on the 1st or the last day', () => {
    expect(isPartial('2024-12', { first: '2022-01-01', last: '2024-12-01', periodDays: 30 })).toBe(
      false,
    );
    expect(
      isPartial('2022-01', { first: '2022-01-31', last: '2024-12-31', periodDays: 30.5 }),
    ).toBe(false);
  });

  it('marks weekly data only when a whole week of the month is uncovered', () => {
    const weekly = { first: '2024-01-03', last: '2024-03-27', periodDays: 7 };
    expect(isPartial('2024-01', weekly)).toBe(false);
    expect(isPartial('2024-03', weekly)).toBe(false);
    expect(isPartial('2024-03', { ...weekly, last: '2024-03-20' })).toBe(true);
  });
});

describe('monthlyTrends', () => {
  // 25 full months plus a partial last one whose small total must not count as a drop.
  const months = Array.from({ length: 26 }, (_, i) => shiftMonth('2023-01', i));
  const points = months.map((m, i) => point(m, i === 25 ? 10 : 1000 + 10 * i, 5));
  const coverage = { first: '2023-01-01', last: '2025-02-03', periodDays: 1 };
  const [revenue, price] = monthlyTrends('sales', 'date', ['revenue', 'price'], points, coverage);

  it('compares the last full month with the one before and with a year earlier', () => {
    expect(revenue!.lastFullMonth).toBe('2025-01');
    expect(revenue!.monthOverMonth).toMatchObject({
      from: '2024-12',
      to: '2025-01',
      fromValue: 1230,
      toValue: 1240,
    });
    expect(revenue!.monthOverMonth!.change).toBeCloseTo(10 / 1230, 12);
    expect(revenue!.yearOverYear).toMatchObject({ from: '2024-01', fromValue: 1120 });
    expect(revenue!.yearOverYear!.change).toBeCloseTo(120 / 1120, 12);
  });

  it('totals the trailing twelve months against the twelve before', () => {
    // Months 13..24 (values 1130..1240) against months 1..12 (1010..1120).
    const last = Array.from({ length: 12 }, (_, i) => 1130 + 10 * i).reduce((a, b) => a + b);
    const prior = Array.from({ length: 12 }, (_, i) => 1010 + 10 * i).reduce((a, b) => a + b);
    expect(revenue!.trailingTwelve!.value).toBe(last);
    expect(revenue!.trailingTwelve!.previous).toBe(prior);
  });

  it('fits the slope of a straight line exactly', () => {
    expect(revenue!.slopePerMonth).toBeCloseTo(10, 9);
  });

  it('keeps the partial month but marks it', () => {
    expect(revenue!.months.at(-1)).toMatchObject({ month: '2025-02', partial: true });
    expect(revenue!.missingMonths).toEqual([]);
  });

  it('averages levels such as prices instead of adding them up', () => {
    expect(price!.aggregation).toBe('mean');
    expect(price!.monthOverMonth!.toValue).toBe(5);
    expect(price!.monthOverMonth!.change).toBe(0);
  });

  it('says nothing with fewer than two full months', () => {
    expect(monthlyTrends('s', 'date', ['revenue'], points.slice(0, 1), coverage)).toEqual([]);
  });

  it('never bridges a missing month, and fits the slope on calendar positions', () => {
    // A straight line of +10 a month with June 2024 missing: no comparison across the gap.
    const gappy = points.slice(0, 25).filter((p) => p.month !== '2024-06');
    const [t] = monthlyTrends('s', 'date', ['revenue'], gappy, { ...coverage, last: '2025-01-31' });
    expect(t!.missingMonths).toEqual(['2024-06']);
    expect(t!.trailingTwelve).toBeUndefined();
    expect(t!.slopePerMonth).toBeCloseTo(10, 9);
    const [jul] = monthlyTrends(
      's',
      'date',
      ['revenue'],
      gappy.filter((p) => p.month <= '2024-07'),
      {
        ...coverage,
        last: '2024-07-31',
      },
    );
    expect(jul!.lastFullMonth).toBe('2024-07');
    expect(jul!.monthOverMonth).toBeUndefined();
    expect(jul!.yearOverYear).toMatchObject({ from: '2023-07' });
  });

  it('treats the last row of monthly data as a full month', () => {
    const monthly = points.slice(0, 24);
    const [t] = monthlyTrends('s', 'month', ['revenue'], monthly, {
      first: '2023-01-01',
      last: '2024-12-01',
      periodDays: 30.5,
    });
    expect(t!.lastFullMonth).toBe('2024-12');
    expect(t!.months.some((m) => m.partial)).toBe(false);
  });
});

describe('aggregationOf and relativeChange', () => {
  it('adds up amounts and averages levels', () => {
    expect(aggregationOf('net_amount')).toBe('sum');
    expect(aggregationOf('quantity')).toBe('sum');
    expect(aggregationOf('unit_price')).toBe('mean');
    expect(aggregationOf('engagement_score')).toBe('mean');
    expect(aggregationOf('pricey_things')).toBe('sum');
  });

  it('has no relative change from zero', () => {
    expect(relativeChange(0, 5)).toBeUndefined();
    expect(relativeChange(-10, -5)).toBe(0.5);
  });
});
