import type { Column, Table, TableInput } from '@aws-sdk/client-glue';
import { ConfigError } from '../errors.ts';
import { FILES_TABLE_SUFFIX, assertDatasetName, assertIdentifier } from '../identifiers.ts';
import type { ColumnType, Contract } from '../ports.ts';

/** Contract types as Athena (Hive DDL) names them; the Parquet files hold the same types. */
export const GLUE_TYPES: Record<ColumnType, string> = {
  integer: 'bigint',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  string: 'string',
};

/**
 * How each partition scheme is projected. Months come from the data's own dates, so their
 * range is wide (a month outside it is invisible to Athena); snapshots are ingest dates, so
 * theirs starts on the day the table was made and ends today. Each projected month or day
 * costs Athena one S3 listing when a query does not filter on the partition.
 */
export const PROJECTIONS = {
  month: { format: 'yyyy-MM', unit: 'MONTHS', range: () => '1970-01,NOW+1YEARS' },
  snapshot: {
    format: 'yyyy-MM-dd',
    unit: 'DAYS',
    range: (snapshotsFrom: string) => `${snapshotsFrom},NOW`,
  },
} as const;

const PARQUET = {
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerdeInfo: {
    SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    Parameters: { 'serialization.format': '1' },
  },
};

export interface TablePlace {
  bucket: string;
  /** First day of the snapshot projection, `YYYY-MM-DD` (used by snapshot-partitioned datasets). */
  snapshotsFrom: string;
}

/**
 * The Glue table of a dataset's Parquet files, `<dataset>__files`: every row of every file,
 * as ingest curated them (a customer in two snapshots is two rows). Queries read the
 * dataset's view instead (glue-view.ts), which has the dataset's own name.
 */
export const filesTableName = (dataset: string): string =>
  `${assertDatasetName(dataset)}${FILES_TABLE_SUFFIX}`;

/** The contract's columns as Glue columns (the partition key is not one of them). */
export function contractColumns(contract: Contract): Column[] {
  const key = contract.partition;
  if (contract.columns.some((c) => c.name === key)) {
    throw new ConfigError(
      `The contract of ${contract.dataset} has a column named ${key}, which is also its partition column: rename the column`,
    );
  }
  return contract.columns.map((c) => ({
    Name: assertIdentifier(c.name, 'Column'),
    Type: GLUE_TYPES[c.type],
    Comment: c.role,
  }));
}

/**
 * The Glue table of a dataset's files: its contract's columns over `curated/<dataset>/`,
 * partitioned by `month` or `snapshot` with partition projection, so Athena finds new
 * partitions without crawlers or MSCK REPAIR. Parquet columns are matched by name, so files
 * written before the contract gained a column read it as NULL.
 */
export function glueTableInput(contract: Contract, place: TablePlace): TableInput {
  const dataset = assertDatasetName(contract.dataset);
  const key = contract.partition;
  const columns = contractColumns(contract);
  const location = `s3://${place.bucket}/curated/${dataset}/`;
  const projection = PROJECTIONS[key];
  return {
    Name: filesTableName(dataset),
    Description: `serverless-insights dataset ${dataset} (${contract.kind}): the rows of its files, from its contract; query the view ${dataset}`,
    TableType: 'EXTERNAL_TABLE',
    Parameters: {
      EXTERNAL: 'TRUE',
      classification: 'parquet',
      'projection.enabled': 'true',
      [`projection.${key}.type`]: 'date',
      [`projection.${key}.format`]: projection.format,
      [`projection.${key}.range`]: projection.range(place.snapshotsFrom),
      [`projection.${key}.interval`]: '1',
      [`projection.${key}.interval.unit`]: projection.unit,
      'storage.location.template': `${location}${key}=\${${key}}/`,
    },
    // A string, as the folder name writes it (`month=2024-01`); Athena compares it as text.
    PartitionKeys: [{ Name: key, Type: 'string' }],
    StorageDescriptor: {
      Columns: columns,
      Location: location,
      ...PARQUET,
    },
  };
}

/** The first day of a table's snapshot projection, if it has one. */
export function snapshotsFromOf(table: Table | undefined): string | undefined {
  const range = table?.Parameters?.['projection.snapshot.range'];
  return /^(\d{4}-\d{2}-\d{2}),/.exec(range ?? '')?.[1];
}

/**
 * Whether the table (or view) in Glue differs from the one wanted, in what we set: type,
 * columns, partition key, location, formats, a view's texts, and our parameters (parameters
 * Glue or a person added are ignored). A field we leave out and Glue answers empty is equal.
 */
export function tableDiffers(existing: Table, wanted: TableInput): boolean {
  const columns = (cs: Column[] | undefined) =>
    (cs ?? []).map((c) => [c.Name, c.Type, c.Comment ?? '']);
  const ours = (actual: Record<string, string> | undefined, set: Record<string, string> = {}) =>
    Object.keys(set).map((k) => [k, actual?.[k]]);
  const text = (value: string | undefined) => value || undefined;
  const shape = (t: Table | TableInput) => ({
    type: t.TableType,
    description: t.Description,
    parameters: ours(t.Parameters, wanted.Parameters),
    partitionKeys: columns(t.PartitionKeys),
    columns: columns(t.StorageDescriptor?.Columns),
    location: text(t.StorageDescriptor?.Location),
    input: text(t.StorageDescriptor?.InputFormat),
    output: text(t.StorageDescriptor?.OutputFormat),
    serde: text(t.StorageDescriptor?.SerdeInfo?.SerializationLibrary),
    serdeParameters: ours(
      t.StorageDescriptor?.SerdeInfo?.Parameters,
      wanted.StorageDescriptor?.SerdeInfo?.Parameters,
    ),
    viewOriginalText: text(t.ViewOriginalText),
    viewExpandedText: text(t.ViewExpandedText),
  });
  return JSON.stringify(shape(existing)) !== JSON.stringify(shape(wanted));
}
