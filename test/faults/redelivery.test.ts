import { afterEach, describe, expect, it } from 'vitest';
import { ingestObject } from '#ingest/ingest.ts';
import { reconcileLake } from '#ingest/reconcile.ts';
import type { Manifest } from '#platform/ports.ts';
import { testLake, type TestLake } from '../ingest/lake.ts';

/**
 * What an event bus does to a pipeline: the same event more than once, at once, and the
 * events of two versions of a file in either order. The lake ends as one clean ingest of the
 * newest version leaves it, byte for byte, and every manifest accounts for its rows.
 */
const KEY = 'incoming/orders/orders.csv';
const file = (version: string, n: number) =>
  [
    'order_id,order_date,amount',
    ...Array.from(
      { length: n },
      (_, i) =>
        `${version}-${i},2024-0${1 + (i % 3)}-1${i % 9},${i % 11 === 5 ? 'lots' : (i * 1.5).toFixed(2)}`,
    ),
  ].join('\n') + '\n';
const FIRST = 'order_id,order_date,amount\nf-1,2024-01-05,3.50\n';
const V1 = file('v1', 80);
const V2 = file('v2', 50);

const lakes: TestLake[] = [];
afterEach(async () => {
  for (const l of lakes.splice(0)) await l.close();
});
async function lake(): Promise<TestLake> {
  const l = await testLake();
  lakes.push(l);
  // A clean first file makes the contract: amount a number, so 'lots' is quarantined.
  await l.ingest('incoming/orders/first.csv', FIRST);
  return l;
}
/** The event of KEY delivered: ingest reads the object as it is now, as the handler does. */
const deliver = (l: TestLake) =>
  ingestObject(
    { store: l.store, catalog: l.catalog, duck: l.duck, clock: l.clock, workDir: l.workDir },
    { key: KEY },
  );
async function accounted(l: TestLake): Promise<void> {
  const check = await reconcileLake(l.store);
  expect(check.ok).toBe(true);
  for (const o of await l.store.list('manifests/')) {
    const m = JSON.parse(await l.store.getText(o.key)) as Manifest;
    expect(m.rowsCurated + m.rowsQuarantined).toBe(m.rowsRead);
  }
}

describe('re-delivered and out-of-order events', () => {
  it('the same event three times at once leaves the lake as one delivery does', async () => {
    const once = await lake();
    await once.ingest(KEY, V1);
    const thrice = await lake();
    await thrice.store.put(KEY, V1);
    const results = await Promise.all([deliver(thrice), deliver(thrice), deliver(thrice)]);
    expect(new Set(results.map((r) => r.manifest.sourceId)).size).toBe(1);
    expect(await thrice.snapshot()).toEqual(await once.snapshot());
    await accounted(thrice);
  });

  it("a version's event delivered after the next version's leaves the newest version's rows", async () => {
    const clean = await lake();
    await clean.ingest(KEY, V1);
    await clean.ingest(KEY, V2);
    const newestRows = await clean.curated('orders', 'count(*) AS n');

    // v1 ingested; v2 uploaded; v2's event, then v1's late one, then v2's again.
    const late = await lake();
    await late.ingest(KEY, V1);
    await late.store.put(KEY, V2);
    await deliver(late);
    await deliver(late);
    await deliver(late);
    expect(await late.snapshot()).toEqual(await clean.snapshot());

    // Both uploads land before any event is handled, the events in reverse order.
    const reversed = await lake();
    await reversed.store.put(KEY, V1);
    await reversed.store.put(KEY, V2);
    await Promise.all([deliver(reversed), deliver(reversed)]);
    const direct = await lake();
    await direct.ingest(KEY, V2);
    expect(await reversed.snapshot()).toEqual(await direct.snapshot());
    expect(await reversed.curated('orders', 'count(*) AS n')).toEqual(newestRows);
    await accounted(late);
    await accounted(reversed);
  });
});
