import {
  CreateTableCommand,
  GetTableCommand,
  GlueClient,
  UpdateTableCommand,
  type Table,
  type TableInput,
} from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { glueCatalog, glueTableSync } from '#platform/aws/glue-catalog.ts';
import { glueTableInput, snapshotsFromOf, tableDiffers } from '#platform/aws/glue-table.ts';
import { glueViewInput } from '#platform/aws/glue-view.ts';
import { ConfigError, InputRejectedError, TransientError } from '#platform/errors.ts';
import type { Catalog, Contract } from '#platform/ports.ts';

const glue = mockClient(GlueClient);
afterEach(() => glue.reset());

const sales: Contract = {
  dataset: 'sales',
  version: 1,
  kind: 'events',
  source: 'inferred',
  partition: 'month',
  timeColumn: 'sold_at',
  primaryKey: 'id',
  columns: [
    { name: 'id', type: 'integer', role: 'id', nullable: false },
    { name: 'sold_at', type: 'date', role: 'time', nullable: false },
    { name: 'amount', type: 'double', role: 'measure', nullable: false },
    { name: 'paid', type: 'boolean', role: 'dimension', nullable: true },
    { name: 'created', type: 'timestamp', role: 'time', nullable: true },
    { name: 'email', type: 'string', role: 'pii', nullable: true },
  ],
};
const customers: Contract = {
  ...sales,
  dataset: 'customers',
  kind: 'entities',
  partition: 'snapshot',
  timeColumn: undefined,
  columns: [
    { name: 'customer_id', type: 'string', role: 'id', nullable: false },
    { name: 'segment', type: 'string', role: 'dimension', nullable: true },
  ],
};
const withRegion: Contract = {
  ...sales,
  version: 2,
  columns: [
    ...sales.columns,
    { name: 'region', type: 'string', role: 'dimension', nullable: true },
  ],
};

const place = { bucket: 'lake-bucket', snapshotsFrom: '2026-03-01' };

/** What GetTable answers for a table made from `input`, with the fields Glue adds. */
const stored = (input: TableInput): Table =>
  ({
    ...structuredClone(input),
    DatabaseName: 'insights',
    CreateTime: new Date('2026-03-01T10:00:00Z'),
    UpdateTime: new Date('2026-03-01T10:00:00Z'),
    CatalogId: '123456789012',
    VersionId: '0',
    IsRegisteredWithLakeFormation: false,
  }) as Table;

describe('glueTableInput: the Glue table of the files is a function of the contract', () => {
  it('describes a month-partitioned Parquet table over curated/<dataset>/ with partition projection', () => {
    expect(glueTableInput(sales, place)).toEqual({
      Name: 'sales__files',
      Description:
        'serverless-insights dataset sales (events): the rows of its files, from its contract; query the view sales',
      TableType: 'EXTERNAL_TABLE',
      Parameters: {
        EXTERNAL: 'TRUE',
        classification: 'parquet',
        'projection.enabled': 'true',
        'projection.month.type': 'date',
        'projection.month.format': 'yyyy-MM',
        'projection.month.range': '1970-01,NOW+1YEARS',
        'projection.month.interval': '1',
        'projection.month.interval.unit': 'MONTHS',
        'storage.location.template': 's3://lake-bucket/curated/sales/month=${month}/',
      },
      PartitionKeys: [{ Name: 'month', Type: 'string' }],
      StorageDescriptor: {
        Columns: [
          { Name: 'id', Type: 'bigint', Comment: 'id' },
          { Name: 'sold_at', Type: 'date', Comment: 'time' },
          { Name: 'amount', Type: 'double', Comment: 'measure' },
          { Name: 'paid', Type: 'boolean', Comment: 'dimension' },
          { Name: 'created', Type: 'timestamp', Comment: 'time' },
          { Name: 'email', Type: 'string', Comment: 'pii' },
        ],
        Location: 's3://lake-bucket/curated/sales/',
        InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
        OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
        SerdeInfo: {
          SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
          Parameters: { 'serialization.format': '1' },
        },
      },
    });
  });

  it('projects snapshot days from the given first day to today', () => {
    const table = glueTableInput(customers, place);
    expect(table.PartitionKeys).toEqual([{ Name: 'snapshot', Type: 'string' }]);
    expect(table.Parameters).toMatchObject({
      'projection.snapshot.type': 'date',
      'projection.snapshot.format': 'yyyy-MM-dd',
      'projection.snapshot.range': '2026-03-01,NOW',
      'projection.snapshot.interval': '1',
      'projection.snapshot.interval.unit': 'DAYS',
      'storage.location.template': 's3://lake-bucket/curated/customers/snapshot=${snapshot}/',
    });
    expect(Object.keys(table.Parameters!).some((k) => k.includes('month'))).toBe(false);
    expect(snapshotsFromOf(stored(table))).toBe('2026-03-01');
    expect(snapshotsFromOf(stored(glueTableInput(sales, place)))).toBeUndefined();
  });

  it('refuses a column named like the partition, and names that are no identifiers', () => {
    const clash = {
      ...sales,
      columns: [...sales.columns, { ...sales.columns[0]!, name: 'month' }],
    };
    expect(() => glueTableInput(clash, place)).toThrow(ConfigError);
    const bad = { ...sales, columns: [{ ...sales.columns[0]!, name: 'x; DROP' }] };
    expect(() => glueTableInput(bad, place)).toThrow(InputRejectedError);
  });

  it('tells a new column, a changed type or a moved partition from an unchanged table', () => {
    const table = stored(glueTableInput(sales, place));
    expect(tableDiffers(table, glueTableInput(sales, place))).toBe(false);
    expect(tableDiffers(table, glueTableInput({ ...sales, version: 7 }, place))).toBe(false);
    expect(tableDiffers(table, glueTableInput(withRegion, place))).toBe(true);
    const retyped = {
      ...sales,
      columns: sales.columns.map((c) => (c.name === 'id' ? { ...c, type: 'string' as const } : c)),
    };
    expect(tableDiffers(table, glueTableInput(retyped, place))).toBe(true);
    expect(tableDiffers(table, glueTableInput(sales, { ...place, bucket: 'other' }))).toBe(true);
    // A parameter someone added by hand is not ours to compare.
    const annotated = { ...table, Parameters: { ...table.Parameters, owner: 'finance' } };
    expect(tableDiffers(annotated, glueTableInput(sales, place))).toBe(false);
  });
});

/** A contract store that records what it was given. */
function memoryCatalog(): Catalog & { stored: Contract[] } {
  const stored: Contract[] = [];
  return {
    stored,
    getContract: async (dataset) => stored.findLast((c) => c.dataset === dataset),
    putContract: async (contract) => void stored.push(contract),
    listDatasets: async () => [...new Set(stored.map((c) => c.dataset))],
  };
}

const notFound = () =>
  Object.assign(new Error('Table sales not found.'), { name: 'EntityNotFoundException' });
const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });

function catalogUnderTest(maxAttempts = 3) {
  const base = memoryCatalog();
  const slept: number[] = [];
  const catalog = glueCatalog(base, new GlueClient({ region: 'eu-west-1' }), {
    database: 'insights',
    bucket: 'lake-bucket',
    clock: { now: () => new Date('2026-04-02T23:30:00Z') },
    retry: { maxAttempts, sleep: async (ms) => void slept.push(ms), random: () => 0.5 },
  });
  return { base, catalog, slept };
}

describe('glueCatalog', () => {
  const view = (contract: Contract) => glueViewInput(contract, 'insights');
  /** GetTable answers per table name; a name not given is not found. */
  const tables = (byName: Record<string, TableInput>) =>
    glue.on(GetTableCommand).callsFake((input: { Name: string }) => {
      const table = byName[input.Name];
      if (!table) throw notFound();
      return { Table: stored(table) };
    });
  const inputs = <T>(calls: { args: [{ input: T }] }[]) => calls.map((c) => c.args[0].input);

  it('stores the contract, then creates the table of the files and the view of a new dataset', async () => {
    const { base, catalog } = catalogUnderTest();
    glue.on(GetTableCommand).rejects(notFound());
    glue.on(CreateTableCommand).resolves({});
    await catalog.putContract(customers);

    // The files table, a table of the dataset's name from before views (none), the view.
    expect(inputs(glue.commandCalls(GetTableCommand))).toEqual(
      ['customers__files', 'customers', 'customers'].map((Name) => ({
        DatabaseName: 'insights',
        Name,
      })),
    );
    expect(inputs(glue.commandCalls(CreateTableCommand))).toEqual([
      {
        DatabaseName: 'insights',
        // A new snapshot table's projection starts today (UTC).
        TableInput: glueTableInput(customers, {
          bucket: 'lake-bucket',
          snapshotsFrom: '2026-04-02',
        }),
      },
      { DatabaseName: 'insights', TableInput: view(customers) },
    ]);
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
    expect(base.stored).toEqual([customers]);
    expect(await catalog.getContract('customers')).toEqual(customers);
    expect(await catalog.listDatasets()).toEqual(['customers']);
  });

  it('updates the table and the view when the contract gained a column, keeping the first snapshot day', async () => {
    const { catalog } = catalogUnderTest();
    const before = { bucket: 'lake-bucket', snapshotsFrom: '2025-01-15' };
    tables({ customers__files: glueTableInput(customers, before), customers: view(customers) });
    glue.on(UpdateTableCommand).resolves({});
    const evolved: Contract = {
      ...customers,
      version: 2,
      columns: [
        ...customers.columns,
        { name: 'signup', type: 'date', role: 'time', nullable: true },
      ],
    };
    await catalog.putContract(evolved);

    const update = inputs(glue.commandCalls(UpdateTableCommand));
    expect(update).toEqual([
      { DatabaseName: 'insights', TableInput: glueTableInput(evolved, before) },
      { DatabaseName: 'insights', TableInput: view(evolved) },
    ]);
    expect(update[0]!.TableInput!.StorageDescriptor!.Columns!.at(-1)).toEqual({
      Name: 'signup',
      Type: 'date',
      Comment: 'time',
    });
    // The view has the column too, before the partition column.
    expect(update[1]!.TableInput!.StorageDescriptor!.Columns!.slice(-2)).toEqual([
      { Name: 'signup', Type: 'date', Comment: 'time' },
      { Name: 'snapshot', Type: 'string', Comment: 'partition' },
    ]);
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(0);
  });

  it('writes nothing to Glue when the table and the view already match the contract', async () => {
    const { base, catalog } = catalogUnderTest();
    tables({ sales__files: glueTableInput(sales, place), sales: view(sales) });
    await catalog.putContract({ ...sales, version: 3 });
    expect(inputs(glue.commandCalls(GetTableCommand)).map((i) => i.Name)).toEqual([
      'sales__files',
      'sales',
    ]);
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(0);
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(0);
    expect(base.stored).toHaveLength(1);
  });

  it('answers what happened: created, updated, unchanged, idempotently', async () => {
    const made: Record<string, TableInput> = {};
    glue.on(GetTableCommand).callsFake((input: { Name: string }) => {
      if (!made[input.Name]) throw notFound();
      return { Table: stored(made[input.Name]!) };
    });
    const keep = (input: { TableInput: TableInput }) => {
      made[input.TableInput.Name!] = input.TableInput;
      return {};
    };
    glue.on(CreateTableCommand).callsFake(keep);
    glue.on(UpdateTableCommand).callsFake(keep);
    const sync = glueTableSync(new GlueClient({ region: 'eu-west-1' }), {
      database: 'insights',
      bucket: 'lake-bucket',
      clock: { now: () => new Date('2026-04-02T23:30:00Z') },
    });
    expect(await sync(sales)).toBe('created');
    expect(await sync(sales)).toBe('unchanged');
    expect(await sync(withRegion)).toBe('updated');
    expect(await sync(withRegion)).toBe('unchanged');
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(2);
    expect(glue.commandCalls(UpdateTableCommand)).toHaveLength(2);
    expect(made['sales']).toEqual(view(withRegion));
  });

  it("replaces a table of the dataset's name from before views by the view, keeping its first snapshot day", async () => {
    const { catalog } = catalogUnderTest();
    const before = { bucket: 'lake-bucket', snapshotsFrom: '2025-01-15' };
    // What sync made before the files table had its own name.
    tables({ customers: { ...glueTableInput(customers, before), Name: 'customers' } });
    glue.on(CreateTableCommand).resolves({});
    glue.on(UpdateTableCommand).resolves({});
    await catalog.putContract(customers);
    expect(inputs(glue.commandCalls(CreateTableCommand))).toEqual([
      { DatabaseName: 'insights', TableInput: glueTableInput(customers, before) },
    ]);
    expect(inputs(glue.commandCalls(UpdateTableCommand))).toEqual([
      { DatabaseName: 'insights', TableInput: view(customers) },
    ]);
  });

  it('compares again when the table appeared between its GetTable and CreateTable', async () => {
    const { catalog } = catalogUnderTest();
    glue
      .on(GetTableCommand, { Name: 'sales__files' })
      .rejectsOnce(notFound())
      .resolves({ Table: stored(glueTableInput(sales, place)) });
    glue.on(GetTableCommand, { Name: 'sales' }).resolves({ Table: stored(view(withRegion)) });
    glue
      .on(CreateTableCommand)
      .rejects(Object.assign(new Error('exists'), { name: 'AlreadyExistsException' }));
    glue.on(UpdateTableCommand).resolves({});
    await catalog.putContract(withRegion);
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(1);
    expect(inputs(glue.commandCalls(UpdateTableCommand))).toEqual([
      { DatabaseName: 'insights', TableInput: glueTableInput(withRegion, place) },
    ]);
  });

  it('retries throttled Glue calls with backoff, then succeeds', async () => {
    const { base, catalog, slept } = catalogUnderTest();
    glue.on(GetTableCommand).rejectsOnce(throttled()).rejects(notFound());
    glue.on(CreateTableCommand).rejectsOnce(throttled()).resolves({});
    await catalog.putContract(sales);
    // sales__files twice (throttled, then not found), sales before views, then the view.
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(4);
    expect(glue.commandCalls(CreateTableCommand)).toHaveLength(3);
    expect(slept).toEqual([125, 125]);
    expect(base.stored).toEqual([sales]);
  });

  it('gives up with a TransientError naming the table once the attempts run out', async () => {
    const { base, catalog } = catalogUnderTest(2);
    glue.on(GetTableCommand).rejects(notFound());
    glue.on(CreateTableCommand).rejects(throttled());
    const put = catalog.putContract(sales);
    await expect(put).rejects.toThrow(TransientError);
    await expect(put).rejects.toThrow(
      'Glue CreateTable insights.sales__files: still failing after 2 attempts (ThrottlingException',
    );
    // The view is not made over a table that is not there.
    expect(inputs(glue.commandCalls(CreateTableCommand)).map((i) => i.TableInput!.Name)).toEqual([
      'sales__files',
      'sales__files',
    ]);
    // The contract is kept; the ingest handler syncs the table with the next file.
    expect(base.stored).toEqual([sales]);
  });

  it('makes no table from a contract the lake catalog refuses to store', async () => {
    const { base, catalog } = catalogUnderTest();
    base.putContract = async () => {
      throw new ConfigError('The contract of sales is the one a person provides');
    };
    await expect(catalog.putContract(sales)).rejects.toThrow(ConfigError);
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(0);
  });

  it('lets a refusal through at once (no permission is not worth retrying)', async () => {
    const { catalog } = catalogUnderTest();
    glue
      .on(GetTableCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    await expect(catalog.putContract(sales)).rejects.toThrow('not authorized');
    expect(glue.commandCalls(GetTableCommand)).toHaveLength(1);
  });
});
