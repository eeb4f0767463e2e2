import { open } from 'node:fs/promises';

/** How much of a file is read to find its header. */
const HEADER_WINDOW_BYTES = 1 << 20;

export const QUOTE = '"';

export type CsvHeader =
  | { kind: 'header'; delimiter: string; names: string[] }
  | { kind: 'empty' }
  | { kind: 'blank-first-line' }
  | { kind: 'unterminated' };

/**
 * Reads the first record of a CSV file (quote-aware, so a quoted header field may hold the
 * delimiter or a line break) and decides the delimiter: a tab for `.tsv`, otherwise the most
 * frequent of `, ; TAB |` outside quotes on the header, `,` when none occurs. Only the header
 * is parsed here; DuckDB reads the rows.
 */
export async function readCsvHeader(path: string, tabSeparated: boolean): Promise<CsvHeader> {
  const { text, whole } = await readStart(path);
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') return { kind: 'empty' };
  if (body.startsWith('\n') || body.startsWith('\r')) return { kind: 'blank-first-line' };
  // A `.tsv` whose header has no tab was saved with another delimiter: the content decides.
  const delimiter = tabSeparated && firstLineHas(body, '\t') ? '\t' : guessDelimiter(body);
  const names = parseFirstRecord(body, delimiter, whole);
  return names === undefined ? { kind: 'unterminated' } : { kind: 'header', delimiter, names };
}

async function readStart(path: string): Promise<{ text: string; whole: boolean }> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEADER_WINDOW_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEADER_WINDOW_BYTES, 0);
    return {
      text: buffer.subarray(0, bytesRead).toString('utf8'),
      whole: bytesRead < HEADER_WINDOW_BYTES,
    };
  } finally {
    await file.close();
  }
}

function firstLineHas(text: string, ch: string): boolean {
  const end = text.search(/[\r\n]/);
  return (end === -1 ? text : text.slice(0, end)).includes(ch);
}

export function guessDelimiter(text: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
    ['|', 0],
  ]);
  let quoted = false;
  for (const ch of text) {
    if (ch === QUOTE) quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [ch, n] of counts) if (n > counts.get(best)!) best = ch;
  return best;
}

/**
 * The fields of the first record; undefined when it does not end inside `text` and `text`
 * is not the whole file (`whole`), or when a quote is left open.
 */
export function parseFirstRecord(
  text: string,
  delimiter: string,
  whole = true,
): string[] | undefined {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== QUOTE) field += ch;
      else if (text[i + 1] === QUOTE) {
        field += QUOTE;
        i += 1;
      } else quoted = false;
    } else if (ch === QUOTE && fieldStart) quoted = true;
    else if (ch === delimiter) {
      fields.push(field);
      field = '';
      fieldStart = true;
      continue;
    } else if (ch === '\n' || ch === '\r') {
      fields.push(field);
      return fields;
    } else field += ch;
    fieldStart = false;
  }
  if (quoted || !whole) return undefined;
  fields.push(field);
  return fields;
}
