import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runInsights } from '../helpers/run-cli.ts';

const FIXTURES = join(ROOT, 'test/fixtures/bad-input');

const insights = (...args: string[]) => runInsights(args);

describe('insights (the command line)', () => {
  it('has help on every command', async () => {
    for (const command of [
      [],
      ['demo'],
      ['ingest'],
      ['run'],
      ['watch'],
      ['quarantine'],
      ['contract'],
      ['contract', 'show'],
      ['forecast'],
      ['detect'],
      ['explain'],
      ['check'],
      ['report'],
      ['open'],
    ]) {
      const { code, stdout } = await insights(...command, '--help');
      expect(code, command.join(' ')).toBe(0);
      expect(stdout).toContain('Usage: insights');
    }
  });

  it('ingests good rows, names the file, line and column of each bad one, and exits 0', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'cli-lake-'));
    const folder = await mkdtemp(join(tmpdir(), 'cli-files-'));
    await mkdir(join(folder, 'orders'));
    const good = join(folder, 'orders', 'good.csv');
    await writeFile(
      good,
      'order_id,order_date,amount\nA1,2024-01-02,10\nA2,2024-01-03,12\nA3,2024-01-04,9\n',
    );
    const bad = join(FIXTURES, 'non-numeric.csv');
    const first = await insights('ingest', good, '--lake', lake, '--dataset', 'orders');
    expect(first.code).toBe(0);
    expect(first.stderr).toContain('3 rows read, 3 curated, 0 quarantined');

    const second = await insights(
      'ingest',
      join(FIXTURES, 'good.csv'),
      bad,
      '--lake',
      lake,
      '--dataset',
      'shop',
    );
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`${bad}, line 3, column amount: not a number: "n/a"`);
    expect(second.stderr).toContain(`${bad}, line 4, column quantity: not a number: "two"`);
    expect(await readdir(join(lake, 'quarantine', 'shop'))).toHaveLength(1);
  });

  it('exits 1 with the file and column when a file cannot be ingested at all', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'cli-lake-'));
    await insights('ingest', join(FIXTURES, 'good.csv'), '--lake', lake, '--dataset', 'orders');
    const missing = join(FIXTURES, 'missing-column.csv');
    const empty = join(FIXTURES, 'empty.csv');
    const { code, stderr } = await insights(
      'ingest',
      missing,
      empty,
      '--lake',
      lake,
      '--dataset',
      'orders',
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`${missing}: .*amount`));
    expect(stderr).toMatch(new RegExp(`${empty}: .*empty`, 'i'));
    expect(stderr).toContain(`${missing} -> orders: 3 rows read, 0 curated, 3 quarantined`);
  });

  it('refuses a dataset name reserved for the files tables in AWS before copying anything', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'cli-lake-'));
    const good = join(FIXTURES, 'good.csv');
    const { code, stderr } = await insights(
      'ingest',
      good,
      '--lake',
      lake,
      '--dataset',
      'orders__files',
    );
    expect(code).toBe(1);
    expect(stderr).toContain(
      `${good}: Dataset "orders__files" is not a valid name: names ending in __files are reserved`,
    );
    expect(await readdir(lake)).toEqual([]);
  });

  it('refuses a different file of the same name unless told to replace, and keeps the first', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'cli-lake-'));
    const [a, b] = [
      await mkdtemp(join(tmpdir(), 'cli-a-')),
      await mkdtemp(join(tmpdir(), 'cli-b-')),
    ];
    await writeFile(join(a, 'sales.csv'), 'id,amount\n1,10\n2,20\n');
    await writeFile(join(b, 'sales.csv'), 'id,amount\n3,30\n');
    expect((await insights('ingest', join(a, 'sales.csv'), '--lake', lake)).code).toBe(0);
    const refused = await insights('ingest', join(b, 'sales.csv'), '--lake', lake);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already holds a different file of this name');
    expect(await readFile(join(lake, 'incoming/sales/sales.csv'), 'utf8')).toBe(
      'id,amount\n1,10\n2,20\n',
    );
    const replaced = await insights('ingest', join(b, 'sales.csv'), '--lake', lake, '--replace');
    expect(replaced.code).toBe(0);
    expect(replaced.stderr).toContain('1 rows read, 1 curated');
    // The same bytes again are a re-delivery, not a conflict.
    expect((await insights('ingest', join(b, 'sales.csv'), '--lake', lake)).code).toBe(0);
  });

  it('says what to do when the lake has no data, and when a file does not exist', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'cli-lake-'));
    const run = await insights('run', '--lake', lake);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('holds no dataset yet: run `insights ingest');
    const ingest = await insights('ingest', join(lake, 'nope.csv'), '--lake', lake);
    expect(ingest.code).toBe(1);
    expect(ingest.stderr).toContain(`${join(lake, 'nope.csv')}: ENOENT`);
  });

  it('refuses to run the demo in a folder of the user’s own files', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'cli-own-'));
    await writeFile(join(folder, 'precious.txt'), 'keep me');
    const { code, stderr } = await insights('demo', '--out', folder);
    expect(code).toBe(1);
    expect(stderr).toContain('already holds files that insights demo did not make');
    expect(await readdir(folder)).toEqual(['precious.txt']);
  });
});
