import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCommand, type CheckCommandOptions, type CheckJson } from '#cli/check.ts';
import { lakeKeys } from '#ingest/lake-keys.ts';
import { SOURCE_OUTCOMES } from '#ingest/reconcile.ts';
import type { Manifest } from '#platform/ports.ts';
import { useTestLake, type TestLake } from '../ingest/lake.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { runInsights } from '../helpers/run-cli.ts';

const HEADER = 'order_id,order_date,customer_id,amount';
const GOOD = `${HEADER}\nA1,2024-01-05,C1,10.50\nA2,2024-02-20,C2,20.00\n`;
const SOME_BAD = `${HEADER}\nB1,2024-03-01,C1,n/a\nB2,2024-03-02,C3,4.00\n`;
const NO_AMOUNT = 'order_id,order_date,customer_id\nC1,2024-04-01,C1\n';

async function buildLake(lake: TestLake): Promise<Record<string, Manifest>> {
  return {
    good: (await lake.ingest('incoming/orders/good.csv', GOOD)).manifest,
    someBad: (await lake.ingest('incoming/orders/some-bad.csv', SOME_BAD)).manifest,
    noAmount: (await lake.ingest('incoming/orders/no-amount.csv', NO_AMOUNT)).manifest,
  };
}

/** What `--format json` prints, every object closed: a field added must be added here. */
const CHECK_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['lake', 'sources', 'orphans', 'counts', 'ok'],
  properties: {
    lake: { type: 'string' },
    ok: { type: 'boolean' },
    counts: {
      type: 'object',
      additionalProperties: false,
      required: [...SOURCE_OUTCOMES, 'orphans'],
      properties: Object.fromEntries(
        [...SOURCE_OUTCOMES, 'orphans'].map((k) => [k, { type: 'integer', minimum: 0 }]),
      ),
    },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['dataset', 'key', 'etag', 'sourceId', 'current', 'outcome', 'problems'],
        properties: {
          dataset: { type: 'string', pattern: '^[a-z_][a-z0-9_]*$' },
          key: { type: 'string', pattern: '^(incoming|manifests)/' },
          etag: { type: 'string' },
          versionId: { type: 'string' },
          sourceId: { type: 'string', pattern: '^[0-9a-f]{16}$' },
          current: { type: 'boolean' },
          outcome: { enum: [...SOURCE_OUTCOMES] },
          manifest: { type: 'string', pattern: '^manifests/[^/]+/[0-9a-f]{16}\\.json$' },
          rowsRead: { type: 'integer', minimum: 0 },
          rowsCurated: { type: 'integer', minimum: 0 },
          rowsQuarantined: { type: 'integer', minimum: 0 },
          fileError: { type: 'string' },
          ingestedAt: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T' },
          problems: { type: 'array', items: { type: 'string' } },
        },
      },
    },
    orphans: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'dataset', 'sourceId', 'reason'],
        properties: {
          key: { type: 'string', pattern: '^(curated|quarantine)/' },
          dataset: { type: 'string' },
          sourceId: { type: 'string' },
          sourceKey: { type: 'string', pattern: '^incoming/' },
          reason: { type: 'string' },
        },
      },
    },
  },
};
const validate = new Ajv2020({ allErrors: true }).compile(CHECK_SCHEMA);

describe('insights check', () => {
  const lake = useTestLake('each');
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'check-cli-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function check(options: Partial<CheckCommandOptions> = {}) {
    const { io, stdout, stderr } = captureIo();
    const code = await checkCommand({ lake: lake.root, format: 'text', ...options }, io);
    return { code, out: stdout(), err: stderr() };
  }

  async function checkJson(): Promise<{ code: number; json: CheckJson }> {
    const { code, out } = await check({ format: 'json' });
    const json = JSON.parse(out) as CheckJson;
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    return { code, json };
  }

  it('prints a line per raw object of a clean lake, a summary, and exits 0', async () => {
    const m = await buildLake(lake);
    const { code, out, err } = await check();
    expect(code).toBe(0);
    const id = (x: Manifest) => x.sourceEtag.slice(0, 12);
    expect(out).toBe(
      [
        'OUTCOME   DATASET  KEY                            VERSION       READ  CURATED  QUARANTINED',
        `ingested  orders   incoming/orders/good.csv       ${id(m.good!)}     2        2            0`,
        `rejected  orders   incoming/orders/no-amount.csv  ${id(m.noAmount!)}     1        0            1`,
        `    file error: ${m.noAmount!.fileError}`,
        `ingested  orders   incoming/orders/some-bad.csv   ${id(m.someBad!)}     2        1            1`,
        '',
        '3 object version(s): 2 ingested, 1 rejected, 0 replaced, 0 pending, 0 broken; 0 orphan output(s)',
        'OK: every raw object version has a terminal outcome (ingested, rejected or replaced) and every output has its manifest.',
        '',
      ].join('\n'),
    );
    expect(err).toContain(`> check the lake ${lake.root}\n`);
    expect(err).toContain('  3 raw object(s); reading 3 manifest(s)\n');
    expect(err).toMatch(
      /\n {2}3 object version\(s\): 2 ingested, 1 rejected, 0 replaced, 0 pending, 0 broken; 0 orphan output\(s\)\n$/,
    );

    const { code: jsonCode, json } = await checkJson();
    expect(jsonCode).toBe(0);
    expect(json).toMatchObject({
      lake: lake.root,
      ok: true,
      counts: { ingested: 2, rejected: 1, replaced: 0, pending: 0, broken: 0, orphans: 0 },
      orphans: [],
    });
    expect(json.sources.map((s) => [s.key, s.outcome])).toEqual([
      ['incoming/orders/good.csv', 'ingested'],
      ['incoming/orders/no-amount.csv', 'rejected'],
      ['incoming/orders/some-bad.csv', 'ingested'],
    ]);
  });

  it('a deleted manifest makes its object pending and its outputs orphans: exit 1', async () => {
    const { good } = await buildLake(lake);
    await lake.store.delete(lakeKeys.manifest('orders', good!.sourceId));
    const { code, out } = await check();
    expect(code).toBe(1);
    expect(out).toMatch(
      /\npending {3}orders {3}incoming\/orders\/good\.csv {7}\S{12} {5}- {8}- {12}-\n/,
    );
    expect(out).toContain(
      '    no manifest: not ingested yet, being ingested, or its ingest stopped before writing the manifest\n',
    );
    expect(out).toContain(
      `\nOrphan outputs (no manifest names them): 2\n  ${lakeKeys.curated('orders', 'month=2024-01', good!.sourceId)}\n    no manifest: incoming/orders/good.csv is pending`,
    );
    expect(out).toMatch(/\nPROBLEMS: 1 pending, 2 orphan output\(s\): see the lines above\.\n$/);

    const { code: jsonCode, json } = await checkJson();
    expect(jsonCode).toBe(1);
    expect(json.ok).toBe(false);
    expect(json.counts).toMatchObject({ pending: 1, orphans: 2 });
  });

  it('a curated object its manifest names, deleted, makes the object broken: exit 1', async () => {
    const { someBad } = await buildLake(lake);
    const gone = lakeKeys.curated('orders', someBad!.partitions[0]!, someBad!.sourceId);
    await lake.store.delete(gone);
    const { code, out } = await check();
    expect(code).toBe(1);
    expect(out).toMatch(/\nbroken {4}orders {3}incoming\/orders\/some-bad\.csv .* 2 +1 +1\n/);
    expect(out).toContain(`\n    missing ${gone}, which the manifest names\n`);
    expect(out).toMatch(/\nPROBLEMS: 1 broken: /);
    const { json } = await checkJson();
    expect(json.sources.find((s) => s.outcome === 'broken')).toMatchObject({
      key: 'incoming/orders/some-bad.csv',
      problems: [`missing ${gone}, which the manifest names`],
    });
  });

  it('lists a stray curated file as an orphan: exit 1', async () => {
    const { good } = await buildLake(lake);
    const stray = lakeKeys.curated('orders', 'month=2024-01', 'feedfacefeedface');
    await lake.store.put(
      stray,
      await lake.store.getBytes(lakeKeys.curated('orders', good!.partitions[0]!, good!.sourceId)),
    );
    const { code, out } = await check();
    expect(code).toBe(1);
    expect(out).toContain(
      `\nOrphan outputs (no manifest names them): 1\n  ${stray}\n    no manifest has source id feedfacefeedface (left by a removed version, or put here by hand)\n`,
    );
    expect(out).toMatch(/\nPROBLEMS: 1 orphan output\(s\): /);
    const { json } = await checkJson();
    expect(json.orphans).toEqual([
      {
        key: stray,
        dataset: 'orders',
        sourceId: 'feedfacefeedface',
        reason:
          'no manifest has source id feedfacefeedface (left by a removed version, or put here by hand)',
      },
    ]);
    expect(json.counts).toMatchObject({ ingested: 2, rejected: 1, orphans: 1 });
  });

  it('reports two versions of a key: the new one pending, the old replaced; then only the new', async () => {
    const { good } = await buildLake(lake);
    const v2 = `${HEADER}\nA1,2024-01-05,C1,11.50\n`;
    await lake.store.put('incoming/orders/good.csv', v2);
    const { code, out } = await check();
    expect(code).toBe(1);
    const lines = out.split('\n').filter((l) => l.includes('incoming/orders/good.csv '));
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^replaced  orders   incoming/orders/good\\.csv +${good!.sourceEtag.slice(0, 12)} +2 +2 +0$`,
        ),
      ),
      expect.stringMatching(/^pending {3}orders {3}incoming\/orders\/good\.csv +\S{12} +- +- +-$/),
    ]);
    expect(out).toContain(
      '\n4 object version(s): 1 ingested, 1 rejected, 1 replaced, 1 pending, 0 broken; 0 orphan output(s)\n',
    );

    await lake.ingest('incoming/orders/good.csv', v2);
    const after = await checkJson();
    expect(after.code).toBe(0);
    expect(after.json.sources.filter((s) => s.key === 'incoming/orders/good.csv')).toEqual([
      expect.objectContaining({ outcome: 'ingested', current: true, rowsRead: 1 }),
    ]);
  });

  it('writes the result to --out, and says so on stderr', async () => {
    await buildLake(lake);
    const out = join(dir, 'check.json');
    const { code, out: stdout, err } = await check({ format: 'json', out });
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(err).toMatch(/: written to .*check\.json\n$/);
    expect(validate(JSON.parse(await readFile(out, 'utf8')))).toBe(true);
  });

  it('exits 2 when there is no lake folder or --out cannot be written', async () => {
    const nowhere = join(dir, 'nowhere');
    const missing = await check({ lake: nowhere });
    expect(missing).toMatchObject({ code: 2, out: '' });
    expect(missing.err).toBe(
      `error: No lake folder at ${nowhere}: give one with --lake DIR (\`insights demo\` makes demo-out/lake)\n`,
    );
    const unwritable = await check({ out: join(dir, 'no-such-folder', 'x.txt') });
    expect(unwritable.code).toBe(2);
    expect(unwritable.err).toMatch(/error: Cannot write .*x\.txt: ENOENT/);
  });

  it('as a command: registered, with help; exit 2 on a usage error, 1 on problems', async () => {
    await buildLake(lake);
    const help = await runInsights(['check', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: insights check [options]');
    expect((await runInsights(['check'])).code).toBe(2);
    const format = await runInsights(['check', '--lake', lake.root, '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain("argument 'xml' is invalid");
    expect((await runInsights(['check', '--lake', lake.root])).code).toBe(0);
    await lake.store.put('incoming/orders/late.csv', GOOD.replace('A1', 'L1'));
    const late = await runInsights(['check', '--lake', lake.root, '--format', 'json']);
    expect(late.code).toBe(1);
    expect((JSON.parse(late.stdout) as CheckJson).counts.pending).toBe(1);
  });
});
