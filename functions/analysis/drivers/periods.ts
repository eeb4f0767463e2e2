import { InputRejectedError } from '#platform/errors.ts';
import type { DayRange } from '#query/drivers.ts';

/**
 * The periods a change is explained between: a day, a month, a quarter or a year, as the
 * half-open range of days `explainChange` takes. Pure: dates are calendar days (UTC), no
 * clock is read.
 */

export type PeriodKind = 'day' | 'month' | 'quarter' | 'year';

export interface Period extends DayRange {
  kind: PeriodKind;
  /** As a person writes it: `2024-03-14`, `2024-03`, `2024-Q1`, `2024`. */
  label: string;
}

/** What a period may be written as, for messages. */
export const PERIOD_FORMS =
  'a day (2024-03-14), a month (2024-03), a quarter (2024-Q1) or a year (2024)';

const MONTHS_OF: Record<PeriodKind, number> = { day: 0, month: 1, quarter: 3, year: 12 };

/**
 * `2024-03-14`, `2024-03`, `2024-Q1` (or `2024-q1`, `2024Q1`) or `2024`; anything else, or a
 * day that is not in the calendar, is refused naming `what` (`--target`).
 */
export function parsePeriod(text: string, what = 'period'): Period {
  const s = text.trim();
  const refuse = (why = `use ${PERIOD_FORMS}`) =>
    new InputRejectedError(`${what} ${JSON.stringify(text)} is not a period: ${why}`);
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(s))) return periodAt('year', Number(m[1]), 1, 1);
  if ((m = /^(\d{4})-?[Qq]([1-4])$/.exec(s)))
    return periodAt('quarter', Number(m[1]), 3 * Number(m[2]) - 2, 1);
  if ((m = /^(\d{4})-(\d{2})$/.exec(s))) {
    const month = Number(m[2]);
    if (month < 1 || month > 12) throw refuse(`there is no month ${m[2]}`);
    return periodAt('month', Number(m[1]), month, 1);
  }
  if ((m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s))) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = utc(year, month - 1, day);
    if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
      throw refuse(`${s} is not a day of the calendar`);
    return periodAt('day', year, month, day);
  }
  throw refuse();
}

/** The period of `kind` that holds `day` (`YYYY-MM-DD`, or a timestamp starting with one). */
export function periodContaining(kind: PeriodKind, day: string): Period {
  const [year, month, d] = day.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (kind === 'day') return periodAt('day', year, month, d);
  if (kind === 'year') return periodAt('year', year, 1, 1);
  const size = MONTHS_OF[kind];
  return periodAt(kind, year, month - ((month - 1) % size), 1);
}

/** The period of the same kind just before `p`: the day, month, quarter or year before. */
export function previousPeriod(p: Period): Period {
  const [year, month, day] = parts(p.from);
  if (p.kind === 'day') {
    const before = utc(year, month - 1, day - 1);
    return periodAt('day', before.getUTCFullYear(), before.getUTCMonth() + 1, before.getUTCDate());
  }
  const before = utc(year, month - 1 - MONTHS_OF[p.kind], 1);
  return periodAt(p.kind, before.getUTCFullYear(), before.getUTCMonth() + 1, 1);
}

/** The same period a year earlier; 29 February's is 28 February. */
export function yearEarlier(p: Period): Period {
  const [year, month, day] = parts(p.from);
  const lastDay = utc(year - 1, month, 0).getUTCDate();
  return periodAt(p.kind, year - 1, month, Math.min(day, lastDay));
}

/**
 * `--baseline`: `previous` (the default: the period of the target's kind just before it),
 * `last-year` (the same period a year earlier), or a period of its own.
 */
export function baselineFor(target: Period, text = 'previous', what = '--baseline'): Period {
  const s = text.trim().toLowerCase();
  if (s === 'previous') return previousPeriod(target);
  if (s === 'last-year') return yearEarlier(target);
  try {
    return parsePeriod(text, what);
  } catch (error) {
    if (!(error instanceof InputRejectedError)) throw error;
    throw new InputRejectedError(`${error.message}, previous or last-year`);
  }
}

/** Whether two periods share a day. */
export function overlaps(a: DayRange, b: DayRange): boolean {
  return a.from < b.to && b.from < a.to;
}

function periodAt(kind: PeriodKind, year: number, month: number, day: number): Period {
  const from = iso(year, month, day);
  const to =
    kind === 'day'
      ? isoOf(utc(year, month - 1, day + 1))
      : isoOf(utc(year, month - 1 + MONTHS_OF[kind], 1));
  const label =
    kind === 'year'
      ? pad(year, 4)
      : kind === 'quarter'
        ? `${pad(year, 4)}-Q${(month + 2) / 3}`
        : kind === 'month'
          ? from.slice(0, 7)
          : from;
  return { kind, label, from, to };
}

function parts(day: string): [number, number, number] {
  return day.split('-').map(Number) as [number, number, number];
}

/** A UTC date; years before 100 are years, not 1900 + year as `Date.UTC` has them. */
function utc(year: number, monthIndex: number, day: number): Date {
  const d = new Date(0);
  d.setUTCFullYear(year, monthIndex, day);
  return d;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const iso = (year: number, month: number, day: number) =>
  `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
const isoOf = (d: Date) => iso(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
