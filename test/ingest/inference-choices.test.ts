import { describe, expect, it } from 'vitest';
import { useTestLake } from './lake.ts';

/** Inference decisions that a later file of the same dataset must not regret. */
describe('contract inference on first sight', () => {
  const lake = useTestLake();

  it('takes amounts written with decimals as decimal, so later cents fit', async () => {
    await lake.ingest(
      'incoming/sales/w1.csv',
      'sale_id,amount,units\nS1,10.00,1\nS2,12.00,2\nS3,7.00,1\n',
    );
    const contract = await lake.catalog.getContract('sales');
    expect(contract?.columns.find((c) => c.name === 'amount')?.type).toBe('double');
    expect(contract?.columns.find((c) => c.name === 'units')?.type).toBe('integer');
    const { manifest } = await lake.ingest(
      'incoming/sales/w2.csv',
      'sale_id,amount,units\nS4,10.50,1\nS5,3.99,2\n',
    );
    expect(manifest).toMatchObject({ rowsCurated: 2, rowsQuarantined: 0 });
  });

  it('lets a later file leave a non-key value empty that the first file filled', async () => {
    await lake.ingest('incoming/people/a.csv', 'person_id,zip,score\nP1,02134,3\nP2,10001,4\n');
    const { manifest } = await lake.ingest(
      'incoming/people/b.csv',
      'person_id,zip,score\nP3,,5\nP4,94105,\n',
    );
    expect(manifest).toMatchObject({ rowsCurated: 2, rowsQuarantined: 0 });
  });

  it('still refuses a later file that lacks one of the columns the contract was made from', async () => {
    const { manifest } = await lake.ingest('incoming/people/c.csv', 'person_id,zip\nP5,02134\n');
    expect(manifest.fileError).toMatch(/score is missing/);
    expect(manifest).toMatchObject({ rowsRead: 1, rowsCurated: 0, rowsQuarantined: 1 });
  });

  it('ingests a file of one optional text column (no column can fail)', async () => {
    const { manifest } = await lake.ingest('incoming/notes/n.csv', 'note\nfirst\nsecond\n');
    expect(manifest).toMatchObject({ rowsCurated: 2, rowsQuarantined: 0 });
    expect(manifest.fileError).toBeUndefined();
  });

  it('refuses a file whose first line is data, not a header, saying so', async () => {
    const { manifest } = await lake.ingest(
      'incoming/cd/cdnow.txt',
      ' 00004 0001 19970101  2   29.33\n 00004 0001 19970118  2   29.73\n',
    );
    expect(manifest.fileError).toMatch(/line 1 holds values .* not column names/);
    expect(await lake.catalog.getContract('cd')).toBeUndefined();
  });

  it('takes orders with a created_at time as events, not as entities', async () => {
    await lake.ingest(
      'incoming/orders/o.csv',
      'order_id,created_at,amount\nO1,2024-01-02T10:00:00Z,5.5\nO2,2024-01-02T11:00:00Z,6.5\nO3,2024-02-03T09:30:00Z,7\n',
    );
    expect(await lake.catalog.getContract('orders')).toMatchObject({
      kind: 'events',
      partition: 'month',
      timeColumn: 'created_at',
    });
  });
});

describe('person names', () => {
  const lake = useTestLake();

  it('are pii by their column names; company and product names are not', async () => {
    await lake.ingest(
      'incoming/contacts/a.csv',
      'contact_id,first_name,last_name,customer_name,company_name,product_name\nK1,Ada,Lovelace,Ada Lovelace,Analytical Ltd,Engine\nK2,Alan,Turing,Alan Turing,Bletchley plc,Bombe\n',
    );
    const contract = await lake.catalog.getContract('contacts');
    expect(Object.fromEntries(contract!.columns.map((c) => [c.name, c.role]))).toEqual({
      contact_id: 'id',
      first_name: 'pii',
      last_name: 'pii',
      customer_name: 'pii',
      company_name: 'text',
      product_name: 'text',
    });
  });
});
