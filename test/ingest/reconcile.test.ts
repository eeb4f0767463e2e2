import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { ingestObject } from '#ingest/ingest.ts';
import { lakeKeys } from '#ingest/lake-keys.ts';
import { reconcileLake, type LakeReconciliation } from '#ingest/reconcile.ts';
import { s3BlobStore } from '#platform/aws/s3-blob-store.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { lakeCatalog } from '#platform/lake-catalog.ts';
import type { Manifest } from '#platform/ports.ts';
import { FakeS3Bucket } from '../helpers/fake-s3.ts';
import { fixedClock, useTestLake, type TestLake } from './lake.ts';

const HEADER = 'order_id,order_date,customer_id,amount';
/** Two good rows, in January and February. */
const GOOD = `${HEADER}\nA1,2024-01-05,C1,10.50\nA2,2024-02-20,C2,20.00\n`;
/** One good row and one with a bad amount: a quarantine file. */
const SOME_BAD = `${HEADER}\nB1,2024-03-01,C1,n/a\nB2,2024-03-02,C3,4.00\n`;
/** No amount column: the whole file is refused, its row quarantined. */
const NO_AMOUNT = 'order_id,order_date,customer_id\nC1,2024-04-01,C1\n';

/** The demo-like lake: good rows, some bad rows, a file refused as a whole, an empty file. */
async function buildLake(lake: TestLake) {
  return {
    good: (await lake.ingest('incoming/orders/good.csv', GOOD)).manifest,
    someBad: (await lake.ingest('incoming/orders/some-bad.csv', SOME_BAD)).manifest,
    noAmount: (await lake.ingest('incoming/orders/no-amount.csv', NO_AMOUNT)).manifest,
    empty: (await lake.ingest('incoming/orders/empty.csv', '')).manifest,
  };
}

const outcomes = (r: LakeReconciliation) =>
  r.sources.map((s) => [s.key, s.outcome, s.current] as const);

describe('reconcileLake', () => {
  const lake = useTestLake('each');

  it('finds every version of a clean lake ingested or rejected, with its counts, and nothing orphaned', async () => {
    const m = await buildLake(lake);
    expect(m.noAmount.fileError).toMatch(/required column amount is missing/);
    const messages: string[] = [];
    const r = await reconcileLake(lake.store, { onProgress: (message) => messages.push(message) });
    expect(outcomes(r)).toEqual([
      ['incoming/orders/empty.csv', 'rejected', true],
      ['incoming/orders/good.csv', 'ingested', true],
      ['incoming/orders/no-amount.csv', 'rejected', true],
      ['incoming/orders/some-bad.csv', 'ingested', true],
    ]);
    expect(r.ok).toBe(true);
    expect(r.orphans).toEqual([]);
    expect(r.counts).toEqual({
      ingested: 2,
      rejected: 2,
      replaced: 0,
      pending: 0,
      broken: 0,
      orphans: 0,
    });
    const [empty, good, noAmount, someBad] = r.sources;
    expect(someBad).toEqual({
      dataset: 'orders',
      key: 'incoming/orders/some-bad.csv',
      etag: m.someBad.sourceEtag,
      sourceId: m.someBad.sourceId,
      current: true,
      outcome: 'ingested',
      manifest: lakeKeys.manifest('orders', m.someBad.sourceId),
      rowsRead: 2,
      rowsCurated: 1,
      rowsQuarantined: 1,
      ingestedAt: m.someBad.ingestedAt,
      problems: [],
    });
    expect(good).toMatchObject({ rowsRead: 2, rowsCurated: 2, rowsQuarantined: 0 });
    expect(noAmount).toMatchObject({
      rowsRead: 1,
      rowsCurated: 0,
      rowsQuarantined: 1,
      fileError: m.noAmount.fileError,
      problems: [],
    });
    expect(empty).toMatchObject({ rowsRead: 0, fileError: m.empty.fileError, problems: [] });
    expect(messages).toEqual([
      'listing incoming/ (raw objects and their ETags)',
      '4 raw object(s); reading 4 manifest(s)',
    ]);
  });

  it('an empty lake, or none, is consistent', async () => {
    expect(await reconcileLake(lake.store)).toMatchObject({ sources: [], orphans: [], ok: true });
  });

  it('a version without its manifest is pending, and what its ingest wrote is orphaned, until it is ingested again', async () => {
    const { good } = await buildLake(lake);
    await lake.store.delete(lakeKeys.manifest('orders', good.sourceId));
    const r = await reconcileLake(lake.store);
    expect(r.ok).toBe(false);
    expect(r.sources.find((s) => s.key === 'incoming/orders/good.csv')).toEqual({
      dataset: 'orders',
      key: 'incoming/orders/good.csv',
      etag: good.sourceEtag,
      sourceId: good.sourceId,
      current: true,
      outcome: 'pending',
      problems: [
        'no manifest: not ingested yet, being ingested, or its ingest stopped before writing the manifest',
      ],
    });
    expect(r.counts).toMatchObject({ pending: 1, ingested: 1, rejected: 2, orphans: 2 });
    expect(r.orphans).toEqual(
      good.partitions.map((p) => ({
        key: lakeKeys.curated('orders', p, good.sourceId),
        dataset: 'orders',
        sourceId: good.sourceId,
        sourceKey: 'incoming/orders/good.csv',
        reason:
          'no manifest: incoming/orders/good.csv is pending (an ingest under way, or one that stopped before its manifest)',
      })),
    );

    await lake.ingest('incoming/orders/good.csv', GOOD);
    expect((await reconcileLake(lake.store)).ok).toBe(true);
  });

  it('a raw object that was never ingested is pending', async () => {
    await buildLake(lake);
    await lake.store.put('incoming/orders/new.csv', GOOD.replace('A1', 'N1'));
    const r = await reconcileLake(lake.store);
    expect(r.sources.find((s) => s.key === 'incoming/orders/new.csv')?.outcome).toBe('pending');
    expect(r.orphans).toEqual([]);
    expect(r.ok).toBe(false);
  });

  it('a manifest whose outputs are missing, whose accounting does not hold, or that cannot be read is broken', async () => {
    const m = await buildLake(lake);
    const missing = lakeKeys.curated('orders', m.good.partitions[0]!, m.good.sourceId);
    await lake.store.delete(missing);
    const miscounted: Manifest = { ...m.someBad, rowsRead: 3 };
    await lake.store.put(
      lakeKeys.manifest('orders', m.someBad.sourceId),
      JSON.stringify(miscounted),
    );
    await lake.store.put(lakeKeys.manifest('orders', m.noAmount.sourceId), '{"dataset": "ord');

    const r = await reconcileLake(lake.store);
    expect(outcomes(r)).toEqual([
      ['incoming/orders/empty.csv', 'rejected', true],
      ['incoming/orders/good.csv', 'broken', true],
      ['incoming/orders/no-amount.csv', 'broken', true],
      ['incoming/orders/some-bad.csv', 'broken', true],
    ]);
    const [, good, noAmount, someBad] = r.sources;
    expect(good!.problems).toEqual([`missing ${missing}, which the manifest names`]);
    expect(someBad!.problems).toEqual([
      'accounting does not hold: 3 rows read, 1 curated + 1 quarantined',
    ]);
    expect(noAmount!.problems).toEqual([
      expect.stringMatching(
        new RegExp(`^manifests/orders/${m.noAmount.sourceId}\\.json: not JSON: `),
      ),
    ]);
    expect(noAmount!.rowsRead).toBeUndefined();
    // The quarantine of the unreadable manifest is named by nothing readable: an orphan.
    expect(r.orphans).toEqual([
      {
        key: lakeKeys.quarantine('orders', m.noAmount.sourceId),
        dataset: 'orders',
        sourceId: m.noAmount.sourceId,
        sourceKey: 'incoming/orders/no-amount.csv',
        reason: `its source's manifest manifests/orders/${m.noAmount.sourceId}.json cannot be read`,
      },
    ]);
    expect(r.counts).toMatchObject({ broken: 3, orphans: 1 });
    expect(r.ok).toBe(false);
  });

  it('a manifest stored for another object, or missing fields, is broken', async () => {
    const m = await buildLake(lake);
    await lake.store.put(
      lakeKeys.manifest('orders', m.good.sourceId),
      JSON.stringify({ ...m.good, sourceEtag: 'other' }),
    );
    await lake.store.put(
      lakeKeys.manifest('orders', m.empty.sourceId),
      JSON.stringify({ ...m.empty, partitions: undefined }),
    );
    const r = await reconcileLake(lake.store);
    const by = (key: string) => r.sources.find((s) => s.key === key)!;
    expect(by('incoming/orders/good.csv')).toMatchObject({
      outcome: 'broken',
      problems: [
        `manifests/orders/${m.good.sourceId}.json is the manifest of incoming/orders/good.csv (ETag other), not of this object`,
      ],
    });
    expect(by('incoming/orders/empty.csv')).toMatchObject({
      outcome: 'broken',
      problems: [
        `manifests/orders/${m.empty.sourceId}.json: not a manifest: partitions is not a list of names`,
      ],
    });
  });

  it('lists curated and quarantine files that no manifest names as orphans', async () => {
    const m = await buildLake(lake);
    const parquet = await lake.store.getBytes(
      lakeKeys.curated('orders', m.good.partitions[0]!, m.good.sourceId),
    );
    const stray = lakeKeys.curated('orders', 'month=2024-01', '0123456789abcdef');
    const unlisted = lakeKeys.curated('orders', 'month=1999-01', m.good.sourceId);
    const strayQuarantine = lakeKeys.quarantine('orders', m.good.sourceId);
    await lake.store.put(stray, parquet);
    await lake.store.put(unlisted, parquet);
    await lake.store.put(strayQuarantine, '{}\n');
    // Not a data file: queries read only Parquet.
    await lake.store.put('curated/orders/README.txt', 'notes');

    const r = await reconcileLake(lake.store);
    expect(r.sources.every((s) => s.outcome === 'ingested' || s.outcome === 'rejected')).toBe(true);
    const ofGood = `its source's manifest manifests/orders/${m.good.sourceId}.json does not name it (left by an interrupted run?)`;
    expect(r.orphans).toEqual([
      {
        key: unlisted,
        dataset: 'orders',
        sourceId: m.good.sourceId,
        sourceKey: 'incoming/orders/good.csv',
        reason: ofGood,
      },
      {
        key: stray,
        dataset: 'orders',
        sourceId: '0123456789abcdef',
        reason:
          'no manifest has source id 0123456789abcdef (left by a removed version, or put here by hand)',
      },
      {
        key: strayQuarantine,
        dataset: 'orders',
        sourceId: m.good.sourceId,
        sourceKey: 'incoming/orders/good.csv',
        reason: ofGood,
      },
    ]);
    expect(r.counts.orphans).toBe(3);
    expect(r.ok).toBe(false);
  });

  it('a manifest whose raw object is gone is broken: its rows stay in the lake', async () => {
    const m = await buildLake(lake);
    await lake.store.delete('incoming/orders/good.csv');
    const r = await reconcileLake(lake.store);
    expect(r.sources.find((s) => s.key === 'incoming/orders/good.csv')).toMatchObject({
      current: false,
      outcome: 'broken',
      etag: m.good.sourceEtag,
      sourceId: m.good.sourceId,
      rowsRead: 2,
      problems: [
        'its raw object incoming/orders/good.csv is no longer under incoming/ (deleted?): the lake still holds its rows',
      ],
    });
    expect(r.ok).toBe(false);
  });

  describe('versions of a key', () => {
    const KEY = 'incoming/orders/good.csv';
    const V2 = `${HEADER}\nA1,2024-01-05,C1,11.50\nA3,2024-03-20,C2,30.00\nA4,2024-03-21,C2,1.00\n`;

    it('a version replaced by an ingested one leaves one line: the new version, ingested', async () => {
      const v1 = (await lake.ingest(KEY, GOOD)).manifest;
      const v2 = (await lake.ingest(KEY, V2)).manifest;
      const r = await reconcileLake(lake.store);
      expect(r.sources).toEqual([
        expect.objectContaining({
          key: KEY,
          sourceId: v2.sourceId,
          outcome: 'ingested',
          rowsRead: 3,
          current: true,
        }),
      ]);
      expect(r.sources[0]!.sourceId).not.toBe(v1.sourceId);
      expect(r.ok).toBe(true);
    });

    it('a new version not ingested yet is pending; the old one is replaced, its rows standing in', async () => {
      const v1 = (await lake.ingest(KEY, GOOD)).manifest;
      await lake.store.put(KEY, V2);
      const r = await reconcileLake(lake.store);
      const v2Id = r.sources.find((s) => s.current)!.sourceId;
      expect(r.sources).toEqual([
        expect.objectContaining({
          key: KEY,
          current: false,
          sourceId: v1.sourceId,
          etag: v1.sourceEtag,
          outcome: 'replaced',
          rowsRead: 2,
          problems: [
            `replaced by a newer version of the key (source id ${v2Id}), not ingested yet`,
          ],
        }),
        expect.objectContaining({
          key: KEY,
          current: true,
          outcome: 'pending',
          problems: [
            'no manifest: not ingested yet, being ingested, or its ingest stopped before writing the manifest',
            `the lake still holds the rows of an earlier version (source id ${v1.sourceId}) until this one is ingested`,
          ],
        }),
      ]);
      expect(r.counts).toMatchObject({ replaced: 1, pending: 1, orphans: 0 });
      expect(r.ok).toBe(false);

      await lake.ingest(KEY, V2);
      const after = await reconcileLake(lake.store);
      expect(outcomes(after)).toEqual([[KEY, 'ingested', true]]);
      expect(after.ok).toBe(true);
    });

    it('an old version whose outputs were not removed after the new one was ingested is broken, until the key is ingested again', async () => {
      const v1 = (await lake.ingest(KEY, GOOD)).manifest;
      // What removeSuperseded deletes: keep it, to put it back as a crash would have left it.
      const kept = new Map<string, Uint8Array>();
      for (const key of [
        lakeKeys.manifest('orders', v1.sourceId),
        ...v1.partitions.map((p) => lakeKeys.curated('orders', p, v1.sourceId)),
      ]) {
        kept.set(key, await lake.store.getBytes(key));
      }
      const v2 = (await lake.ingest(KEY, V2)).manifest;
      for (const [key, bytes] of kept) await lake.store.put(key, bytes);

      const r = await reconcileLake(lake.store);
      expect(outcomes(r)).toEqual([
        [KEY, 'broken', false],
        [KEY, 'ingested', true],
      ]);
      expect(r.sources[0]!.problems).toEqual([
        `superseded by the version ingested as ${v2.sourceId}, but its outputs were not removed (its rows count twice): ingest ${KEY} again to finish the replacement`,
      ]);
      expect(r.orphans).toEqual([]);

      await lake.ingest(KEY, V2);
      expect(outcomes(await reconcileLake(lake.store))).toEqual([[KEY, 'ingested', true]]);
    });
  });
});

describe('reconcileLake on S3 (a versioned bucket)', () => {
  it('classifies versions by ETag, and lists only the current one of each key', async () => {
    const s3 = mockClient(S3Client);
    const bucket = new FakeS3Bucket('lake', { listPageSize: 2 }).install(s3);
    const store = s3BlobStore(new S3Client({ region: 'eu-west-1' }), 'lake', {
      retry: { maxAttempts: 1 },
    });
    const duck = await openDuckDb();
    const workDir = await mkdtemp(join(tmpdir(), 'reconcile-s3-'));
    const deps = { store, catalog: lakeCatalog(store), duck, clock: fixedClock(), workDir };
    try {
      const key = 'incoming/orders/good.csv';
      await store.put(key, GOOD);
      await ingestObject(deps, { key });
      await store.put('incoming/orders/some-bad.csv', SOME_BAD);
      await ingestObject(deps, { key: 'incoming/orders/some-bad.csv' });
      // A console "folder" is no file.
      await store.put('incoming/orders/', '');
      expect(await reconcileLake(store)).toMatchObject({
        ok: true,
        counts: { ingested: 2, orphans: 0 },
      });

      const v2 = await store.put(key, GOOD.replace('10.50', '12.50'));
      const r = await reconcileLake(store);
      expect(outcomes(r)).toEqual([
        [key, 'replaced', false],
        [key, 'pending', true],
        ['incoming/orders/some-bad.csv', 'ingested', true],
      ]);
      expect(r.sources[1]!.etag).toBe(v2.etag);

      await ingestObject(deps, { key });
      const after = await reconcileLake(store);
      expect(outcomes(after)).toEqual([
        [key, 'ingested', true],
        ['incoming/orders/some-bad.csv', 'ingested', true],
      ]);
      expect(after.ok).toBe(true);
      // The bucket keeps both versions of the raw object; only the current one is listed.
      expect(bucket.versions.get(key)).toHaveLength(2);
    } finally {
      duck.close();
      s3.restore();
      await rm(workDir, { recursive: true, force: true });
    }
  });
});
