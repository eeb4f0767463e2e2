/**
 * The ports: everything the domain needs from the outside world. Domain code (ingest,
 * query, analysis, report) imports only this file and receives implementations as
 * arguments. `local/` implements them on the filesystem and DuckDB, `aws/` on S3,
 * Athena and SES; neither imports the other.
 */

/** An object in the lake, as a listing shows it. */
export interface BlobInfo {
  /** Key relative to the lake root, `/`-separated, e.g. `curated/sales/month=2024-01/x.parquet`. */
  key: string;
  size: number;
  /** Content fingerprint: S3's ETag, or a hash of the bytes locally. */
  etag: string;
  /** Object version id where the store keeps versions. */
  versionId?: string;
  /** SHA-256 of the bytes (hex), where the store has it at hand (the local lake's ETag is it). */
  sha256?: string;
}

/** S3 in AWS, a folder locally. Keys never start with `/`. */
export interface BlobStore {
  /** A human-readable location for a key: `s3://bucket/key` or an absolute file path. */
  url(key: string): string;
  head(key: string): Promise<BlobInfo | undefined>;
  getBytes(key: string): Promise<Uint8Array>;
  getText(key: string): Promise<string>;
  put(key: string, body: Uint8Array | string, contentType?: string): Promise<BlobInfo>;
  /** Copies an object to a local file (for engines that read files) and returns its path. */
  download(key: string, localPath: string): Promise<string>;
  /** Stores a local file under a key. */
  upload(localPath: string, key: string, contentType?: string): Promise<BlobInfo>;
  /**
   * Copies an object to another key of the same store, in one step: the target holds the
   * old object or the whole new one, never part of it (S3's CopyObject, a rename locally).
   */
  copy(fromKey: string, toKey: string): Promise<void>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<BlobInfo[]>;
  /** The keys `list` would give, without their ETags (which the local lake must compute). */
  listKeys(prefix: string): Promise<string[]>;
  delete(key: string): Promise<void>;
}

/** A scalar as it comes back from a query: numbers are numbers, dates ISO strings. */
export type Scalar = string | number | boolean | null;
export type Row = Record<string, Scalar>;

export interface QueryOptions {
  /**
   * A fingerprint of the data the query reads (a run's `dataVersion`). An engine that can
   * answer from an earlier result (Athena's result reuse) does so only for a query of the
   * same scope, so new data is never answered from a stale result. Without it, never.
   */
  reuseScope?: string;
}

/** Runs SQL over the catalogued datasets: DuckDB views locally, Athena over Glue in AWS. */
export interface QueryEngine {
  readonly dialect: 'duckdb' | 'trino';
  query(sql: string, options?: QueryOptions): Promise<Row[]>;
  /**
   * The rows and the bytes the query scanned, where the engine reports them (Athena bills by
   * them); the local DuckDB does not have it.
   */
  queryWithStats?(
    sql: string,
    options?: QueryOptions,
  ): Promise<{ rows: Row[]; bytesScanned: number }>;
}

/** Keeps contracts and makes each dataset queryable under its own name. */
export interface Catalog {
  getContract(dataset: string): Promise<Contract | undefined>;
  putContract(contract: Contract): Promise<void>;
  listDatasets(): Promise<string[]>;
}

export interface Mail {
  to: string[];
  subject: string;
  text: string;
  html?: string;
}

/** SES in AWS; an `.eml` outbox folder (or SMTP) locally. */
export interface Mailer {
  /** Returns where the message went: a message id or a file path. */
  send(mail: Mail): Promise<string>;
}

/**
 * The embedded engine (DuckDB) that ingest runs in both runtimes: it reads raw files and
 * writes Parquet in the local scratch folder.
 */
export interface DuckDb {
  /** Runs statements that return nothing worth reading (DDL, COPY). */
  run(sql: string): Promise<void>;
  /** Runs a query and returns its rows as plain JSON-safe objects. */
  all(sql: string): Promise<Row[]>;
  close(): void;
}

export interface Clock {
  now(): Date;
}

// ---- Contracts: what a dataset's columns are --------------------------------------------

export type ColumnType = 'integer' | 'double' | 'boolean' | 'date' | 'timestamp' | 'string';

export type ColumnRole = 'id' | 'time' | 'measure' | 'dimension' | 'foreign_key' | 'text' | 'pii';

/** What kind of rows a dataset holds; analyses are chosen from this and the roles. */
export type DatasetKind = 'time_series' | 'events' | 'entities';

export interface ColumnChecks {
  min?: number;
  max?: number;
  allowed?: string[];
  pattern?: string;
  unique?: boolean;
}

/**
 * How a column's values are written when a file does not use plain ISO dates and `1234.5`
 * numbers. Ingest works it out per file and records it; a contract may fix it.
 */
export interface ColumnFormat {
  /** Decimal separator of numbers: `,` in `1.234,50`. Default `.` (`1,234.50`). */
  decimal?: '.' | ',';
  /** Order of day, month and year in dates written like `03/04/2024`. Default: found per file. */
  dateOrder?: 'MDY' | 'DMY';
}

export interface ColumnContract {
  name: string;
  type: ColumnType;
  role: ColumnRole;
  nullable: boolean;
  checks?: ColumnChecks;
  format?: ColumnFormat;
  /** For foreign keys: the dataset whose id this column references. */
  references?: string;
  /**
   * The contract version that added the column to an inferred contract (schema evolution):
   * files before it lack the column, so later files may too.
   */
  addedInVersion?: number;
}

export interface Contract {
  dataset: string;
  version: number;
  kind: DatasetKind;
  columns: ColumnContract[];
  primaryKey?: string;
  timeColumn?: string;
  /** `month` partitions events and series by the month of `timeColumn`; `snapshot` by ingest date. */
  partition: 'month' | 'snapshot';
  /** `inferred` from the first upload, or `config` when a person wrote it. */
  source: 'inferred' | 'config';
}

/** What ingest says about one source file; stored at `manifests/<dataset>/<source-id>.json`. */
export interface Manifest {
  dataset: string;
  sourceId: string;
  sourceKey: string;
  sourceEtag: string;
  checksum: string;
  contractVersion: number;
  rowsRead: number;
  rowsCurated: number;
  rowsQuarantined: number;
  /** Rejections counted by column and reason, for the report's data-quality section. */
  rejections: { column: string; reason: string; rows: number }[];
  partitions: string[];
  /** Columns of the file that the dataset's contract does not have: not curated (yet). */
  ignoredColumns?: string[];
  /** A problem with the whole file (missing column, empty file): every row is quarantined. */
  fileError?: string;
  /**
   * What a person should know although nothing was lost: the file was read as Latin-1,
   * dates like 03/04/2024 were read as day/month, the contract gained a column.
   */
  warnings?: string[];
  ingestedAt: string;
}
