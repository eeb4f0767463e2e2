import { linearRegression, mean } from 'simple-statistics';
import type { MonthlyPoint, TimeCoverage } from '#query/aggregates.ts';
import type { MonthValue, TrendFinding } from '#report/findings.ts';
import { aggregationOf } from './measures.ts';

/**
 * Monthly totals (or means, for levels such as prices) of each measure, with growth month
 * over month and year over year between full calendar months only: a first or last month
 * that the data covers in part would show a fake drop, and a month with no rows at all is
 * a gap, named in the finding, never bridged by comparing the months around it.
 */
export function monthlyTrends(
  dataset: string,
  timeColumn: string,
  measures: string[],
  points: MonthlyPoint[],
  coverage: TimeCoverage,
): TrendFinding[] {
  const missingMonths = gapsIn(points.map((p) => p.month));
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
    const full = new Map(months.filter((m) => !m.partial).map((m) => [m.month, m]));
    const fullMonths = [...full.values()];
    if (fullMonths.length < 2) return [];
    const last = fullMonths[fullMonths.length - 1]!;
    const previous = full.get(shiftMonth(last.month, -1));
    const yearAgo = full.get(shiftMonth(last.month, -12));
    const window = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => full.get(shiftMonth(last.month, from + i - 23)));
    const [priorTwelve, lastTwelve] = [window(0, 12), window(12, 24)];
    const complete = (ms: (MonthValue | undefined)[]): ms is MonthValue[] => ms.every(Boolean);
    // The slope is fitted against the month's position in the calendar, so a gap stays a gap.
    const origin = monthIndex(fullMonths[0]!.month);
    const slope =
      fullMonths.length >= 3
        ? linearRegression(fullMonths.map((m) => [monthIndex(m.month) - origin, m.value])).m
        : undefined;
    const average = mean(fullMonths.map((m) => m.value));
    return [
      {
        id: `trend:${dataset}:${column}`,
        kind: 'monthly_trend',
        dataset,
        column,
        timeColumn,
        aggregation,
        months,
        missingMonths,
        lastFullMonth: last.month,
        monthOverMonth: previous ? growth(previous, last) : undefined,
        yearOverYear: yearAgo ? growth(yearAgo, last) : undefined,
        trailingTwelve:
          complete(priorTwelve) && complete(lastTwelve)
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

/**
 * A month is partial when the data starts or ends inside it by at least one period:
 * daily data ending on 30 December leaves December partial, weekly data ending on the 28th
 * does not, and monthly data (one row per month) is never partial.
 */
export function isPartial(month: string, coverage: TimeCoverage): boolean {
  const period = coverage.periodDays ?? 1;
  if (period >= 28) return false;
  const start = Date.UTC(...yearMonth(month), 1);
  const end = Date.UTC(...yearMonth(month), daysInMonth(month));
  const first = Date.parse(`${coverage.first.slice(0, 10)}T00:00:00Z`);
  const last = Date.parse(`${coverage.last.slice(0, 10)}T00:00:00Z`);
  const startsLate = first > start && (first - start) / DAY >= period;
  const endsEarly = last < end && (end - last) / DAY >= period;
  return (
    (first >= start && first <= end && startsLate) || (last >= start && last <= end && endsEarly)
  );
}

/** Calendar months between the first and last month of `months` that have no rows. */
export function gapsIn(months: string[]): string[] {
  if (months.length === 0) return [];
  const present = new Set(months);
  const sorted = [...present].sort();
  const gaps: string[] = [];
  for (let m = sorted[0]!; m < sorted[sorted.length - 1]!; m = shiftMonth(m, 1)) {
    if (!present.has(m)) gaps.push(m);
  }
  return gaps;
}

const DAY = 86_400_000;

function yearMonth(month: string): [number, number] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return [y, m - 1];
}

function monthIndex(month: string): number {
  const [y, m] = yearMonth(month);
  return y * 12 + m;
}

export function daysInMonth(month: string): number {
  const [y, m] = yearMonth(month);
  return new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
}

export function shiftMonth(month: string, delta: number): string {
  const [y, m] = yearMonth(month);
  const d = new Date(Date.UTC(y, m + delta, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}
