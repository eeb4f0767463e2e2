import { linearRegression, mean } from 'simple-statistics';
import type { MonthlyPoint } from '#query/aggregates.ts';
import type { MonthValue, TrendFinding } from '#report/findings.ts';
import { aggregationOf } from './measures.ts';

export interface Coverage {
  /** First and last date with data, `YYYY-MM-DD`. */
  first: string;
  last: string;
}

/**
 * Monthly totals (or means, for levels such as prices) of each measure, with growth month
 * over month and year over year between full months only: a first or last month that the
 * data covers in part would show a fake drop.
 */
export function monthlyTrends(
  dataset: string,
  timeColumn: string,
  measures: string[],
  points: MonthlyPoint[],
  coverage: Coverage,
): TrendFinding[] {
  return measures.flatMap((column) => {
    const aggregation = aggregationOf(column);
    const months: MonthValue[] = points
      .map((p) => ({
        month: p.month,
        value: aggregation === 'sum' ? p.sums[column] : p.means[column],
        rows: p.rows,
        partial: isPartial(p.month, coverage),
      }))
      .filter((m): m is MonthValue => m.value !== null && m.value !== undefined);
    const full = months.filter((m) => !m.partial);
    if (full.length < 2) return [];
    const last = full[full.length - 1]!;
    const previous = full[full.length - 2]!;
    const yearAgo = full.find((m) => m.month === shiftMonth(last.month, -12));
    const lastTwelve = full.slice(-12);
    const priorTwelve = full.slice(-24, -12);
    const average = mean(full.map((m) => m.value));
    const slope =
      full.length >= 3 ? linearRegression(full.map((m, i) => [i, m.value])).m : undefined;
    return [
      {
        id: `trend:${dataset}:${column}`,
        kind: 'monthly_trend',
        dataset,
        column,
        timeColumn,
        aggregation,
        months,
        lastFullMonth: last.month,
        monthOverMonth: growth(previous, last),
        yearOverYear: yearAgo ? growth(yearAgo, last) : undefined,
        trailingTwelve:
          priorTwelve.length === 12 && lastTwelve.length === 12
            ? {
                from: `${lastTwelve[0]!.month}..${last.month}`,
                value: total(lastTwelve, aggregation),
                previous: total(priorTwelve, aggregation),
                change: relativeChange(
                  total(priorTwelve, aggregation),
                  total(lastTwelve, aggregation),
                ),
              }
            : undefined,
        slopePerMonth: slope,
        slopeShareOfMean:
          slope !== undefined && average !== 0 ? slope / Math.abs(average) : undefined,
      },
    ];
  });
}

function growth(from: MonthValue, to: MonthValue) {
  return {
    from: from.month,
    to: to.month,
    fromValue: from.value,
    toValue: to.value,
    change: relativeChange(from.value, to.value),
  };
}

/** (b - a) / |a|, or undefined when a is 0. */
export function relativeChange(a: number, b: number): number | undefined {
  return a === 0 ? undefined : (b - a) / Math.abs(a);
}

function total(months: MonthValue[], aggregation: 'sum' | 'mean'): number {
  const sum = months.reduce((s, m) => s + m.value, 0);
  return aggregation === 'sum' ? sum : sum / months.length;
}

/** A month is partial when the data starts after its first day or ends before its last. */
export function isPartial(month: string, coverage: Coverage): boolean {
  const first = `${month}-01`;
  const last = `${month}-${String(daysInMonth(month)).padStart(2, '0')}`;
  return coverage.first.slice(0, 10) > first || coverage.last.slice(0, 10) < last;
}

export function daysInMonth(month: string): number {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

export function shiftMonth(month: string, delta: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + delta, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
