import { describe, expect, it } from 'vitest';
import { calibrationEnd, summaryOf, unitFor } from '#analysis/customers/lifetime-value.ts';
import { nameSegments, profileSegments, segmentCustomers } from '#analysis/customers/segments.ts';
import type { CustomerActivity } from '#query/customers.ts';

const activity = (over: Partial<CustomerActivity>): CustomerActivity => ({
  customer: 'C1',
  days: 3,
  orders: 4,
  first: '2024-01-01',
  last: '2024-01-15',
  value: 130,
  firstDayValue: 30,
  main: {},
  ...over,
});

describe('the BG/NBD summary of a customer', () => {
  it('counts repeat purchase days, times from the first purchase, and the mean repeat spend', () => {
    // 3 purchase days: x = 2 repeats; last 14 days after the first; the end 28 days after it.
    expect(summaryOf(activity({}), '2024-01-29', 'days')).toEqual({
      x: 2,
      tx: 14,
      T: 28,
      monetaryValue: (130 - 30) / 2,
    });
    expect(summaryOf(activity({}), '2024-01-29', 'weeks')).toMatchObject({ tx: 2, T: 4 });
    expect(summaryOf(activity({ days: 1, value: 30 }), '2024-01-29', 'days').monetaryValue).toBe(0);
  });

  it('holds out the last third of the span, at most a year; weeks from half a year of data', () => {
    expect(calibrationEnd('2023-01-01', '2023-12-31')).toBe('2023-09-01');
    expect(calibrationEnd('2020-01-01', '2024-12-31')).toBe('2024-01-01');
    expect(unitFor('2024-01-01', '2024-03-01')).toBe('days');
    expect(unitFor('2024-01-01', '2024-12-01')).toBe('weeks');
  });
});

describe('segments', () => {
  it('names segments from their standardised centres by the stated rules, telling duplicates apart', () => {
    // recency, frequency, monetary, tenure
    expect(
      nameSegments([
        [-1, 1, 1, 0.5],
        [1, -1, 1, 0],
        [-0.5, -1, -1, -1],
        [1, -0.5, -0.5, 0.5],
        [-0.2, 0.3, 0, 0],
        [0.2, -0.2, -0.4, 0],
        [0.3, 0.4, 0.2, 0],
      ]),
    ).toEqual([
      'High-value loyalists',
      'At-risk high spenders',
      'New customers',
      'Lapsed',
      'Active regulars',
      'Occasional buyers',
      'Steady customers',
    ]);
    expect(
      nameSegments([
        [1, -1, -1, 0],
        [1, -0.5, 0, 0],
      ]),
    ).toEqual(['Lapsed (lower value)', 'Lapsed (higher value)']);
  });

  it('finds planted groups of customers and profiles them in original units, the same every time', () => {
    // Three groups of 40: loyal big spenders, lapsed small ones, and newcomers.
    const customers = Array.from({ length: 120 }, (_, i) => {
      const g = i % 3;
      const wobble = 1 + ((i * 7) % 10) / 50;
      return g === 0
        ? {
            recency: 5 * wobble,
            frequency: 40 * wobble,
            monetary: 5000 * wobble,
            tenure: 700,
            main: { channel: 'web' },
          }
        : g === 1
          ? {
              recency: 300 * wobble,
              frequency: 3,
              monetary: 200 * wobble,
              tenure: 650,
              main: { channel: 'store' },
            }
          : {
              recency: 10 * wobble,
              frequency: 2,
              monetary: 150 * wobble,
              tenure: 30 * wobble,
              main: { channel: 'web' },
            };
    });
    const a = segmentCustomers(customers);
    const b = segmentCustomers(customers);
    expect(a.choice.k).toBe(3);
    expect(Array.from(a.labels)).toEqual(Array.from(b.labels));
    const profiles = profileSegments(customers, a, [{ alias: 'channel', column: 'channel' }]);
    const byName = Object.fromEntries(profiles.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual(['High-value loyalists', 'Lapsed', 'New customers']);
    expect(byName['High-value loyalists']).toMatchObject({
      customers: 40,
      shareOfCustomers: 1 / 3,
    });
    expect(byName['Lapsed']!.top[0]!.values).toEqual([{ value: 'store', share: 1 }]);
    expect(profiles.reduce((s, p) => s + (p.shareOfValue ?? 0), 0)).toBeCloseTo(1, 12);
  });
});
