/**
 * Calendar arithmetic on day numbers (days since 1970-01-01, UTC): no local time zone, no
 * clock, so dates are the same on every machine.
 */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day number of a `YYYY-MM-DD` date; throws on a date that does not exist. */
export function dayNumber(iso: string): number {
  const match = ISO_DATE.exec(iso);
  if (!match) throw new RangeError(`not a YYYY-MM-DD date: ${iso}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    throw new RangeError(`no such date: ${iso}`);
  }
  return ms / MS_PER_DAY;
}

/** `YYYY-MM-DD` of a day number. */
export function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** 1 for 1 January ... 365 or 366 for 31 December. */
export function dayOfYear(day: number): number {
  const year = new Date(day * MS_PER_DAY).getUTCFullYear();
  return day - Date.UTC(year, 0, 1) / MS_PER_DAY + 1;
}

/** The calendar year of a day number. */
export function yearOf(day: number): number {
  return new Date(day * MS_PER_DAY).getUTCFullYear();
}

/** `YYYY-MM-DD` strings for `count` consecutive days from `first`, for hot loops. */
export function isoDates(first: number, count: number): string[] {
  return Array.from({ length: count }, (_, i) => isoDate(first + i));
}
