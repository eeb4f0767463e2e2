import { describe, expect, it } from 'vitest';
import { ConfigError } from '#platform/errors.ts';
import { configContractKey, inferredContractKey } from '#platform/lake-catalog.ts';
import type { Contract } from '#platform/ports.ts';
import { useTestLake } from '../ingest/lake.ts';

const ORDERS = 'order_id,order_date,amount\nA1,2024-01-02,10\nA2,2024-01-03,-4\nA3,2024-02-04,9\n';

/** What a person writes: amounts may not be negative, and `note` may be left out of a file. */
const CONFIG: Contract = {
  dataset: 'orders',
  version: 2,
  kind: 'events',
  columns: [
    { name: 'order_id', type: 'string', role: 'id', nullable: false },
    { name: 'order_date', type: 'date', role: 'time', nullable: false },
    { name: 'amount', type: 'double', role: 'measure', nullable: false, checks: { min: 0 } },
    { name: 'note', type: 'string', role: 'text', nullable: true },
  ],
  primaryKey: 'order_id',
  timeColumn: 'order_date',
  partition: 'month',
  source: 'config',
};

const json = (value: unknown) => JSON.stringify(value, null, 2);

describe('the lake catalog', () => {
  const lake = useTestLake('each');
  const provide = (contract: unknown, dataset = 'orders') =>
    lake.store.put(configContractKey(dataset), json(contract));

  it('keeps the contract ingest infers, and has none before', async () => {
    expect(await lake.catalog.getContract('orders')).toBeUndefined();
    await lake.ingest('incoming/orders/a.csv', ORDERS);
    const contract = await lake.catalog.getContract('orders');
    expect(contract?.source).toBe('inferred');
    expect(await lake.store.head(inferredContractKey('orders'))).toBeDefined();
    expect(await lake.catalog.listDatasets()).toEqual(['orders']);
  });

  it('gives the contract a person provides over the inferred one, and ingest uses it', async () => {
    await lake.ingest('incoming/orders/a.csv', ORDERS);
    await provide(CONFIG);
    expect(await lake.catalog.getContract('orders')).toEqual(CONFIG);

    const { manifest, rejectedSample } = await lake.ingest('incoming/orders/b.csv', ORDERS);
    // The inferred contract took -4; the config's min 0 quarantines it. `note` may be absent.
    expect(manifest.contractVersion).toBe(2);
    expect(manifest.fileError).toBeUndefined();
    expect([manifest.rowsCurated, manifest.rowsQuarantined]).toEqual([2, 1]);
    expect(rejectedSample[0]).toMatchObject({ line: 3, column: 'amount' });
  });

  it('lists a dataset that has only a config contract, once', async () => {
    await provide(CONFIG);
    await provide({ ...CONFIG, dataset: 'customers' }, 'customers');
    await lake.ingest('incoming/orders/a.csv', ORDERS);
    // Not contracts: another file type, a name that is no dataset.
    await lake.store.put('config/contracts/README.md', 'notes');
    await lake.store.put('config/contracts/Old Orders.json', json(CONFIG));
    expect(await lake.catalog.listDatasets()).toEqual(['customers', 'orders']);
  });

  it('never lets ingest overwrite a config contract', async () => {
    await provide(CONFIG);
    const inferred: Contract = { ...CONFIG, version: 1, source: 'inferred' };
    await expect(lake.catalog.putContract(inferred)).rejects.toThrow(ConfigError);
    await expect(lake.catalog.putContract(inferred)).rejects.toThrow(
      `The contract of orders is the one a person provides at ${lake.store.url(configContractKey('orders'))}`,
    );
    expect(await lake.store.list('catalog/')).toEqual([]);
    expect(await lake.catalog.getContract('orders')).toEqual(CONFIG);
  });

  it('writes a config contract put through it as the config file, valid or not at all', async () => {
    await lake.catalog.putContract({ ...CONFIG, dataset: 'sales' });
    expect(JSON.parse(await lake.store.getText(configContractKey('sales')))).toEqual({
      ...CONFIG,
      dataset: 'sales',
    });
    await expect(
      lake.catalog.putContract({ ...CONFIG, dataset: 'returns', primaryKey: 'id' }),
    ).rejects.toThrow(/returns\.json: primaryKey "id" is not one of the columns/);
    expect(await lake.catalog.listDatasets()).toEqual(['sales']);
    expect(await lake.store.list('catalog/')).toEqual([]);
  });

  it('fails the ingest of a dataset whose config contract is broken, naming the file and the problem', async () => {
    const broken = {
      ...CONFIG,
      columns: [...CONFIG.columns.slice(0, 3), { ...CONFIG.columns[3], type: 'text' }],
    };
    await provide(broken);
    const file = lake.store.url(configContractKey('orders'));
    const ingest = lake.ingest('incoming/orders/a.csv', ORDERS);
    await expect(ingest).rejects.toThrow(ConfigError);
    await expect(ingest).rejects.toThrow(
      `${file}: columns[3].type must be one of integer, double, boolean, date, timestamp, string (it is "text")`,
    );
    expect(await lake.store.list('curated/')).toEqual([]);
    expect(await lake.store.list('catalog/')).toEqual([]);
  });

  it('refuses a config contract that says it was inferred, or is for another dataset', async () => {
    await provide({ ...CONFIG, source: 'inferred' });
    await expect(lake.catalog.getContract('orders')).rejects.toThrow(
      /orders\.json: source must be "config"/,
    );
    await provide(CONFIG, 'sales');
    await expect(lake.catalog.getContract('sales')).rejects.toThrow(
      /sales\.json: dataset is "orders", but the file is the contract of "sales"/,
    );
  });

  it('refuses a config contract that is not JSON', async () => {
    await lake.store.put(configContractKey('orders'), '{ "dataset": "orders", }');
    await expect(lake.catalog.getContract('orders')).rejects.toThrow(
      /orders\.json: not valid JSON \(line 1, column 24\)/,
    );
  });
});
