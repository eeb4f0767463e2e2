import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { DuckDb } from '#platform/ports.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import type { LineMap } from './line-numbers.ts';
import type { UnreadableRecord } from './read-source.ts';

/**
 * JSON Lines with some lines that are not JSON objects: DuckDB refuses the whole file, so
 * the lines are sorted first. DuckDB itself judges each line (`read_json_objects` with
 * `ignore_errors` gives NULL for a malformed one, in file order), so what is curated and
 * what is quarantined agree with its parser; one streamed pass then writes the good lines
 * to `clean` and keeps the text of the bad ones.
 */
export interface SortedLines {
  /** The physical line of each good line, in order: the records of `clean`. */
  good: number[];
  bad: UnreadableRecord[];
}

const LF = 0x0a;

export async function sortJsonLines(
  duck: DuckDb,
  path: string,
  clean: string,
  table: string,
): Promise<SortedLines | undefined> {
  // Only a flag per line is kept (not the text: the file may be large); the table keeps
  // the file's order, so rowid k is the k-th non-blank line.
  await duck.run(
    `CREATE TABLE ${quoteIdent(table)} AS SELECT json IS NULL AS malformed,
            coalesce(json_type(json) <> 'OBJECT', false) AS other
       FROM read_json_objects(${quoteLiteral(path)}, format = 'newline_delimited', ignore_errors = true)`,
  );
  const rows = await duck.all(
    `SELECT rowid AS k, malformed FROM ${quoteIdent(table)} WHERE malformed OR other ORDER BY rowid`,
  );
  const [{ n }] = (await duck.all(`SELECT count(*) AS n FROM ${quoteIdent(table)}`)) as [
    { n: number },
  ];
  await duck.run(`DROP TABLE ${quoteIdent(table)}`);
  // Mostly bad lines: not JSON Lines at all (pretty-printed objects, say); the caller's
  // file error says it better than a quarantine of every line.
  if (rows.length === 0 || rows.length * 2 > Number(n)) return undefined;
  const malformed = new Map(rows.map((r) => [Number(r['k']), Boolean(r['malformed'])]));
  return splitLines(path, clean, malformed);
}

async function splitLines(
  path: string,
  clean: string,
  badOrdinals: Map<number, boolean>,
): Promise<SortedLines> {
  const out = createWriteStream(clean);
  const good: number[] = [];
  const bad: UnreadableRecord[] = [];
  let physical = 0;
  let ordinal = 0;
  let carry: Buffer | undefined;
  const line = async (bytes: Buffer) => {
    physical += 1;
    if (isBlank(bytes)) return;
    const malformed = badOrdinals.get(ordinal);
    ordinal += 1;
    if (malformed === undefined) {
      good.push(physical);
      out.write(bytes);
      if (!out.write('\n')) await once(out, 'drain');
      return;
    }
    const raw = bytes.toString('utf8').replace(/\r$/, '');
    bad.push({
      readerLine: physical,
      raw,
      column: '(row)',
      kind: malformed ? 'malformed JSON' : 'not a JSON object',
      reason: malformed
        ? 'malformed JSON: the line is not one complete JSON object'
        : 'not a JSON object: each line must be one {...} record',
    });
  };
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    let data = carry ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let start = 0;
    for (let at = data.indexOf(LF); at !== -1; at = data.indexOf(LF, start)) {
      await line(data.subarray(start, at));
      start = at + 1;
    }
    data = data.subarray(start);
    carry = data.length ? Buffer.from(data) : undefined;
  }
  if (carry) await line(carry);
  out.end();
  await once(out, 'finish');
  return { good, bad };
}

/** Spaces, tabs and a CR only: DuckDB skips such a line, as an editor's reader would. */
function isBlank(bytes: Buffer): boolean {
  for (const b of bytes) if (b !== 0x20 && b !== 0x09 && b !== 0x0d) return false;
  return true;
}

/** Records of the clean file on their original lines; bad lines are numbered physically. */
export function sortedLineMap(good: readonly number[]): LineMap {
  return { lineOfRecord: (ord) => good[ord] ?? ord + 1, lineOfReaderLine: (line) => line };
}
