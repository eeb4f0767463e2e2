import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  detectEncoding,
  hasMultibyte,
  toUtf8,
  transcodeToUtf8,
  Utf8Check,
  type TextEncoding,
} from '#ingest/encoding.ts';
import { useTestLake } from './lake.ts';

const LATIN1_WARNING =
  'read as Windows-1252 (Latin-1): the file is not UTF-8; save it as UTF-8 to be sure of accented letters';

/** Every way of cutting `bytes` in two, checked as two chunks. */
function checkSplits(bytes: Buffer): { invalid: boolean; multibyte: boolean }[] {
  return Array.from({ length: bytes.length + 1 }, (_, at) => {
    const check = new Utf8Check();
    check.push(bytes.subarray(0, at));
    check.push(bytes.subarray(at));
    check.end();
    return { invalid: check.invalid, multibyte: check.multibyte };
  });
}

describe('Utf8Check', () => {
  it('a character cut by a chunk boundary is still one valid character', () => {
    for (const text of ['Café\n', 'a😀b', '€', 'ü']) {
      const splits = checkSplits(Buffer.from(text));
      expect(splits).toEqual(splits.map(() => ({ invalid: false, multibyte: true })));
    }
  });

  it('a Latin-1 byte is invalid wherever it falls, last byte of the stream included', () => {
    for (const bytes of [Buffer.from('Caf\xe9\n', 'latin1'), Buffer.from('Caf\xe9', 'latin1')]) {
      const splits = checkSplits(bytes);
      expect(splits).toEqual(splits.map(() => ({ invalid: true, multibyte: false })));
    }
  });

  it('plain ASCII is neither invalid nor multi-byte', () => {
    expect(checkSplits(Buffer.from('id,name\nA1,x\n'))[5]).toEqual({
      invalid: false,
      multibyte: false,
    });
  });

  it('valid multi-byte UTF-8 beside a Latin-1 byte: both seen', () => {
    const check = new Utf8Check();
    check.push(Buffer.concat([Buffer.from('Müller,'), Buffer.from([0x43, 0xe9, 0x0a])]));
    check.end();
    expect(check).toMatchObject({ invalid: true, multibyte: true });
  });
});

describe('hasMultibyte', () => {
  it('counts only well-formed sequences', () => {
    expect(hasMultibyte(Buffer.from('é'))).toBe(true);
    expect(hasMultibyte(Buffer.from([0xf0, 0x9f, 0x98, 0x80]))).toBe(true); // 😀
    expect(hasMultibyte(Buffer.from([0xc0, 0x80]))).toBe(false); // overlong NUL
    expect(hasMultibyte(Buffer.from([0xed, 0xa0, 0x80]))).toBe(false); // a surrogate
    expect(hasMultibyte(Buffer.from([0xe9, 0x74, 0xe9]))).toBe(false); // Latin-1 `été`
    expect(hasMultibyte(Buffer.from([0xc3]))).toBe(false); // cut short
  });
});

describe('detectEncoding and transcodeToUtf8', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'encoding-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const detect = async (bytes: Buffer) => {
    const path = join(dir, `f${Math.random().toString(36).slice(2)}`);
    await writeFile(path, bytes);
    return detectEncoding(path);
  };

  it('by byte-order mark, by zero bytes, by checking every byte', async () => {
    const text = 'id,name\nA1,Café\n';
    const cases: [Buffer, TextEncoding, boolean][] = [
      [Buffer.from(text), 'utf-8', false],
      [Buffer.from(`\uFEFF${text}`), 'utf-8', true],
      [Buffer.from(`\uFEFF${text}`, 'utf16le'), 'utf-16le', true],
      [Buffer.from(`\uFEFF${text}`, 'utf16le').swap16(), 'utf-16be', true],
      [Buffer.from(text, 'utf16le'), 'utf-16le', false],
      [Buffer.from(text, 'utf16le').swap16(), 'utf-16be', false],
      [Buffer.from(text, 'latin1'), 'windows-1252', false],
      // Damaged UTF-8: left as UTF-8, for the reader to reject the damaged rows.
      [Buffer.concat([Buffer.from(text), Buffer.from('A2,Caf\xe9\n', 'latin1')]), 'utf-8', false],
    ];
    for (const [bytes, encoding, bom] of cases)
      expect([encoding, await detect(bytes)]).toEqual([encoding, { encoding, bom }]);
  });

  it('binary data is not taken for Windows-1252 text', async () => {
    // Bytes 0x00-0xFF in a fixed shuffle: invalid UTF-8 with no multi-byte character, as
    // Latin-1 text is, but one byte in eight a control byte.
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 167 + 13) % 256));
    expect(await detect(noise)).toEqual({ binary: true });
    // A DOS end mark, a form feed and a tab are text.
    const text = Buffer.from('id\tname\fx\r\nA1\tCaf\xe9\r\n\x1a', 'latin1');
    expect(await detect(text)).toEqual({ encoding: 'windows-1252', bom: false });
  });

  it('one Latin-1 byte at the end of a 3 MB file, after 3 MB of ASCII', async () => {
    const ascii = Buffer.from('id,name\n' + 'A1,plain ascii text\n'.repeat(150_000));
    expect(await detect(ascii)).toEqual({ encoding: 'utf-8', bom: false });
    const bytes = Buffer.concat([ascii, Buffer.from('A2,Caf\xe9', 'latin1')]);
    expect(await detect(bytes)).toEqual({ encoding: 'windows-1252', bom: false });
  });

  it('Windows-1252: € and curly quotes (0x80-0x9F), accents', async () => {
    const from = join(dir, 'cp1252');
    await writeFile(from, Buffer.from([0x80, 0x20, 0x93, 0x61, 0x94, 0x92, 0xe9, 0xff, 0x0a]));
    await transcodeToUtf8(from, `${from}.out`, 'windows-1252');
    expect(await readFile(`${from}.out`, 'utf8')).toBe('€ “a”’éÿ\n');
  });

  it('UTF-16: the byte-order mark dropped, pairs and surrogate pairs cut at any byte', async () => {
    const text = '\uFEFFid,name\r\nA1,Café 😀\r\n';
    for (const [encoding, bytes] of [
      ['utf-16le', Buffer.from(text, 'utf16le')],
      ['utf-16be', Buffer.from(text, 'utf16le').swap16()],
    ] as const) {
      for (let at = 0; at <= bytes.length; at += 1) {
        const chunks = [bytes.subarray(0, at), bytes.subarray(at)];
        const out = await buffer(Readable.from(chunks).pipe(toUtf8(encoding)));
        expect(out.toString('utf8')).toBe(text.slice(1));
      }
    }
  });
});

/** Plain rows after the interesting ones: one bad amount in many keeps `amount` a number. */
const FILLER = Array.from({ length: 100 }, (_, i) => `B${i},plain,${i}\n`).join('');
const JSON_FILLER = Array.from({ length: 100 }, (_, i) => `{"id":"B${i}","n":${i}}\n`).join('');

describe('ingest of files that are not plain UTF-8', () => {
  const lake = useTestLake('each');
  /** Line 4 holds a bad amount; lines 2, 3 and 5 accented names, or a Windows-1252 €. */
  const TEXT = `id,name,amount\nA1,Café,1.5\nA2,Zoë Müller,2\nA3,Renée,oops\nA4,€ sign,4\n${FILLER}`;
  const VALUES = [
    { id: 'A1', name: 'Café' },
    { id: 'A2', name: 'Zoë Müller' },
    { id: 'A4', name: '€ sign' },
  ];
  const accounting = { rowsRead: 104, rowsCurated: 103, rowsQuarantined: 1 };

  const expectRead = async (dataset: string, warning: string | undefined, key: string) => {
    const { manifest, rejectedSample } = await lake.ingest(key, files[dataset]!);
    expect(manifest).toMatchObject(accounting);
    expect(manifest.warnings).toEqual(warning ? [warning] : undefined);
    expect(rejectedSample).toEqual([
      { line: 4, column: 'amount', value: 'oops', reason: 'not a number: "oops"' },
    ]);
    expect(await lake.curated(dataset, 'id, name', "WHERE id LIKE 'A%' ORDER BY id")).toEqual(
      VALUES,
    );
    const [quarantined] = await lake.quarantineOf(manifest);
    expect(quarantined?.values).toMatchObject({ id: 'A3', name: 'Renée' });
  };

  const latin1 = Buffer.from(TEXT.replace('€', '\x80'), 'latin1');
  const files: Record<string, Buffer> = {
    latin1,
    utf16le: Buffer.from(`\uFEFF${TEXT.replaceAll('\n', '\r\n')}`, 'utf16le'),
    utf16be: Buffer.from(`\uFEFF${TEXT}`, 'utf16le').swap16(),
    bom: Buffer.from(`\uFEFF${TEXT}`),
    gzipped: gzipSync(latin1),
  };

  it('Latin-1 (Windows-1252): transcoded, said in a warning, lines as in the file', () =>
    expectRead('latin1', LATIN1_WARNING, 'incoming/latin1/data.csv'));

  it('UTF-16 LE with CRLF', () =>
    expectRead('utf16le', 'read as UTF-16 LE, converted to UTF-8', 'incoming/utf16le/data.csv'));

  it('UTF-16 BE', () =>
    expectRead('utf16be', 'read as UTF-16 BE, converted to UTF-8', 'incoming/utf16be/data.csv'));

  it('UTF-8 with a byte-order mark: no warning', () =>
    expectRead('bom', undefined, 'incoming/bom/data.csv'));

  it('a gzipped Latin-1 file named .csv: unzipped by its magic bytes, then transcoded', () =>
    expectRead('gzipped', LATIN1_WARNING, 'incoming/gzipped/data.csv'));

  it('UTF-8 with one damaged row: that row quarantined as not UTF-8, the others curated', async () => {
    const bytes = Buffer.concat([
      Buffer.from('id,name,amount\nA1,Café,1\n'),
      Buffer.from('A2,Ren\xe9e,2\n', 'latin1'),
      Buffer.from('A3,Zoë,3\n'),
    ]);
    const { manifest, rejectedSample } = await lake.ingest('incoming/damaged/data.csv', bytes);
    expect(manifest).toMatchObject({ rowsRead: 3, rowsCurated: 2, rowsQuarantined: 1 });
    expect(manifest.warnings).toBeUndefined();
    expect(rejectedSample).toMatchObject([
      { line: 3, reason: 'not UTF-8 text: save the file as UTF-8' },
    ]);
    expect(await lake.curated('damaged', 'name', 'ORDER BY id')).toEqual([
      { name: 'Café' },
      { name: 'Zoë' },
    ]);
  });

  it('Latin-1 JSON Lines: transcoded, the bad record on its line', async () => {
    const jsonl = Buffer.from(
      `{"id":"A1","name":"Caf\xe9","n":1}\n\n{"id":"A2","name":"Ren\xe9e","n":"x"}\n{"id":"A3","name":"Zo\xeb","n":3}\n${JSON_FILLER}`,
      'latin1',
    );
    const { manifest, rejectedSample } = await lake.ingest('incoming/jl1/data.jsonl', jsonl);
    expect(manifest).toMatchObject({ rowsRead: 103, rowsCurated: 102, rowsQuarantined: 1 });
    expect(manifest.warnings).toEqual([LATIN1_WARNING]);
    expect(rejectedSample).toMatchObject([{ line: 3, column: 'n', value: 'x' }]);
    expect(await lake.curated('jl1', 'name', "WHERE id LIKE 'A%' ORDER BY id")).toEqual([
      { name: 'Café' },
      { name: 'Zoë' },
    ]);
  });

  it('UTF-16 rows after a quoted line break and a blank line: the physical lines', async () => {
    const text =
      'id,note,amount\r\nA1,"two\r\nlines é",1\r\n\r\nA2,ü,x\r\nA3,ß,3\r\n' +
      FILLER.replaceAll('\n', '\r\n');
    const { manifest, rejectedSample } = await lake.ingest(
      'incoming/u16lines/data.csv',
      Buffer.from(`\uFEFF${text}`, 'utf16le'),
    );
    expect(manifest).toMatchObject({ rowsRead: 103, rowsCurated: 102 });
    expect(rejectedSample).toMatchObject([{ line: 5, column: 'amount', value: 'x' }]);
    expect(await lake.curated('u16lines', 'note', "WHERE id LIKE 'A%' ORDER BY id")).toEqual([
      { note: 'two\r\nlines é' },
      { note: 'ß' },
    ]);
  });
});
