import { describe, expect, it } from 'vitest';
import { isoDate, parseIsoDate, timeTicks } from '#report/charts/time-axis.ts';

const utc = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d);

describe('parseIsoDate', () => {
  it('reads ISO dates and months as UTC', () => {
    expect(parseIsoDate('2024-02-29')).toBe(utc(2024, 2, 29));
    expect(parseIsoDate('2024-03')).toBe(utc(2024, 3, 1));
    expect(isoDate(utc(2024, 2, 29))).toBe('2024-02-29');
  });

  it('refuses what is not a calendar date', () => {
    for (const text of [
      '2023-02-29',
      '2024-13-01',
      '2024-00-10',
      '2024/01/01',
      '01/02/2024',
      '',
      '2024-01-01T00:00:00Z',
    ]) {
      expect(parseIsoDate(text), text).toBeNull();
    }
  });
});

describe('timeTicks', () => {
  it('puts three years of days on half years, the year written once each', () => {
    const ticks = timeTicks(utc(2022, 1, 1), utc(2024, 12, 30), 9);
    expect(ticks.map((t) => t.label)).toEqual([
      'Jan 2022',
      'Jul',
      'Jan 2023',
      'Jul',
      'Jan 2024',
      'Jul',
    ]);
    for (const t of ticks) expect(new Date(t.time).getUTCDate()).toBe(1);
  });

  it('puts a year of days on month or quarter starts', () => {
    const ticks = timeTicks(utc(2024, 1, 15), utc(2024, 12, 31), 13);
    expect(ticks[0]?.label).toBe('Feb 2024');
    expect(ticks.map((t) => isoDate(t.time))).toContain('2024-12-01');
    const quarters = timeTicks(utc(2024, 1, 15), utc(2024, 12, 31), 5);
    expect(quarters.map((t) => t.label)).toEqual(['Apr 2024', 'Jul', 'Oct']);
  });

  it('puts a few weeks on Mondays and a few days on days', () => {
    const weeks = timeTicks(utc(2024, 12, 20), utc(2025, 1, 31), 8);
    expect(weeks.map((t) => t.label)).toEqual([
      'Dec 23, 2024',
      'Dec 30',
      'Jan 6, 2025',
      'Jan 13',
      'Jan 20',
      'Jan 27',
    ]);
    for (const t of weeks) expect(new Date(t.time).getUTCDay()).toBe(1);
    const days = timeTicks(utc(2024, 3, 1), utc(2024, 3, 4), 8);
    expect(days.map((t) => t.label)).toEqual(['Mar 1, 2024', 'Mar 2', 'Mar 3', 'Mar 4']);
  });

  it('puts decades on years', () => {
    const ticks = timeTicks(utc(1990, 1, 1), utc(2024, 1, 1), 8);
    expect(ticks.map((t) => t.label)).toEqual([
      '1990',
      '1995',
      '2000',
      '2005',
      '2010',
      '2015',
      '2020',
    ]);
  });
});
