/**
 * The per-customer summary that the BG/NBD and Gamma-Gamma models are fitted on (Fader,
 * Hardie and Lee 2005, section 3: "recency and frequency are sufficient"), computed from a
 * customer's purchases as of an observation end date. The definitions are those of the
 * `lifetimes` package's `summary_data_from_transaction_data`:
 *
 * - Purchases are grouped by calendar day: several purchases on one day are one purchase
 *   occasion, whose amount is their sum. The BG/NBD is a model of purchase occasions in
 *   continuous time, and a day is the resolution of the dates.
 * - x, the frequency: the number of distinct purchase days after the first, up to and
 *   including the end date (repeat purchases; the first purchase starts the clock and is
 *   not counted).
 * - t_x, the recency: the time from the first purchase day to the last one (0 when x = 0).
 * - T, the age: the time from the first purchase day to the end date.
 * - monetary value: the mean of the repeat days' totals (the first purchase is left out, as
 *   in the Gamma-Gamma model, which describes repeat spend); 0 when x = 0, as lifetimes has
 *   it, and null when some repeat purchase has no amount.
 *
 * Times are in the chosen unit: days, or weeks of seven days (days / 7, so 38.86 weeks for
 * 272 days: `lifetimes` with freq = 'D' and freq_multiplier = 7). The unit only scales
 * t_x and T; purchases are still grouped by day. Grouping by calendar week instead (lifetimes
 * with freq = 'W') would count two purchases in one week once and round the times to whole
 * weeks: on CDNOW that changes x for 151 of the 2,357 customers, while grouping by day
 * reproduces the published summary exactly (test/analysis/ltv/rfm.test.ts).
 *
 * Purchases after the end date are left out (the summary is what was known at the end).
 * Dates are calendar dates: 'YYYY-MM-DD' (anything after the date, such as a time, is
 * ignored: the date is taken as written) or a Date (its UTC day).
 */

import { LtvInputError } from './errors.ts';

export type TimeUnit = 'days' | 'weeks';

export interface Purchase {
  date: string | Date;
  amount?: number;
}

export interface Transaction extends Purchase {
  customerId: string;
}

export interface RfmSummary {
  /** Repeat purchases: distinct purchase days after the first, up to the end date. */
  x: number;
  /** Time from the first purchase day to the last, in the unit. */
  tx: number;
  /** Time from the first purchase day to the end date, in the unit. */
  T: number;
  /** Mean total of the repeat purchase days; 0 when x = 0; null when amounts are missing. */
  monetaryValue: number | null;
  /** First and last purchase days (ISO dates). */
  firstPurchase: string;
  lastPurchase: string;
}

export interface CustomerRfm extends RfmSummary {
  customerId: string;
}

export interface RfmOptions {
  /** The observation end date (inclusive). */
  end: string | Date;
  /** Unit of t_x and T. @default 'days' */
  unit?: TimeUnit;
}

const DAY_MS = 86_400_000;

/** Days in one unit. */
export function unitDays(unit: TimeUnit): number {
  return unit === 'weeks' ? 7 : 1;
}

/**
 * Days since 1970-01-01 of a calendar date.
 *
 * @example dayOf('1997-09-30') // 10134
 */
export function dayOf(date: string | Date): number {
  if (date instanceof Date) {
    const ms = date.getTime();
    if (!Number.isFinite(ms)) throw new LtvInputError('invalid date: an invalid Date object');
    return Math.floor(ms / DAY_MS);
  }
  const m = /^(\d{4})-(\d{2})-(\d{2})(?![\d])/.exec(date.trim());
  if (m) {
    const [, y, mo, d] = m.map(Number) as [number, number, number, number];
    const ms = Date.UTC(y, mo - 1, d);
    const back = new Date(ms);
    if (back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) return ms / DAY_MS;
  }
  throw new LtvInputError(`invalid date '${date}' (expected YYYY-MM-DD)`);
}

export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The summary of one customer's purchases as of `end`; undefined when none was made on or
 * before it.
 *
 * @example
 * rfmSummary(
 *   [{ date: '1997-01-01', amount: 29.33 }, { date: '1997-01-18', amount: 29.73 },
 *    { date: '1997-08-02', amount: 14.96 }],
 *   { end: '1997-09-30', unit: 'weeks' },
 * ) // x = 2, tx = 213 / 7 = 30.43, T = 272 / 7 = 38.86, monetaryValue = 22.345
 */
export function rfmSummary(
  purchases: readonly Purchase[],
  options: RfmOptions,
): RfmSummary | undefined {
  const end = dayOf(options.end);
  const scale = unitDays(options.unit ?? 'days');
  // Day -> total amount of the day (NaN when some purchase of the day has no amount).
  const days = new Map<number, number>();
  for (const p of purchases) {
    const day = dayOf(p.date);
    if (day > end) continue;
    if (p.amount !== undefined && !Number.isFinite(p.amount)) {
      throw new LtvInputError(`purchase on ${isoDay(day)}: amount ${p.amount} is not a number`);
    }
    days.set(day, (days.get(day) ?? 0) + (p.amount ?? NaN));
  }
  if (days.size === 0) return undefined;
  const sorted = [...days.keys()].sort((a, b) => a - b);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const x = sorted.length - 1;
  let monetaryValue: number | null = 0;
  if (x > 0) {
    let total = 0;
    for (const day of sorted.slice(1)) total += days.get(day)!;
    monetaryValue = Number.isNaN(total) ? null : total / x;
  }
  return {
    x,
    tx: (last - first) / scale,
    T: (end - first) / scale,
    monetaryValue,
    firstPurchase: isoDay(first),
    lastPurchase: isoDay(last),
  };
}

/**
 * The summary of every customer with a purchase on or before `end`, in order of first
 * appearance in `transactions`.
 */
export function rfmSummaries(
  transactions: readonly Transaction[],
  options: RfmOptions,
): CustomerRfm[] {
  const byCustomer = groupByCustomer(transactions);
  const out: CustomerRfm[] = [];
  for (const [customerId, purchases] of byCustomer) {
    const summary = rfmSummary(purchases, options);
    if (summary) out.push({ customerId, ...summary });
  }
  return out;
}

/** Transactions grouped by customer id, in order of first appearance. */
export function groupByCustomer(transactions: readonly Transaction[]): Map<string, Purchase[]> {
  const byCustomer = new Map<string, Purchase[]>();
  for (const t of transactions) {
    let list = byCustomer.get(t.customerId);
    if (!list) byCustomer.set(t.customerId, (list = []));
    list.push(t);
  }
  return byCustomer;
}
