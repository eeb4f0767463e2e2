import type { ColumnFormat, ColumnType } from '#platform/ports.ts';
import { quoteLiteral } from '#query/sql.ts';

/**
 * How text becomes a typed value, as SQL over a trimmed, non-empty VARCHAR expression `v`.
 * Inference and validation use the same expressions, so a column inferred as a type accepts
 * the values that made it that type.
 *
 * Each parse tries DuckDB's own cast first, behind a cheap test that keeps out what the cast
 * would wrongly accept (it rounds `1.5` to the integer 2, reads `1_000` as 1000, `nan` as a
 * double and `2024-01-01 10:00` as a date), and only then the slower forms people write:
 * `1,234.50`, `$12.00`, `(45.10)`, `1.234,50 €`, `03/04/2024`, `7 Jan 2024`. The common case
 * costs one cast per value, which keeps validation near the engine's own speed.
 */

/** The format a file's column is read with: ColumnFormat with every choice made. */
export interface ReadFormat {
  decimal: '.' | ',';
  dateOrder: 'MDY' | 'DMY';
}

export const DEFAULT_FORMAT: ReadFormat = { decimal: '.', dateOrder: 'MDY' };

export function readFormat(format: ColumnFormat | undefined): ReadFormat {
  return { ...DEFAULT_FORMAT, ...format };
}

const CURRENCY = `'\\s*([$€£¥]|USD|EUR|GBP|JPY|CHF|CAD|AUD)\\s*'`;
/** Thousands grouped by three, the decimal part after the file's decimal separator. */
const GROUPED: Record<ReadFormat['decimal'], string> = {
  '.': `'[-+]?([0-9]{1,3}([,'' \\x{00A0}\\x{202F}][0-9]{3})+|[0-9]+)(\\.[0-9]*)?|[-+]?\\.[0-9]+'`,
  ',': `'[-+]?([0-9]{1,3}([.'' \\x{00A0}\\x{202F}][0-9]{3})+|[0-9]+)(,[0-9]*)?|[-+]?,[0-9]+'`,
};
/** What a formatted number can look like at all: the cheap test before the parse. */
const MONEY_LIKE = `'[-+(\\s]*(([$€£¥]|USD|EUR|GBP|JPY|CHF|CAD|AUD)\\s*)?[-+(]?[0-9.,'' \\x{00A0}\\x{202F}]*[0-9][0-9.,'' \\x{00A0}\\x{202F}]*\\)?\\s*([$€£¥]|USD|EUR|GBP|JPY|CHF|CAD|AUD)?\\s*\\)?'`;
const LEADING_ZERO = `'[+-]?0[0-9]+'`;
const LOCAL_TIME = `'[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?'`;
const ZONED_TIME = `'[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,9})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)'`;
const TRUE_WORDS = `('true', 't', 'yes', 'y')`;
const FALSE_WORDS = `('false', 'f', 'no', 'n')`;
const EMAIL = `'[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}'`;
const PHONE = `'\\+?[(]?[0-9][0-9 ().-]{5,18}[0-9]'`;

/** Day-first or month-first numeric dates, by the file's order. */
const NUMERIC_DATES: Record<ReadFormat['dateOrder'], string[]> = {
  MDY: withShortYears(['%m/%d/%Y', '%m-%d-%Y']),
  DMY: withShortYears(['%d/%m/%Y', '%d-%m-%Y']),
};
/** Forms with one reading: `2024/01/31`, dotted dates (day first by convention), month names. */
const NAMED_DATES = [
  '%Y/%m/%d',
  '%Y-%m-%d',
  ...withShortYears([
    '%d.%m.%Y',
    '%d %b %Y',
    '%d %B %Y',
    '%b %d, %Y',
    '%B %d, %Y',
    '%b %d %Y',
    '%d-%b-%Y',
  ]),
];

/**
 * Each form with a two-digit year (`%y`: 24 is 2024, 70 is 1970) tried before the same
 * form with a full year: DuckDB's `%Y` takes `24` as the year 24.
 */
function withShortYears(forms: string[]): string[] {
  return forms.flatMap((f) => [f.replace('%Y', '%y'), f]);
}
const TIMES_OF_DAY = [' %H:%M:%S', ' %H:%M', ' %I:%M %p', ' %I:%M:%S %p'];

const formats = (list: string[]) => `[${list.map((f) => quoteLiteral(f)).join(', ')}]`;

/**
 * A number as a plain cast reads it: `12`, `-3.5`, `1e3`, `1_000` (as DuckDB's CSV reader
 * does too, so both paths of ingest agree); not `nan` or `inf`.
 */
const isPlainDouble = (v: string) => `isfinite(TRY_CAST(${v} AS DOUBLE))`;

/**
 * A number as people write it: currency symbol or code before or after, thousands grouped by
 * three, the file's decimal separator, and accounting negatives in parentheses.
 */
function formattedDouble(v: string, decimal: ReadFormat['decimal']): string {
  // Each step is bound once with a one-element list and a lambda (`let`, in effect):
  // DuckDB does not share repeated subexpressions, and this path is the slow one.
  const digits =
    decimal === '.'
      ? `regexp_replace(p.body, '[,'' \\x{00A0}\\x{202F}]', '', 'g')`
      : `replace(regexp_replace(p.body, '[.'' \\x{00A0}\\x{202F}]', '', 'g'), ',', '.')`;
  const number = `list_transform([p], p ->
      CASE WHEN regexp_full_match(p.body, ${GROUPED[decimal]}) AND NOT (p.negative AND starts_with(p.body, '-'))
        THEN CASE WHEN p.negative THEN -1 ELSE 1 END * TRY_CAST(${digits} AS DOUBLE) END)[1]`;
  const parts = `list_transform([regexp_replace(${v}, ${CURRENCY}, '', 'g')], b ->
      CASE WHEN starts_with(b, '(') AND ends_with(b, ')') THEN {'negative': true, 'body': trim(b[2:-2])}
           ELSE {'negative': false, 'body': b} END)[1]`;
  const finite = `list_transform([list_transform([${parts}], p -> ${number})[1]], x -> CASE WHEN isfinite(x) THEN x END)[1]`;
  // Only text made of a sign, a currency, digits, separators and parentheses is tried.
  return `CASE WHEN regexp_full_match(${v}, ${MONEY_LIKE}) THEN ${finite} END`;
}

/**
 * Decimal numbers in the file's format; one too large for a double (`1e309`) is refused.
 * CASE rather than COALESCE: DuckDB evaluates every argument of COALESCE on every row, and
 * the second here is the slow one.
 */
export function parseDouble(v: string, format: ReadFormat = DEFAULT_FORMAT): string {
  // With a decimal comma, `1.234` is a thousand and more: the plain cast would misread it.
  if (format.decimal === ',') return formattedDouble(v, ',');
  return `CASE WHEN ${isPlainDouble(v)} THEN TRY_CAST(${v} AS DOUBLE) ELSE ${formattedDouble(v, '.')} END`;
}

/** Whole numbers; `12.0` is accepted as 12, `1,234` as 1234, `(5)` as -5. */
export function parseInteger(v: string, format: ReadFormat = DEFAULT_FORMAT): string {
  // Digits and signs only (a `.0` tail allowed): BIGINT's own cast, exact beyond 2^53.
  const plain = format.decimal === '.' ? `'[+-]?[0-9]+(\\.0*)?'` : `'[+-]?[0-9]+'`;
  const whole = `list_transform([${parseDouble(v, format)}], x ->
      CASE WHEN x = trunc(x) AND abs(x) < 9e15 THEN CAST(x AS BIGINT) END)[1]`;
  return `CASE WHEN regexp_full_match(${v}, ${plain}) THEN TRY_CAST(${v} AS BIGINT) ELSE ${whole} END`;
}

/** true/false, yes/no, t/f, y/n in any case; also 1/0 once a contract says boolean. */
export const parseBoolean = (v: string) =>
  `CASE WHEN lower(${v}) IN ${TRUE_WORDS} OR ${v} = '1' THEN true WHEN lower(${v}) IN ${FALSE_WORDS} OR ${v} = '0' THEN false END`;

/** `2024-01-31` (and `2024/01/31`): DuckDB's own cast, which refuses `01/31/2024`. */
const isIsoDay = (v: string) => `(length(${v}) = 10 AND TRY_CAST(${v} AS DATE) IS NOT NULL)`;
const isIsoMonth = (v: string) => `(length(${v}) = 7 AND ${v}[5] = '-')`;
/** Only text with a separator can be a date in another form: ids and codes skip the parsers. */
const mayBeOtherDate = (v: string) =>
  `(length(${v}) BETWEEN 6 AND 30 AND regexp_matches(${v}, '[0-9][/.\\- ,]+[0-9A-Za-z]'))`;

/**
 * Dates: ISO `YYYY-MM-DD` (a month `YYYY-MM` means its first day), `MM/DD/YYYY` or
 * `DD/MM/YYYY` as the file writes them (also with `-`, and `DD.MM.YYYY`), `2024/01/31`,
 * `7 Jan 2024`, `Jan 7, 2024`, `07-Jan-2024`.
 */
export function parseDate(v: string, format: ReadFormat = DEFAULT_FORMAT): string {
  return `CASE WHEN ${isIsoDay(v)} THEN TRY_CAST(${v} AS DATE)
    WHEN ${isIsoMonth(v)} THEN TRY_CAST(${v} || '-01' AS DATE)
    WHEN ${mayBeOtherDate(v)} THEN CAST(try_strptime(${v}, ${formats([...NUMERIC_DATES[format.dateOrder], ...NAMED_DATES])}) AS DATE) END`;
}

/**
 * Timestamps, kept as UTC: ISO (`T` or space; seconds and fractions optional; a value with
 * `Z` or an offset is converted, one without is taken as UTC), the file's date forms followed
 * by a time of day (`03/04/2024 14:05`, `3/4/2024 2:05 PM`), and a bare date as midnight.
 */
export function parseTimestamp(v: string, format: ReadFormat = DEFAULT_FORMAT): string {
  const dated = [...NUMERIC_DATES[format.dateOrder], '%Y/%m/%d'];
  const withTime = dated.flatMap((d) => TIMES_OF_DAY.map((t) => d + t));
  return `CASE WHEN regexp_full_match(${v}, ${LOCAL_TIME}) THEN TRY_CAST(${v} AS TIMESTAMP)
    WHEN regexp_full_match(${v}, ${ZONED_TIME}) THEN timezone('UTC', TRY_CAST(${v} AS TIMESTAMPTZ))
    WHEN contains(${v}, ':') AND ${mayBeOtherDate(v)} THEN try_strptime(${v}, ${formats(withTime)})
    ELSE CAST(${parseDate(v, format)} AS TIMESTAMP) END`;
}

/** The SQL that casts `v` to a column type (NULL when it does not parse). */
export function parseAs(type: ColumnType, v: string, format?: ColumnFormat): string {
  const f = readFormat(format);
  switch (type) {
    case 'integer':
      return parseInteger(v, f);
    case 'double':
      return parseDouble(v, f);
    case 'boolean':
      return parseBoolean(v);
    case 'date':
      return parseDate(v, f);
    case 'timestamp':
      return parseTimestamp(v, f);
    case 'string':
      return v;
  }
}

const DATE_HINT: Record<ReadFormat['dateOrder'], string> = {
  MDY: 'YYYY-MM-DD, MM/DD/YYYY or 7 Jan 2024',
  DMY: 'YYYY-MM-DD, DD/MM/YYYY or 7 Jan 2024',
};

/** What is wrong with a value that does not parse as `type`: the reason a person reads. */
export function notParsedReason(type: ColumnType, v: string, format?: ColumnFormat): string {
  const f = readFormat(format);
  switch (type) {
    case 'integer':
      return `CASE WHEN (${parseDouble(v, f)}) IS NOT NULL THEN 'not a whole number' ELSE 'not a number' END`;
    case 'double':
      return `'not a number'`;
    case 'boolean':
      return `'not true or false'`;
    case 'date':
      return quoteLiteral(`not a date (${DATE_HINT[f.dateOrder]})`);
    case 'timestamp':
      return quoteLiteral(
        `not a timestamp (YYYY-MM-DD HH:MM:SS, or a date as ${DATE_HINT[f.dateOrder]})`,
      );
    case 'string':
      return 'NULL';
  }
}

/**
 * The shape of one value, for inference: `zero` (a whole number with a leading zero: a
 * code), `int` (written without a decimal separator: amounts written `10.00` are money, and
 * the cents of a later file must fit), `dec`, `bool` (words only: 0/1 are numbers), `day`,
 * `month`, `time` (a date with a time of day), `email`, `phone`, `other`. One CASE with the
 * cheap tests first, so each value meets only the tests up to its own shape.
 */
export function shapeOf(v: string, format: ReadFormat = DEFAULT_FORMAT): string {
  const separator = format.decimal === '.' ? `'.'` : `','`;
  return `CASE
    WHEN ${v} IS NULL THEN NULL
    WHEN lower(${v}) IN ${TRUE_WORDS} OR lower(${v}) IN ${FALSE_WORDS} THEN 'bool'
    WHEN (${parseDouble(v, format)}) IS NOT NULL THEN CASE
      WHEN regexp_full_match(${v}, ${LEADING_ZERO}) THEN 'zero'
      WHEN NOT contains(${v}, ${separator}) AND (${parseInteger(v, format)}) IS NOT NULL THEN 'int'
      ELSE 'dec' END
    WHEN ${isIsoMonth(v)} AND (${parseDate(v, format)}) IS NOT NULL THEN 'month'
    WHEN (${parseDate(v, format)}) IS NOT NULL THEN 'day'
    WHEN (${parseTimestamp(v, format)}) IS NOT NULL THEN 'time'
    WHEN contains(${v}, '@') THEN CASE WHEN regexp_full_match(${v}, ${EMAIL}) THEN 'email' ELSE 'other' END
    WHEN length(${v}) BETWEEN 7 AND 25 AND regexp_full_match(${v}, ${PHONE}) THEN
      CASE WHEN length(regexp_replace(${v}, '[^0-9]', '', 'g')) BETWEEN 7 AND 15 THEN 'phone' ELSE 'other' END
    ELSE 'other' END`;
}

/** What each shape of `shapeOf` counts towards in a ColumnProfile. */
export const SHAPE_COUNTS: Record<string, (keyof ColumnProfile)[]> = {
  int: ['integer', 'double'],
  dec: ['double'],
  zero: ['leading_zero'],
  bool: ['boolean'],
  day: ['day'],
  month: ['month'],
  time: ['time'],
  email: ['email'],
  phone: ['phone'],
  other: [],
};

/** A column's values, counted by shape (`shapeOf`, `SHAPE_COUNTS`). */
export interface ColumnProfile {
  rows: number;
  filled: number;
  distinct: number;
  /** The least value read as a number (undefined when none is). */
  min?: number;
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
