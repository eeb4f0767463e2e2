/**
 * Dates on a chart's x axis: ISO dates to UTC milliseconds, and ticks at calendar boundaries
 * (days, Mondays, month starts, quarters, half years, years) labelled in English. UTC
 * throughout, so the same input gives the same chart in every time zone.
 */

export const DAY_MS = 86_400_000;

const ISO_DATE = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/;

/**
 * `YYYY-MM-DD` (or `YYYY-MM`, the month's first day) as UTC milliseconds; null when the text
 * is not such a date or names a day the calendar does not have.
 * @example parseIsoDate('2024-02-29') // 1709164800000
 */
export function parseIsoDate(text: string): number | null {
  const m = ISO_DATE.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = m[3] === undefined ? 1 : Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return null;
  const time = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2023-02-30 over to March: a different month means no such day.
  return new Date(time).getUTCMonth() === month - 1 ? time : null;
}

/** UTC milliseconds as `YYYY-MM-DD`. */
export function isoDate(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

export interface TimeTick {
  time: number;
  label: string;
}

type Unit = 'day' | 'week' | 'month' | 'year';

/** Candidate tick intervals, finest first, with their length in days for the choice. */
const INTERVALS: readonly { unit: Unit; step: number; days: number }[] = [
  { unit: 'day', step: 1, days: 1 },
  { unit: 'day', step: 2, days: 2 },
  { unit: 'week', step: 1, days: 7 },
  { unit: 'week', step: 2, days: 14 },
  { unit: 'month', step: 1, days: 30.44 },
  { unit: 'month', step: 3, days: 91.31 },
  { unit: 'month', step: 6, days: 182.62 },
  ...[1, 2, 5, 10, 20, 50, 100].map((step) => ({
    unit: 'year' as const,
    step,
    days: 365.25 * step,
  })),
];

const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
] as const;

/** 1970-01-05, the first Monday of the epoch, in days. */
const FIRST_MONDAY = 4;

function tickTimes(unit: Unit, step: number, min: number, max: number): number[] {
  const times: number[] = [];
  if (unit === 'day' || unit === 'week') {
    const every = unit === 'day' ? step : 7 * step;
    const origin = unit === 'day' ? 0 : FIRST_MONDAY;
    let day = origin + Math.ceil((min / DAY_MS - origin) / every) * every;
    for (; day * DAY_MS <= max; day += every) times.push(day * DAY_MS);
    return times;
  }
  const start = new Date(min);
  if (unit === 'month') {
    let index = start.getUTCFullYear() * 12 + start.getUTCMonth();
    if (Date.UTC(Math.floor(index / 12), index % 12, 1) < min) index += 1;
    index = Math.ceil(index / step) * step;
    for (; ; index += step) {
      const time = Date.UTC(Math.floor(index / 12), index % 12, 1);
      if (time > max) break;
      times.push(time);
    }
    return times;
  }
  let year = start.getUTCFullYear();
  if (Date.UTC(year, 0, 1) < min) year += 1;
  year = Math.ceil(year / step) * step;
  for (; Date.UTC(year, 0, 1) <= max; year += step) times.push(Date.UTC(year, 0, 1));
  return times;
}

function label(unit: Unit, time: number, previous: number | undefined): string {
  const date = new Date(time);
  const year = date.getUTCFullYear();
  const month = MONTHS[date.getUTCMonth()] as string;
  const newYear = previous === undefined || new Date(previous).getUTCFullYear() !== year;
  if (unit === 'year') return String(year);
  if (unit === 'month') return newYear ? `${month} ${year}` : month;
  const day = `${month} ${date.getUTCDate()}`;
  return newYear ? `${day}, ${year}` : day;
}

/**
 * Ticks between min and max (UTC milliseconds) at the finest calendar interval that gives at
 * most `maxTicks`: the year is written on the first tick and wherever it changes.
 * @example timeTicks(Date.UTC(2024, 0, 1), Date.UTC(2024, 11, 31), 6) // Jan 2024, Mar, May, ...
 */
export function timeTicks(min: number, max: number, maxTicks: number): TimeTick[] {
  const spanDays = (max - min) / DAY_MS;
  const limit = Math.max(2, Math.floor(maxTicks));
  const interval =
    INTERVALS.find((i) => spanDays / i.days + 1 <= limit) ??
    (INTERVALS.at(-1) as (typeof INTERVALS)[number]);
  const times = tickTimes(interval.unit, interval.step, min, max);
  return times.map((time, i) => ({ time, label: label(interval.unit, time, times[i - 1]) }));
}
