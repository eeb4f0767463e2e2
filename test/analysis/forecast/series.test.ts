import { describe, expect, it } from 'vitest';
import { buildSeries, dayNumber, futureDates, type SeriesRow } from '#analysis/forecast/series.ts';

const source = { file: 'sales.csv', timeColumn: 'date' };

function days(start: string, n: number, every = 1): string[] {
  const d0 = dayNumber(start)!;
  return Array.from({ length: n }, (_, i) =>
    new Date((d0 + i * every) * 86_400_000).toISOString().slice(0, 10),
  );
}

describe('series preparation', () => {
  it('detects daily, weekly and monthly spacing', () => {
    const rows = (dates: string[]): SeriesRow[] => dates.map((time, i) => ({ time, value: i }));
    expect(buildSeries(rows(days('2024-01-01', 10)), source)[0]!.frequency).toBe('daily');
    expect(buildSeries(rows(days('2024-01-01', 10, 7)), source)[0]!.frequency).toBe('weekly');
    const monthly = buildSeries(
      rows(['2024-01-31', '2024-02-29', '2024-03-31', '2024-04-30']),
      source,
    )[0]!;
    expect(monthly.frequency).toBe('monthly');
    expect(futureDates(monthly, 2)).toEqual(['2024-05-31', '2024-06-30']);
    const firsts = buildSeries(rows(['2023-11-01', '2023-12-01', '2024-01-01']), source)[0]!;
    expect(futureDates(firsts, 2)).toEqual(['2024-02-01', '2024-03-01']);
  });

  it('accepts midnight timestamps, sorts, and splits by series id', () => {
    const rows: SeriesRow[] = [
      { time: '2024-01-02 00:00:00', value: 2, series: 'b' },
      { time: '2024-01-01 00:00:00', value: 1, series: 'b' },
      { time: '2024-01-01T00:00:00', value: 5, series: 'a' },
      { time: '2024-01-02', value: 6, series: 'a' },
    ];
    const series = buildSeries(rows, { ...source, seriesColumn: 'store' });
    expect(series.map((s) => s.id)).toEqual(['a', 'b']);
    expect(series[1]!.values).toEqual([1, 2]);
    expect(series[1]!.dates).toEqual(['2024-01-01', '2024-01-02']);
  });

  it('fills inner gaps by interpolation, marks and reports them; drops empty ends', () => {
    const rows: SeriesRow[] = [
      { time: '2024-01-01', value: null },
      { time: '2024-01-02', value: 10 },
      { time: '2024-01-03', value: null },
      // 2024-01-04 has no row at all
      { time: '2024-01-05', value: 16 },
      { time: '2024-01-06', value: 18 },
      { time: '2024-01-07', value: 20 },
      { time: '2024-01-08', value: null },
    ];
    const [s] = buildSeries(rows, source);
    expect(s!.dates).toEqual(days('2024-01-02', 6));
    expect(s!.values).toEqual([10, 12, 14, 16, 18, 20]);
    expect(s!.observed).toEqual([true, false, false, true, true, true]);
    expect(s!.filled).toEqual(['2024-01-03', '2024-01-04']);
    expect(s!.notes.join('\n')).toMatch(
      /2 missing daily value\(s\) filled by linear interpolation/,
    );
    expect(s!.notes.join('\n')).toMatch(/1 leading period/);
    expect(s!.notes.join('\n')).toMatch(/1 trailing period/);
  });

  it('refuses an irregular time column, naming the file and column', () => {
    const rows = ['2024-01-01', '2024-01-04', '2024-01-09', '2024-01-11'].map((time) => ({
      time,
      value: 1,
    }));
    expect(() => buildSeries(rows, source)).toThrow(
      /sales\.csv, column date: the time column is irregular \(steps of 2, 3, 5 days/,
    );
    const weeklyOff = ['2024-01-01', '2024-01-08', '2024-01-16'].map((time) => ({
      time,
      value: 1,
    }));
    expect(() => buildSeries(weeklyOff, source)).toThrow(/irregular/);
  });

  it('refuses times of day, duplicates, and too sparse series', () => {
    expect(() => buildSeries([{ time: '2024-01-01 10:30:00', value: 1 }], source)).toThrow(
      /hourly and finer series are not supported/,
    );
    expect(() =>
      buildSeries(
        [
          { time: '2024-01-01', value: 1 },
          { time: '2024-01-01', value: 2 },
        ],
        source,
      ),
    ).toThrow(/2024-01-01 appears more than once/);
    const sparse = ['2024-01-01', '2024-01-02', '2024-01-06', '2024-01-09'].map((time) => ({
      time,
      value: 1,
    }));
    expect(() => buildSeries(sparse, source)).toThrow(/5 of 9 daily periods have no value/);
  });

  it('refuses a series of one point', () => {
    expect(() => buildSeries([{ time: '2024-01-01', value: 1 }], source)).toThrow(
      /1 point\(s\): too few/,
    );
  });
});
