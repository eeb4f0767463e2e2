import { describe, expect, it } from 'vitest';
import { useTestLake } from './lake.ts';

const CUSTOMERS =
  'customer_id,name,signup_date\n' +
  Array.from({ length: 20 }, (_, i) => `C${i},Customer ${i},2023-0${1 + (i % 9)}-1${i % 10}`).join(
    '\n',
  ) +
  '\n';

const ORDERS =
  'order_id,order_date,customer_id,amount\n' +
  Array.from(
    { length: 60 },
    (_, i) => `O${i},2024-0${1 + (i % 6)}-0${1 + (i % 9)},C${i % 20},${(5 + i).toFixed(2)}`,
  ).join('\n') +
  '\n';

describe('foreign keys', () => {
  const lake = useTestLake('each');

  it("a repeated *_id column named like an entity dataset's primary key references it", async () => {
    await lake.ingest('incoming/customer_profiles/customers.csv', CUSTOMERS);
    expect(await lake.catalog.getContract('customer_profiles')).toMatchObject({
      kind: 'entities',
      primaryKey: 'customer_id',
    });
    await lake.ingest('incoming/orders/orders.csv', ORDERS);
    const orders = await lake.catalog.getContract('orders');
    expect(orders?.kind).toBe('events');
    expect(orders?.primaryKey).toBe('order_id');
    expect(orders?.columns.find((c) => c.name === 'customer_id')).toEqual({
      name: 'customer_id',
      type: 'string',
      role: 'foreign_key',
      nullable: false,
      references: 'customer_profiles',
    });
  });

  it('without the entity dataset in the catalog, the same column is a plain dimension, never a measure', async () => {
    await lake.ingest('incoming/orders/orders.csv', ORDERS);
    const column = (await lake.catalog.getContract('orders'))?.columns.find(
      (c) => c.name === 'customer_id',
    );
    expect(column).toMatchObject({ role: 'dimension' });
    expect(column?.references).toBeUndefined();
  });

  it('a numeric key column stays a key: not a measure', async () => {
    const csv =
      'visit_id,visited_on,store_id,minutes\n' +
      Array.from(
        { length: 200 },
        (_, i) =>
          `${i + 1},2024-01-${String(1 + (i % 28)).padStart(2, '0')},${100 + (i % 80)},${i % 45}`,
      ).join('\n');
    await lake.ingest('incoming/visits/visits.csv', csv);
    const contract = await lake.catalog.getContract('visits');
    expect(contract?.columns.map((c) => [c.name, c.type, c.role])).toEqual([
      ['visit_id', 'integer', 'id'],
      ['visited_on', 'date', 'time'],
      ['store_id', 'integer', 'text'],
      ['minutes', 'integer', 'measure'],
    ]);
    expect(contract?.kind).toBe('events');
  });
});
