import { afterEach, describe, expect, it } from 'vitest';
import { ingestObject } from '#ingest/ingest.ts';
import { reconcileLake } from '#ingest/reconcile.ts';
import { testLake, type TestLake } from '../ingest/lake.ts';
import { FaultPlan, type FaultRule } from '../helpers/faults.ts';

/**
 * Ingest stopped by a fault at each of its writes, then the event delivered again (as
 * EventBridge and the DLQ redrive do in AWS, `insights ingest` again locally): the lake ends
 * byte for byte as one clean ingest left it, and until then `insights check` names the file.
 */
const KEY = 'incoming/orders/orders.csv';
const rows = (version: string) => [
  'order_id,order_date,amount',
  ...Array.from({ length: 60 }, (_, i) => {
    const month = String(1 + (i % 3)).padStart(2, '0');
    // Every ninth amount is not a number: the quarantine is written too.
    const amount = i % 9 === 4 ? 'twelve' : (i * 2.5 + version.length).toFixed(2);
    return `${version}-${i},2024-${month}-${String(1 + (i % 27)).padStart(2, '0')},${amount}`;
  }),
];
const V1 = rows('v1').join('\n') + '\n';
const V2 = rows('v2').slice(0, 40).join('\n') + '\n';

const lakes: TestLake[] = [];
afterEach(async () => {
  for (const lake of lakes.splice(0)) await lake.close();
});
/** A lake whose orders contract a clean first file made (amount a number). */
async function lake(): Promise<TestLake> {
  const made = await testLake();
  lakes.push(made);
  await made.ingest(
    'incoming/orders/first.csv',
    'order_id,order_date,amount\nf-1,2024-01-05,3.50\n',
  );
  return made;
}

/** Ingests the key as it is now through a store that fails as the rule says. */
function ingestWith(l: TestLake, rules: FaultRule[]) {
  const faults = new FaultPlan(rules);
  const deps = { store: faults.store(l.store), catalog: l.catalog, duck: l.duck, clock: l.clock };
  return { faults, run: () => ingestObject({ ...deps, workDir: l.workDir }, { key: KEY }) };
}

const isManifest = (k: string) => k.startsWith('manifests/');
const isCurated = (k: string) => k.startsWith('curated/');
const isQuarantine = (k: string) => k.startsWith('quarantine/');

describe('ingest stopped by a fault, then delivered again', () => {
  const cases: { name: string; rule: FaultRule; leaves: 'pending' | 'ingested' }[] = [
    {
      name: 'a crash after the data, before its manifest',
      rule: { op: 'store.put', fault: 'crash', match: isManifest },
      leaves: 'pending',
    },
    {
      name: 'a crash after the first curated file',
      rule: { op: 'store.upload', fault: 'crash-after', match: isCurated },
      leaves: 'pending',
    },
    {
      name: 'half a curated file written, then a crash',
      rule: { op: 'store.upload', fault: 'partial', match: isCurated, after: 1 },
      leaves: 'pending',
    },
    {
      name: 'half the quarantine written, then a crash',
      rule: { op: 'store.upload', fault: 'partial', match: isQuarantine },
      leaves: 'pending',
    },
    {
      name: 'S3 throttling the download of the raw file',
      rule: { op: 'store.download', fault: 'throttle' },
      leaves: 'pending',
    },
    {
      name: 'a crash right after the manifest',
      rule: { op: 'store.put', fault: 'crash-after', match: isManifest },
      leaves: 'ingested',
    },
  ];

  for (const { name, rule, leaves } of cases) {
    it(`${name}: nothing lost or doubled`, async () => {
      const clean = await lake();
      await clean.ingest(KEY, V1);

      const faulty = await lake();
      await faulty.store.put(KEY, V1);
      const { faults, run } = ingestWith(faulty, [rule]);
      await expect(run()).rejects.toThrow('injected');
      expect(faults.injected).toHaveLength(1);

      const check = await reconcileLake(faulty.store);
      expect(check.sources.find((s) => s.key === KEY)?.outcome).toBe(leaves);
      expect(check.ok).toBe(leaves === 'ingested');

      await ingestWith(faulty, []).run();
      expect(await faulty.snapshot()).toEqual(await clean.snapshot());
      expect((await reconcileLake(faulty.store)).ok).toBe(true);
    });
  }

  it('a new version stopped after its manifest, before the old rows went: the next delivery finishes it', async () => {
    const clean = await lake();
    await clean.ingest(KEY, V1);
    await clean.ingest(KEY, V2);

    const faulty = await lake();
    await faulty.ingest(KEY, V1);
    await faulty.store.put(KEY, V2);
    // Removing the old version's first file is where it stops.
    const { run } = ingestWith(faulty, [{ op: 'store.delete', fault: 'crash' }]);
    await expect(run()).rejects.toThrow('injected');
    // Both versions' rows are in the lake now: the check says so.
    const check = await reconcileLake(faulty.store);
    expect(check.ok).toBe(false);
    expect(check.sources.some((s) => s.outcome === 'broken')).toBe(true);

    await ingestWith(faulty, []).run();
    expect(await faulty.snapshot()).toEqual(await clean.snapshot());
    const rowsLeft = await faulty.curated('orders', 'count(*) AS n');
    // first.csv's row, and v2's 39 rows of which 4 (i = 4, 13, 22, 31) are quarantined.
    expect(rowsLeft).toEqual([{ n: 1 + 35 }]);
  });
});
