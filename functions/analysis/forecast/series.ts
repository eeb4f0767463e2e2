import { InputRejectedError } from '#platform/errors.ts';

/**
 * From rows of (time, value[, series id]) to regular series a model can take: the spacing
 * detected (daily, weekly, monthly), irregular time columns refused, gaps filled explicitly
 * and said.
 *
 * Gaps. A period with no row (or a row with an empty value) is MISSING, never 0: for a
 * column of sums a missing day may be a day of zero sales or a day whose file never came,
 * and only the user knows which. Missing points inside the series are filled by linear
 * interpolation between their observed neighbours for the model only: `observed` marks
 * them, backtests never score them, and the count and dates are reported. Missing points
 * before the first or after the last observed value are not invented: the series starts
 * and ends where its data do. A series with more than a third of its points missing is
 * refused (a business-day series, closed two days in seven, still passes).
 */

export type Frequency = 'daily' | 'weekly' | 'monthly';

export interface SeriesRow {
  /** ISO date `YYYY-MM-DD`, or a timestamp `YYYY-MM-DD[T ]HH:MM[:SS]` at midnight. */
  time: string;
  value: number | null;
  series?: string;
}

export interface RegularSeries {
  /** The series column's value; '' when there is no series column. */
  id: string;
  frequency: Frequency;
  /** `YYYY-MM-DD`, one per period, no gaps. */
  dates: string[];
  /** Observed values, interpolated where `observed` is false. */
  values: number[];
  observed: boolean[];
  /** Dates that were missing and interpolated. */
  filled: string[];
  /** Said to the user: gaps filled, leading or trailing missing values dropped. */
  notes: string[];
}

export interface SeriesSource {
  /** Named in every error: the file. */
  file: string;
  timeColumn: string;
  seriesColumn?: string;
}

/** A series is refused when more than this share of its periods is missing. */
export const MAX_MISSING_SHARE = 1 / 3;

/** The seasonal period of each frequency (a week of days, a year of weeks or months). */
export const SEASONAL_PERIOD: Record<Frequency, number> = { daily: 7, weekly: 52, monthly: 12 };

/** Groups rows by series id and makes each a regular series; ids sorted. */
export function buildSeries(rows: readonly SeriesRow[], source: SeriesSource): RegularSeries[] {
  const groups = new Map<string, SeriesRow[]>();
  for (const row of rows) {
    const id = row.series ?? '';
    let group = groups.get(id);
    if (!group) groups.set(id, (group = []));
    group.push(row);
  }
  if (groups.size === 0)
    throw new InputRejectedError(`${source.file} has no rows`, { file: source.file });
  return [...groups.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((id) => regularSeries(id, groups.get(id)!, source));
}

function regularSeries(id: string, rows: SeriesRow[], source: SeriesSource): RegularSeries {
  const where = `${source.file}, column ${source.timeColumn}${source.seriesColumn ? ` (series ${JSON.stringify(id)})` : ''}`;
  const reject = (message: string) =>
    new InputRejectedError(`${where}: ${message}`, {
      file: source.file,
      column: source.timeColumn,
    });
  const byDay = new Map<number, { time: string; value: number | null }>();
  for (const row of rows) {
    const day = dayNumber(row.time);
    if (day === undefined)
      throw reject(
        `${JSON.stringify(row.time)} is not a date${/\d:\d/.test(row.time) ? ' at midnight: hourly and finer series are not supported; aggregate to days first' : ''}`,
      );
    const seen = byDay.get(day);
    if (seen)
      throw reject(
        `${isoDate(day)} appears more than once: give the series column (--series) or aggregate to one row per period first`,
      );
    byDay.set(day, { time: row.time, value: row.value });
  }
  const days = [...byDay.keys()].sort((a, b) => a - b);
  if (days.length < 2) throw reject(`${days.length} point(s): too few to tell the spacing`);

  const frequency = detectFrequency(days, reject);
  const step = (day: number) =>
    frequency === 'monthly' ? addMonths(day, 1, days[0]!) : day + (frequency === 'weekly' ? 7 : 1);

  const dates: string[] = [];
  const raw: (number | null)[] = [];
  for (let day = days[0]!; day <= days[days.length - 1]!; day = step(day)) {
    dates.push(isoDate(day));
    const v = byDay.get(day)?.value;
    raw.push(v === undefined || v === null || !Number.isFinite(v) ? null : v);
  }
  const notes: string[] = [];
  const first = raw.findIndex((v) => v !== null);
  if (first < 0) throw reject(`no value: every ${frequency} period is empty`);
  let last = raw.length - 1;
  while (raw[last] === null) last--;
  if (first > 0)
    notes.push(
      `${first} leading period(s) with no value dropped (${dates[0]} .. ${dates[first - 1]})`,
    );
  if (last < raw.length - 1)
    notes.push(
      `${raw.length - 1 - last} trailing period(s) with no value dropped (${dates[last + 1]} .. ${dates[raw.length - 1]})`,
    );
  const kept = raw.slice(first, last + 1);
  const keptDates = dates.slice(first, last + 1);
  const missing = kept.filter((v) => v === null).length;
  if (missing > MAX_MISSING_SHARE * kept.length)
    throw reject(
      `${missing} of ${kept.length} ${frequency} periods have no value (more than a third): too sparse to treat as a regular series`,
    );
  const { values, observed } = interpolate(kept);
  const filled = keptDates.filter((_, i) => !observed[i]);
  if (filled.length > 0)
    notes.push(
      `${filled.length} missing ${frequency} value(s) filled by linear interpolation for the model (not scored): ${summariseDates(filled)}`,
    );
  return { id, frequency, dates: keptDates, values, observed, filled, notes };
}

function detectFrequency(days: number[], reject: (message: string) => Error): Frequency {
  const diffs = days.slice(1).map((d, i) => d - days[i]!);
  const min = Math.min(...diffs);
  if (min === 1) return 'daily';
  if (min === 7 && diffs.every((d) => d % 7 === 0)) return 'weekly';
  if (isMonthly(days)) return 'monthly';
  const distinct = [...new Set(diffs)].sort((a, b) => a - b);
  const shown = distinct.slice(0, 5).join(', ') + (distinct.length > 5 ? ', ...' : '');
  throw reject(
    `the time column is irregular (steps of ${shown} days between consecutive dates): need daily, weekly (same weekday) or monthly (same day of the month) dates`,
  );
}

/** Same day of the month throughout (or every date a month's last day), consecutive months apart. */
function isMonthly(days: number[]): boolean {
  const dates = days.map((d) => new Date(d * DAY_MS));
  const monthEnd = (x: Date) =>
    new Date(Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + 1, 0)).getUTCDate() === x.getUTCDate();
  const monthLength = (x: Date) =>
    new Date(Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + 1, 0)).getUTCDate();
  // The 30th of each month is the 28th (or 29th) in February.
  const sameDay = dates.every(
    (x) => x.getUTCDate() === Math.min(dates[0]!.getUTCDate(), monthLength(x)),
  );
  if (!sameDay && !dates.every(monthEnd)) return false;
  const index = dates.map((x) => x.getUTCFullYear() * 12 + x.getUTCMonth());
  const steps = index.slice(1).map((v, i) => v - index[i]!);
  return Math.min(...steps) === 1;
}

/** Linear interpolation of inner nulls (the ends are observed). */
function interpolate(raw: (number | null)[]): { values: number[]; observed: boolean[] } {
  const observed = raw.map((v) => v !== null);
  const values = raw.map((v) => v ?? NaN);
  let prev = 0;
  for (let i = 1; i < values.length; i++) {
    if (!observed[i]) continue;
    for (let j = prev + 1; j < i; j++)
      values[j] = values[prev]! + ((values[i]! - values[prev]!) * (j - prev)) / (i - prev);
    prev = i;
  }
  return { values, observed };
}

/** The next h dates after the series' last one, at its spacing. */
export function futureDates(
  series: Pick<RegularSeries, 'dates' | 'frequency'>,
  h: number,
  after?: string,
): string[] {
  const last = dayNumber(after ?? series.dates[series.dates.length - 1]!)!;
  const anchor = dayNumber(series.dates[0]!)!;
  const out: string[] = [];
  for (let j = 1; j <= h; j++) {
    const day =
      series.frequency === 'monthly'
        ? addMonths(last, j, anchor)
        : last + j * (series.frequency === 'weekly' ? 7 : 1);
    out.push(isoDate(day));
  }
  return out;
}

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 of a date or a midnight timestamp; undefined otherwise. */
export function dayNumber(time: string): number | undefined {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(?:Z|[+-]00:?00)?)?$/.exec(
      time.trim(),
    );
  if (!m) return undefined;
  const [, y, mo, d, hh, mm, ss, frac] = m;
  if (
    [hh, mm, ss].some((x) => x !== undefined && Number(x) !== 0) ||
    (frac !== undefined && Number(frac) !== 0)
  )
    return undefined;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d));
  const back = new Date(ms);
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() !== Number(mo) - 1) return undefined;
  return ms / DAY_MS;
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * `months` months after `day`, on the anchor's day of the month (clamped to the month's
 * end), or on the month's end when the anchor is one.
 */
function addMonths(day: number, months: number, anchorDay: number): number {
  const d = new Date(day * DAY_MS);
  const anchor = new Date(anchorDay * DAY_MS);
  const anchorIsEnd =
    new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() + 1, 0)).getUTCDate() ===
    anchor.getUTCDate();
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const end = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const dom = anchorIsEnd ? end : Math.min(anchor.getUTCDate(), end);
  return Date.UTC(y, m, dom) / DAY_MS;
}

function summariseDates(dates: string[]): string {
  return dates.length <= 5
    ? dates.join(', ')
    : `${dates.slice(0, 5).join(', ')} and ${dates.length - 5} more`;
}
