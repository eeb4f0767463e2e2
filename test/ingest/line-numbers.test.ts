import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvLineMap } from '#ingest/line-numbers.ts';
import { useTestLake } from './lake.ts';

describe('csvLineMap', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lines-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const mapOf = async (text: string, accepted: number, rejected: number[] = []) => {
    const path = join(dir, `f${Math.random().toString(36).slice(2)}.csv`);
    await writeFile(path, text);
    return csvLineMap(path, ',', accepted, rejected);
  };

  it('one line per record: line = record + 2, shifted past rejected lines', async () => {
    const map = await mapOf('h\na\nb\nBAD\nc\nBAD\nBAD\nd\n', 4, [4, 6, 7]);
    expect([0, 1, 2, 3].map((o) => map.lineOfRecord(o))).toEqual([2, 3, 5, 8]);
    expect(map.lineOfReaderLine(6)).toBe(6);
  });

  it('blank lines, multi-line records, CRLF and a file without a final newline', async () => {
    // line: 1 h | 2 a | 3 (blank) | 4-5 "x\ny" | 6 (blank) | 7 BAD | 8 "p""\nq" ... | 10 z
    const text = 'h\r\na\r\n\r\n"x\r\ny"\r\n\r\nBAD,1\r\n"p""\r\nq",1\r\n\r\nz';
    // DuckDB's numbering of the rejected record counts blank lines but not the line break
    // inside "x\ny": it is line 6 for DuckDB, 7 in the file.
    const map = await mapOf(text, 4, [6]);
    expect([0, 1, 2, 3].map((o) => map.lineOfRecord(o))).toEqual([2, 4, 8, 11]);
    expect(map.lineOfReaderLine(6)).toBe(7);
  });

  it('a quote inside an unquoted value opens nothing (as in DuckDB)', async () => {
    const map = await mapOf('h,i\n5",a\nb,"c\nd"\ne,f\n', 3);
    expect([0, 1, 2].map((o) => map.lineOfRecord(o))).toEqual([2, 3, 5]);
  });

  it('old Mac line ends (CR only)', async () => {
    const map = await mapOf('h\ra\rb\r', 2);
    expect([0, 1].map((o) => map.lineOfRecord(o))).toEqual([2, 3]);
  });
});

describe('line numbers of a large file, read by DuckDB in parallel', () => {
  const lake = useTestLake();

  it('names the right lines for bad values far into the file, after blank lines and multi-line values', async () => {
    const rows = 400_000;
    const parts: string[] = ['id,day,amount,comment\n'];
    const expected: number[] = [];
    let line = 2;
    for (let i = 0; i < rows; i += 1) {
      const bad = i % 99_991 === 77;
      const multiline = i % 50_000 === 10;
      const day = `2024-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`;
      parts.push(`${i},${day},${bad ? 'x' : i % 1000},${multiline ? '"two\nlines"' : 'ok'}\n`);
      if (bad) expected.push(line);
      line += multiline ? 2 : 1;
      if (i % 100_000 === 5) {
        parts.push('\n');
        line += 1;
      }
    }
    const { manifest } = await lake.ingest('incoming/big/big.csv', parts.join(''));
    const quarantine = await lake.quarantineOf(manifest);
    expect(quarantine.map((q) => q.line)).toEqual(expected);
    expect(quarantine.every((q) => q.values?.['amount'] === 'x')).toBe(true);
    // The id on each quarantined line is the one written there.
    const text = parts.join('').split('\n');
    for (const q of quarantine) expect(text[q.line - 1]!.split(',')[0]).toBe(q.values?.['id']);
    expect(manifest.rowsRead).toBe(rows);
    expect(manifest.rowsCurated).toBe(rows - expected.length);
  });
});

describe('line numbers of a large JSON Lines file with broken lines', () => {
  const lake = useTestLake();

  it('quarantines each broken line by its number, and numbers the records after it', async () => {
    const lines: string[] = [];
    const broken = [78, 150_002];
    const badValue = 199_000;
    for (let line = 1; line <= 200_000; line += 1) {
      if (broken.includes(line)) lines.push(`{"id":"L${line}","v":"no end`);
      else if (line === 100_000) lines.push('');
      else lines.push(JSON.stringify({ id: `L${line}`, v: line === badValue ? 'x' : line % 97 }));
    }
    const { manifest } = await lake.ingest('incoming/bigjl/big.jsonl', lines.join('\n') + '\n');
    expect(manifest).toMatchObject({ rowsRead: 199_999, rowsQuarantined: 3 });
    const quarantine = await lake.quarantineOf(manifest);
    expect(quarantine.map((q) => [q.line, q.raw ?? q.values?.['id']])).toEqual([
      [78, '{"id":"L78","v":"no end'],
      [150_002, '{"id":"L150002","v":"no end'],
      [badValue, `L${badValue}`],
    ]);
  });
});
