import { describe, expect, it } from 'vitest';
import {
  baselineFor,
  overlaps,
  parsePeriod,
  periodContaining,
  previousPeriod,
  yearEarlier,
} from '#analysis/drivers/periods.ts';

describe('periods of `insights explain`', () => {
  it('reads a day, a month, a quarter and a year as half-open ranges of days', () => {
    expect(parsePeriod('2024-03-14')).toEqual({
      kind: 'day',
      label: '2024-03-14',
      from: '2024-03-14',
      to: '2024-03-15',
    });
    expect(parsePeriod('2024-02')).toEqual({
      kind: 'month',
      label: '2024-02',
      from: '2024-02-01',
      to: '2024-03-01',
    });
    expect(parsePeriod('2024-Q4')).toEqual({
      kind: 'quarter',
      label: '2024-Q4',
      from: '2024-10-01',
      to: '2025-01-01',
    });
    expect(parsePeriod(' 2024q1 ')).toMatchObject({ label: '2024-Q1', to: '2024-04-01' });
    expect(parsePeriod('2024')).toEqual({
      kind: 'year',
      label: '2024',
      from: '2024-01-01',
      to: '2025-01-01',
    });
    expect(parsePeriod('2024-12-31').to).toBe('2025-01-01');
    expect(parsePeriod('0099').from).toBe('0099-01-01');
  });

  it('refuses what is not a period, naming the option and the forms', () => {
    expect(() => parsePeriod('2024-13', '--target')).toThrow(
      /--target "2024-13" is not a period: there is no month 13/,
    );
    expect(() => parsePeriod('2023-02-29')).toThrow(/2023-02-29 is not a day of the calendar/);
    expect(() => parsePeriod('2024-Q5')).toThrow(/a quarter \(2024-Q1\)/);
    expect(() => parsePeriod('March')).toThrow(/is not a period: use a day/);
    expect(() => parsePeriod('')).toThrow(/is not a period/);
  });

  it('finds the period before, of the same kind, across month and year ends', () => {
    expect(previousPeriod(parsePeriod('2024-03-01')).label).toBe('2024-02-29');
    expect(previousPeriod(parsePeriod('2024-01')).label).toBe('2023-12');
    expect(previousPeriod(parsePeriod('2024-Q1'))).toMatchObject({
      label: '2023-Q4',
      from: '2023-10-01',
      to: '2024-01-01',
    });
    expect(previousPeriod(parsePeriod('2024')).label).toBe('2023');
  });

  it('finds the same period a year earlier; 29 February has 28 February', () => {
    expect(yearEarlier(parsePeriod('2024-02-29'))).toMatchObject({
      label: '2023-02-28',
      to: '2023-03-01',
    });
    expect(yearEarlier(parsePeriod('2024-03')).label).toBe('2023-03');
    expect(yearEarlier(parsePeriod('2024-Q2')).label).toBe('2023-Q2');
  });

  it('reads --baseline: previous (the default), last-year, or a period', () => {
    const target = parsePeriod('2024-03');
    expect(baselineFor(target).label).toBe('2024-02');
    expect(baselineFor(target, 'previous').label).toBe('2024-02');
    expect(baselineFor(target, 'Last-Year').label).toBe('2023-03');
    expect(baselineFor(target, '2023-Q4').label).toBe('2023-Q4');
    expect(() => baselineFor(target, 'yesterday')).toThrow(
      /--baseline "yesterday" is not a period: .*, previous or last-year/,
    );
  });

  it('gives the period that holds a date, and tells overlapping periods', () => {
    expect(periodContaining('month', '2024-03-14 10:00:00').label).toBe('2024-03');
    expect(periodContaining('quarter', '2024-08-31').label).toBe('2024-Q3');
    expect(periodContaining('year', '2024-08-31').label).toBe('2024');
    expect(periodContaining('day', '2024-08-31').label).toBe('2024-08-31');
    expect(overlaps(parsePeriod('2024-Q1'), parsePeriod('2024-03'))).toBe(true);
    expect(overlaps(parsePeriod('2024-02'), parsePeriod('2024-03'))).toBe(false);
    expect(overlaps(parsePeriod('2024'), parsePeriod('2023-12-31'))).toBe(false);
  });
});
