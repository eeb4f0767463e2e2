import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestObject } from '#ingest/ingest.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { assertLakeKey, lakeKeyProblem } from '#platform/identifiers.ts';
import { fsBlobStore } from '#platform/local/fs-blob-store.ts';
import { useTestLake, type TestLake } from './lake.ts';

/**
 * Keys are user input: an upload's name (in the bucket, or a file dropped into a folder)
 * becomes a lake key, its folder a dataset. A key must not reach outside its folder, two keys
 * must not name one file, and quotes or SQL in a name must be kept as they are and harm
 * nothing.
 */

const CSV = 'order_id,order_date,amount\nA1,2024-01-02,10\nA2,2024-01-03,12\n';

/** Keys the lake refuses, with what the error says. */
const UNSAFE: [string, RegExp][] = [
  ['incoming/../etc/x.csv', /"\.\." path segment/],
  ['incoming/orders/../../../x.csv', /"\.\." path segment/],
  ['incoming/orders/..', /"\.\." path segment/],
  ['incoming/orders/..\\..\\x.csv', /"\.\." path segment/],
  ['incoming/./orders/x.csv', /"\." path segment/],
  ['incoming//orders/x.csv', /empty path segment/],
  ['incoming/orders/', /empty path segment/],
  ['/etc/passwd', /absolute path/],
  ['incoming/orders/x\0.csv', /NUL/],
  ['', /empty/],
];

describe('lake keys', () => {
  it.each(UNSAFE)('refuses %j', (key, why) => {
    expect(lakeKeyProblem(key)).toMatch(why);
    expect(() => assertLakeKey(key)).toThrow(InputRejectedError);
    expect(() => assertLakeKey(key)).toThrow(`Key ${JSON.stringify(key)} is not a safe lake key: `);
  });

  it.each([
    'incoming/orders/x.csv',
    "incoming/o'rders/x.csv",
    "incoming/orders/x'; drop.csv",
    'incoming/orders/"q" (1).csv',
    'incoming/orders/x..y.csv',
    'incoming/orders/.hidden.csv',
    'incoming/Über uns/März 2024.csv',
  ])('accepts %j', (key) => {
    expect(lakeKeyProblem(key)).toBeUndefined();
    expect(assertLakeKey(key)).toBe(key);
  });

  it('allows the root and a trailing slash only for folders', () => {
    expect(lakeKeyProblem('', { folder: true })).toBeUndefined();
    expect(lakeKeyProblem('quarantine/orders/', { folder: true })).toBeUndefined();
    expect(lakeKeyProblem('quarantine//orders/', { folder: true })).toMatch(/empty path segment/);
    expect(lakeKeyProblem('../', { folder: true })).toMatch(/"\.\." path segment/);
  });
});

describe('the local file store', () => {
  let outer: string;
  let root: string;

  beforeAll(async () => {
    // The lake is a folder inside `outer`, so that an escape would land in `outer`.
    outer = await mkdtemp(join(tmpdir(), 'fs-store-keys-'));
    root = join(outer, 'lake');
  });
  afterAll(() => rm(outer, { recursive: true, force: true }));

  it.each(UNSAFE)('refuses %j in every operation, and writes nothing', async (key) => {
    const store = fsBlobStore(root);
    const local = join(outer, 'local.csv');
    await writeFile(local, CSV);
    const refusals = [
      () => store.put(key, CSV),
      () => store.upload(local, key),
      () => store.head(key),
      () => store.getText(key),
      () => store.getBytes(key),
      () => store.download(key, join(outer, 'copy.csv')),
      () => store.delete(key),
    ];
    for (const call of refusals) {
      await expect(call()).rejects.toThrow(InputRejectedError);
      await expect(call()).rejects.toThrow(/is not a safe lake key/);
    }
    expect((await readdir(outer)).sort()).toEqual(['local.csv']);
  });

  it('does not let a key reach a file inside the lake by another name', async () => {
    const store = fsBlobStore(root);
    await store.put('etc/x.csv', CSV);
    await expect(store.head('incoming/../etc/x.csv')).rejects.toThrow(/"\.\." path segment/);
    await expect(store.getText('etc/./x.csv')).rejects.toThrow(/"\." path segment/);
    await expect(store.list('incoming/../')).rejects.toThrow(/"\.\." path segment/);
    expect((await store.list('')).map((o) => o.key)).toEqual(['etc/x.csv']);
    await store.delete('etc/x.csv');
  });

  it('keeps quotes, spaces and SQL in keys as they are', async () => {
    const store = fsBlobStore(root);
    const keys = [
      "incoming/o'rders/x.csv",
      "incoming/orders/x'; DROP TABLE y; --.csv",
      'incoming/orders/"q" (1).csv',
    ];
    for (const key of keys) await store.put(key, `${key}\n`);
    expect((await store.list('incoming/')).map((o) => o.key)).toEqual([...keys].sort());
    for (const key of keys) expect(await store.getText(key)).toBe(`${key}\n`);
    expect(store.url("incoming/o'rders/x.csv")).toBe(join(root, "incoming/o'rders/x.csv"));
    expect(store.url('')).toBe(root);
    expect(store.url('quarantine/orders/')).toBe(join(root, 'quarantine/orders'));
  });
});

describe('ingestObject with unsafe or odd keys', () => {
  const lake = useTestLake();
  const ingest = (lake: TestLake, key: string, dataset?: string) =>
    ingestObject(
      {
        store: lake.store,
        catalog: lake.catalog,
        duck: lake.duck,
        clock: lake.clock,
        workDir: lake.workDir,
      },
      { key, ...(dataset ? { dataset } : {}) },
    );

  it('refuses a key that climbs out of its folder, even when the file it names exists', async () => {
    await lake.store.put('etc/x.csv', CSV);
    const before = await lake.snapshot();
    for (const key of ['incoming/../etc/x.csv', 'incoming/orders/../../etc/x.csv']) {
      const attempt = ingest(lake, key);
      await expect(attempt).rejects.toThrow(InputRejectedError);
      await expect(ingest(lake, key)).rejects.toThrow(
        `Key ${JSON.stringify(key)} is not a safe lake key: it has a ".." path segment, which would leave its folder`,
      );
    }
    await expect(ingest(lake, 'incoming//orders/x.csv')).rejects.toThrow(/empty path segment/);
    expect(await lake.snapshot()).toEqual(before);
    await lake.store.delete('etc/x.csv');
  });

  it('ingests keys with quotes and SQL in their names, and keeps the names as they are', async () => {
    const quoted = await lake.ingest("incoming/o'rders/x.csv", CSV);
    expect(quoted.manifest).toMatchObject({
      dataset: 'o_rders',
      sourceKey: "incoming/o'rders/x.csv",
      rowsRead: 2,
      rowsCurated: 2,
    });
    const sql = "incoming/orders/x'; DROP TABLE orders; --.csv";
    const dropped = await lake.ingest(sql, CSV);
    expect(dropped.manifest).toMatchObject({ dataset: 'orders', sourceKey: sql, rowsCurated: 2 });
    // A file error names the file exactly as it is called.
    const empty = await lake.ingest('incoming/orders/it\'s "empty".csv', '');
    expect(empty.manifest.fileError).toBe(
      `incoming/orders/it's "empty".csv is empty: no header and no rows`,
    );
    // Both datasets are there, with their rows; the manifest that names the SQL is valid JSON.
    expect(await lake.catalog.listDatasets()).toEqual(['o_rders', 'orders']);
    expect(await lake.curated('o_rders', 'count(*) AS n')).toEqual([{ n: 2 }]);
    expect(await lake.curated('orders', 'count(*) AS n')).toEqual([{ n: 2 }]);
    const manifest = JSON.parse(
      await lake.store.getText(`manifests/orders/${dropped.manifest.sourceId}.json`),
    ) as { sourceKey: string };
    expect(manifest.sourceKey).toBe(sql);
  });

  it('refuses a dataset name with quotes or SQL', async () => {
    await lake.store.put('incoming/x/a.csv', CSV);
    for (const dataset of ["o'rders", 'orders"; DROP TABLE x; --', '../etc', 'Orders']) {
      await expect(ingest(lake, 'incoming/x/a.csv', dataset)).rejects.toThrow(
        `Dataset ${JSON.stringify(dataset)} is not a valid name`,
      );
    }
  });
});

describe('a scratch folder whose path has a quote in it', () => {
  const lake = useTestLake();

  it('is where DuckDB reads the file from, quoted', async () => {
    await lake.store.put('incoming/orders/a.csv', CSV);
    const workDir = join(lake.workDir, "it's; DROP TABLE x; --");
    const result = await ingestObject(
      { store: lake.store, catalog: lake.catalog, duck: lake.duck, clock: lake.clock, workDir },
      { key: 'incoming/orders/a.csv' },
    );
    expect(result.manifest).toMatchObject({ rowsRead: 2, rowsCurated: 2 });
  });
});
