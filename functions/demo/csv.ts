/**
 * CSV writing as RFC 4180 has it: comma separated, a field quoted only when it holds a comma,
 * a double quote or a line break, quotes doubled inside; lines end with `\n`.
 */

const NEEDS_QUOTES = /[",\r\n]/;

/** One field, quoted when needed: `Acme, Inc.` -> `"Acme, Inc."`, `27"` -> `"27"""`. */
export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record, with its `\n`. */
export function csvLine(fields: readonly string[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i += 1) {
    if (i > 0) line += ',';
    line += csvField(fields[i] ?? '');
  }
  return `${line}\n`;
}

/** An integer number of cents as a plain decimal with two places: -1234 -> `-12.34`. */
export function formatCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not a whole number of cents: ${cents}`);
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${cents < 0 ? '-' : ''}${whole}.${rest < 10 ? '0' : ''}${rest}`;
}

/** A value rounded to whole cents. */
export function toCents(amount: number): number {
  return Math.round(amount * 100);
}

/** A number with one decimal place, as text: 54.25 -> `54.3`. */
export function formatOneDecimal(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1);
}

/** Joins lines into chunks of about `targetChars` characters, for streaming large files. */
export function* chunkLines(lines: Iterable<string>, targetChars = 1 << 16): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= targetChars) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk !== '') yield chunk;
}
