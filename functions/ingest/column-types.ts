import type { ColumnType } from '#platform/ports.ts';

/**
 * How text becomes a typed value, as SQL over a trimmed, non-empty VARCHAR expression `v`.
 * Inference and validation use the same expressions, so a column inferred as a type accepts
 * the values that made it that type. Each parse is a regular expression first, then a
 * TRY_CAST: DuckDB alone would round `1.5` to the integer 2, read `2024-01-01 10:00` as a
 * date and `nan` as a double.
 */

const INTEGER = `'[+-]?[0-9]+(\\.0*)?'`;
/** Written without a decimal point: only these make a column whole numbers on first sight. */
const WHOLE = `'[+-]?[0-9]+'`;
const DECIMAL = `'[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?'`;
const LEADING_ZERO = `'[+-]?0[0-9]+'`;
const DAY = `'[0-9]{4}-[0-9]{2}-[0-9]{2}'`;
const MONTH = `'[0-9]{4}-[0-9]{2}'`;
const LOCAL_TIME = `'[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?'`;
const ZONED_TIME = `'[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)'`;
const TRUE_WORDS = `('true', 't', 'yes', 'y')`;
const FALSE_WORDS = `('false', 'f', 'no', 'n')`;
const EMAIL = `'[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}'`;
const PHONE = `'\\+?[(]?[0-9][0-9 ().-]{5,18}[0-9]'`;

/** Whole numbers; `12.0` is accepted as 12. */
export const parseInteger = (v: string) =>
  `CASE WHEN regexp_full_match(${v}, ${INTEGER}) THEN TRY_CAST(regexp_replace(${v}, '\\.0*$', '') AS BIGINT) END`;

/** Decimal numbers; one too large for a double (`1e309`) is rejected, not stored as infinity. */
export const parseDouble = (v: string) =>
  `CASE WHEN regexp_full_match(${v}, ${DECIMAL}) AND isfinite(TRY_CAST(${v} AS DOUBLE)) THEN TRY_CAST(${v} AS DOUBLE) END`;

/** true/false, yes/no, t/f, y/n in any case; also 1/0 once a contract says boolean. */
export const parseBoolean = (v: string) =>
  `CASE WHEN lower(${v}) IN ${TRUE_WORDS} OR ${v} = '1' THEN true WHEN lower(${v}) IN ${FALSE_WORDS} OR ${v} = '0' THEN false END`;

/** ISO dates, `YYYY-MM-DD`; a month `YYYY-MM` means its first day. */
export const parseDate = (v: string) =>
  `CASE WHEN regexp_full_match(${v}, ${DAY}) THEN TRY_CAST(${v} AS DATE) WHEN regexp_full_match(${v}, ${MONTH}) THEN TRY_CAST(${v} || '-01' AS DATE) END`;

/**
 * ISO timestamps (`T` or space; seconds and fractions optional), kept as UTC: a value with
 * `Z` or an offset is converted, a value without one is taken as UTC; a bare date is midnight.
 */
export const parseTimestamp = (v: string) =>
  `CASE WHEN regexp_full_match(${v}, ${LOCAL_TIME}) OR regexp_full_match(${v}, ${DAY}) THEN TRY_CAST(${v} AS TIMESTAMP) WHEN regexp_full_match(${v}, ${ZONED_TIME}) THEN timezone('UTC', TRY_CAST(${v} AS TIMESTAMPTZ)) END`;

/** The SQL that casts `v` to a column type (NULL when it does not parse). */
export function parseAs(type: ColumnType, v: string): string {
  switch (type) {
    case 'integer':
      return parseInteger(v);
    case 'double':
      return parseDouble(v);
    case 'boolean':
      return parseBoolean(v);
    case 'date':
      return parseDate(v);
    case 'timestamp':
      return parseTimestamp(v);
    case 'string':
      return v;
  }
}

/** What is wrong with a value that does not parse as `type`: the reason a person reads. */
export function notParsedReason(type: ColumnType, v: string): string {
  switch (type) {
    case 'integer':
      return `CASE WHEN regexp_full_match(${v}, ${DECIMAL}) THEN 'not a whole number' ELSE 'not a number' END`;
    case 'double':
      return `'not a number'`;
    case 'boolean':
      return `'not true or false'`;
    case 'date':
      return `'not a date (YYYY-MM-DD)'`;
    case 'timestamp':
      return `'not a timestamp (YYYY-MM-DD HH:MM:SS)'`;
    case 'string':
      return 'NULL';
  }
}

/**
 * The shape of one value, for inference: the first that fits of `zero` (a whole number
 * with a leading zero: a code), `int` (no decimal point: amounts written `10.00` are money,
 * and the cents of a later file must fit), `dec`, `bool` (words only: 0/1 are numbers), `day`,
 * `month`, `time` (a date with a time of day), `email`, `phone`, `other`. One CASE, so
 * each value meets only the tests up to its own shape (the counts below then cost little).
 */
export function shapeOf(v: string): string {
  return `CASE
    WHEN ${v} IS NULL THEN NULL
    WHEN regexp_full_match(${v}, ${LEADING_ZERO}) THEN 'zero'
    WHEN regexp_full_match(${v}, ${WHOLE}) AND (${parseInteger(v)}) IS NOT NULL THEN 'int'
    WHEN (${parseDouble(v)}) IS NOT NULL THEN 'dec'
    WHEN lower(${v}) IN ${TRUE_WORDS} OR lower(${v}) IN ${FALSE_WORDS} THEN 'bool'
    WHEN regexp_full_match(${v}, ${DAY}) THEN CASE WHEN TRY_CAST(${v} AS DATE) IS NOT NULL THEN 'day' ELSE 'other' END
    WHEN regexp_full_match(${v}, ${MONTH}) THEN CASE WHEN (${parseDate(v)}) IS NOT NULL THEN 'month' ELSE 'other' END
    WHEN (${parseTimestamp(v)}) IS NOT NULL THEN 'time'
    WHEN contains(${v}, '@') THEN CASE WHEN regexp_full_match(${v}, ${EMAIL}) THEN 'email' ELSE 'other' END
    WHEN regexp_full_match(${v}, ${PHONE}) THEN
      CASE WHEN length(regexp_replace(${v}, '[^0-9]', '', 'g')) BETWEEN 7 AND 15 THEN 'phone' ELSE 'other' END
    ELSE 'other' END`;
}

/**
 * The counts inference needs per column, over the trimmed value `v` and its `shape`
 * (`shapeOf`), as aggregates named by `alias`.
 */
export function profileAggregates(
  v: string,
  shape: string,
  alias: (what: keyof ColumnProfile) => string,
): string[] {
  const count = (what: keyof ColumnProfile, shapes: string[]) =>
    `count(*) FILTER (WHERE ${shape} IN (${shapes.map((x) => `'${x}'`).join(', ')})) AS ${alias(what)}`;
  return [
    `count(${v}) AS ${alias('filled')}`,
    `count(DISTINCT ${v}) AS ${alias('distinct')}`,
    count('integer', ['int']),
    count('double', ['int', 'dec']),
    count('leading_zero', ['zero']),
    count('boolean', ['bool']),
    count('day', ['day']),
    count('month', ['month']),
    count('time', ['time']),
    count('email', ['email']),
    count('phone', ['phone']),
  ];
}

/** A column's values as counted by `profileAggregates`. */
export interface ColumnProfile {
  rows: number;
  filled: number;
  distinct: number;
  integer: number;
  double: number;
  leading_zero: number;
  boolean: number;
  day: number;
  month: number;
  time: number;
  email: number;
  phone: number;
}

/** Share of non-empty values that must parse for a column to take a type. */
export const TYPE_SHARE = 0.98;

/**
 * The type most values parse as: boolean words, then whole numbers (none with a leading
 * zero: `02134` is a code, not a number), other numbers, dates, timestamps; text otherwise.
 */
export function inferType(p: ColumnProfile): ColumnType {
  if (p.filled === 0) return 'string';
  const share = (n: number) => n / p.filled >= TYPE_SHARE;
  if (share(p.boolean)) return 'boolean';
  if (p.leading_zero === 0 && share(p.integer) && p.integer === p.double) return 'integer';
  if (p.leading_zero === 0 && share(p.double)) return 'double';
  if (share(p.day + p.month)) return 'date';
  if (p.time > 0 && share(p.day + p.time)) return 'timestamp';
  return 'string';
}
