import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '#demo/generate.ts';
import { DATASET_ORDER, type DatasetName } from '#demo/schema.ts';
import { ingestObject, type IngestResult } from '#ingest/ingest.ts';
import { accounting, testLake, type TestLake } from './lake.ts';

/**
 * The demo data (500 + 200 + 1,095 + 5,000 rows) through ingest, against the generator's
 * ground truth: the planted invalid cells are exactly the quarantined rows, on their lines.
 */
describe('the demo data', () => {
  const demo = generateDemo();
  let lake: TestLake;
  const results = new Map<DatasetName, IngestResult>();
  /** Ingests the demo file already in the lake (no new upload). */
  const ingestDemoFile = (dataset: DatasetName) =>
    ingestObject(
      {
        store: lake.store,
        catalog: lake.catalog,
        duck: lake.duck,
        clock: lake.clock,
        workDir: lake.workDir,
      },
      { key: `incoming/${dataset}/${dataset}.csv` },
    );

  beforeAll(async () => {
    lake = await testLake();
    for (const dataset of DATASET_ORDER) {
      await lake.store.put(`incoming/${dataset}/${dataset}.csv`, demo.csv[dataset]);
    }
    for (const dataset of DATASET_ORDER) results.set(dataset, await ingestDemoFile(dataset));
  });
  afterAll(() => lake.close());

  it('infers the kinds, keys and partitions the analyses rely on', async () => {
    const contracts = Object.fromEntries(
      await Promise.all(DATASET_ORDER.map(async (d) => [d, await lake.catalog.getContract(d)])),
    );
    expect(contracts['customer_profiles']).toMatchObject({
      kind: 'entities',
      partition: 'snapshot',
      primaryKey: 'customer_id',
      timeColumn: 'signup_date',
    });
    expect(contracts['product_information']).toMatchObject({
      kind: 'entities',
      partition: 'snapshot',
      primaryKey: 'product_id',
    });
    expect(contracts['daily_sales_metrics']).toMatchObject({
      kind: 'time_series',
      partition: 'month',
      timeColumn: 'date',
    });
    expect(contracts['sales_transactions']).toMatchObject({
      kind: 'events',
      partition: 'month',
      primaryKey: 'transaction_id',
      timeColumn: 'transaction_date',
    });
    const roles = (d: string) =>
      Object.fromEntries(
        contracts[d]!.columns.map(
          (c: { name: string; role: string; type: string; references?: string }) => [
            c.name,
            `${c.type} ${c.role}${c.references ? ` -> ${c.references}` : ''}`,
          ],
        ),
      );
    expect(roles('sales_transactions')).toEqual({
      transaction_id: 'string id',
      transaction_date: 'date time',
      customer_id: 'string foreign_key -> customer_profiles',
      product_id: 'string foreign_key -> product_information',
      quantity: 'integer measure',
      unit_price: 'double measure',
      gross_amount: 'double measure',
      discount_amount: 'double measure',
      net_amount: 'double measure',
      channel: 'string dimension',
    });
    expect(roles('customer_profiles')).toMatchObject({
      industry: 'string dimension',
      region: 'string dimension',
      employee_count: 'integer measure',
      lifetime_value: 'double measure',
    });
  });

  it.each(DATASET_ORDER)(
    '%s: quarantines exactly the planted invalid rows, on their lines',
    async (dataset) => {
      const truth = demo.groundTruth.datasets[dataset];
      const { manifest, rejectedSample } = results.get(dataset)!;
      expect(manifest.rowsRead).toBe(truth.rowsGenerated);
      expect(manifest.rowsCurated).toBe(truth.rowsValid);
      const quarantine = await lake.quarantineOf(manifest);
      expect(quarantine.map((q) => [q.line, q.reasons.map((r) => r.column)])).toEqual(
        truth.invalidRows.map((r) => [r.line, [r.column]]),
      );
      expect(rejectedSample.map((s) => [s.line, s.column, s.value ?? ''])).toEqual(
        truth.invalidRows.map((r) => [r.line, r.column, r.rawValue]),
      );
      const counts = await accounting(lake, manifest);
      expect(counts.curated + counts.quarantined).toBe(counts.read);
    },
  );

  it('re-ingesting every demo file twice more, a day later, leaves every object unchanged', async () => {
    const before = await lake.snapshot();
    expect(Object.keys(before).length).toBeGreaterThan(20);
    for (const day of ['2025-01-16T09:00:00.000Z', '2025-01-17T09:00:00.000Z']) {
      lake.clock.set(day);
      for (const dataset of DATASET_ORDER) {
        const again = await ingestDemoFile(dataset);
        expect(again.manifest).toEqual(results.get(dataset)!.manifest);
      }
    }
    // Every key and every object's bytes (the local ETag is their SHA-256).
    expect(await lake.snapshot()).toEqual(before);
  });
});
