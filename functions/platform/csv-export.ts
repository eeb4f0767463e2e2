/**
 * CSV for people: every CSV we export (quarantined rows to fix in a spreadsheet, report
 * tables) is written here, so that none of them can carry a formula into a spreadsheet.
 *
 * RFC 4180: fields separated by `,`, records ended by CRLF, a field quoted when it holds a
 * `,`, a `"`, a CR or an LF, with its quotes doubled.
 *
 * Formula injection (CSV injection, OWASP): a spreadsheet runs a cell that starts with `=`,
 * `+`, `-` or `@` as a formula (`=HYPERLINK(...)`, `+cmd|' /C calc'!A0`), and a leading tab
 * or carriage return can hide such a start. Such a cell is neutralised the way OWASP advises:
 * a single quote before it (`'=1+1`), which a spreadsheet shows as text. The rule:
 * - strings are neutralised, whatever their origin: a value from an uploaded file, a column
 *   name, a reason;
 * - numbers stay numbers: a JavaScript number we write (`-12.5`) is written as it is, and so
 *   is a string that is exactly a plain decimal number (`-12.50`, `+3`, `-1e5`), since a
 *   spreadsheet reads it as that number and runs nothing. A person fixing a quarantined row
 *   then sees `-12.50`, not `'-12.50`. Anything more (`-2+3`, `-1,5`, `-inf`) is neutralised.
 * The single quote stays in the text when the file is read back by anything but a
 * spreadsheet: the cost of the defence, as OWASP notes.
 */

export type CsvValue = string | number | bigint | boolean | Date | null | undefined;

/** Options of a whole CSV text. */
export interface CsvOptions {
  /**
   * Start with a UTF-8 byte order mark: Excel needs it to read accented letters right;
   * other readers may keep it as part of the first header name. Default false.
   */
  bom?: boolean;
}

const NEEDS_QUOTES = /[",\r\n]/;
/** What a spreadsheet may run as a formula: OWASP's list. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain decimal number, nothing else: safe to leave as it is. */
const PLAIN_NUMBER = /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

export const CRLF = '\r\n';
const BOM = '\uFEFF';

/** `text` with a single quote before it when a spreadsheet could run it as a formula. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** One field as RFC 4180 writes it: quoted only when needed. Nothing is neutralised here. */
export function quoteCsvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One cell: empty for null and undefined; finite numbers and bigints as digits; booleans
 * `true`/`false`; dates as ISO 8601 (UTC); strings (and `NaN`, `-Infinity`) neutralised,
 * then quoted as needed.
 */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  return quoteCsvField(neutraliseFormula(String(value)));
}

/** One record with its CRLF. */
export function csvRecord(values: readonly CsvValue[]): string {
  return values.map(csvCell).join(',') + CRLF;
}

/** A header and rows as one CSV text; every row should have the header's length. */
export function toCsv(
  header: readonly string[],
  rows: Iterable<readonly CsvValue[]>,
  options: CsvOptions = {},
): string {
  const parts = [options.bom ? BOM : '', csvRecord(header)];
  for (const row of rows) parts.push(csvRecord(row));
  return parts.join('');
}
