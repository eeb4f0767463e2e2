import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '#platform/ports.ts';
import { testLake, type TestLake } from './lake.ts';

/**
 * Twenty files of one dataset ingested at the same time end in the same lake as the same
 * files one by one: every file keeps its own outputs (its source id), no row is lost or
 * doubled, and each manifest accounts for its rows.
 */
const FILES = Array.from({ length: 20 }, (_, f) => {
  const rows = Array.from({ length: 50 }, (_, r) => {
    const id = `F${f}R${r}`;
    const day = String(1 + ((f + r) % 28)).padStart(2, '0');
    const month = String(1 + (r % 3)).padStart(2, '0');
    // Every seventh row of every third file (not the first) is bad: the quarantine is part of the state.
    const amount = f % 3 === 1 && r % 7 === 0 ? 'n/a' : (r * 1.25 + f).toFixed(2);
    return `${id},2024-${month}-${day},${amount}`;
  });
  return {
    key: `incoming/orders/part-${String(f).padStart(2, '0')}.csv`,
    body: `order_id,order_date,amount\n${rows.join('\n')}\n`,
  };
});

async function state(lake: TestLake) {
  const rows = await lake.curated(
    'orders',
    'order_id, CAST(order_date AS VARCHAR) AS d, amount',
    'ORDER BY order_id',
  );
  const manifests = await Promise.all(
    (await lake.store.list('manifests/orders/')).map(
      async (o) => JSON.parse(await lake.store.getText(o.key)) as Manifest,
    ),
  );
  const summary = manifests
    .map((m) => [m.sourceKey, m.rowsRead, m.rowsCurated, m.rowsQuarantined, m.partitions.join(' ')])
    .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
  return { rows, summary, manifests };
}

describe('ingests of one dataset at the same time', () => {
  let together: TestLake;
  let oneByOne: TestLake;
  beforeAll(async () => {
    together = await testLake();
    oneByOne = await testLake();
    for (const f of FILES) await oneByOne.ingest(f.key, f.body);
    // The first file makes the contract; the other nineteen arrive at once.
    await together.ingest(FILES[0]!.key, FILES[0]!.body);
    await Promise.all(FILES.slice(1).map((f) => together.ingest(f.key, f.body)));
  });
  afterAll(async () => {
    await together.close();
    await oneByOne.close();
  });

  it('end in the same lake as one at a time', async () => {
    const a = await state(together);
    const b = await state(oneByOne);
    expect(a.rows).toHaveLength(1000 - 7 * 8);
    expect(a.rows).toEqual(b.rows);
    expect(a.summary).toEqual(b.summary);
    // Byte for byte: every curated, quarantine and manifest object has the same checksum.
    expect(await together.snapshot()).toEqual(await oneByOne.snapshot());
  });

  it('account for every row of every file', async () => {
    const { manifests } = await state(together);
    expect(manifests).toHaveLength(20);
    for (const m of manifests) {
      expect(m.rowsCurated + m.rowsQuarantined).toBe(m.rowsRead);
      expect(m.rowsRead).toBe(50);
    }
    expect(manifests.reduce((n, m) => n + m.rowsQuarantined, 0)).toBe(7 * 8);
  });
});
