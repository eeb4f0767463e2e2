import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import type { DuckDb } from '#platform/ports.ts';
import { quoteLiteral } from '#query/sql.ts';
import { lakeCatalog } from '#platform/lake-catalog.ts';
import { fsBlobStore } from '#platform/local/fs-blob-store.ts';
import type { BlobStore, Catalog, Clock, Manifest, Row } from '#platform/ports.ts';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { ingestObject, type IngestResult } from '#ingest/ingest.ts';

export const FIXTURES = new URL('../fixtures/bad-input/', import.meta.url).pathname;

/** A clock that says what the test tells it. */
export function fixedClock(iso = '2025-01-15T10:00:00.000Z'): Clock & { set(iso: string): void } {
  let now = new Date(iso);
  return { now: () => new Date(now), set: (next) => (now = new Date(next)) };
}

export interface TestLake {
  root: string;
  /** Scratch folder given to ingest. */
  workDir: string;
  store: BlobStore;
  catalog: Catalog;
  duck: DuckDb;
  clock: ReturnType<typeof fixedClock>;
  /** Stores `body` as the raw object `key` and ingests it. */
  ingest(key: string, body: string | Uint8Array, dataset?: string): Promise<IngestResult>;
  /** Ingests a file of the bad-input corpus as `incoming/<dataset>/<file>`. */
  ingestFixture(dataset: string, file: string): Promise<IngestResult>;
  /** `SELECT <select> FROM <the dataset's curated Parquet, as the query side reads it> <rest>`. */
  curated(dataset: string, select?: string, rest?: string): Promise<Row[]>;
  /** Rows of the Parquet files one manifest lists. */
  curatedRowsOf(manifest: Manifest): Promise<number>;
  /** The quarantine lines of one manifest, parsed. */
  quarantineOf(manifest: Manifest): Promise<QuarantineLine[]>;
  /** The quarantine file of one manifest as stored, or undefined when there is none. */
  quarantineText(manifest: Manifest): Promise<string | undefined>;
  /** key -> etag (a hash of the bytes) of every object in the lake. */
  snapshot(prefix?: string): Promise<Record<string, string>>;
  close(): Promise<void>;
}

export interface QuarantineLine {
  line: number;
  values: Record<string, string | null> | null;
  raw?: string | null;
  reasons: { column: string; reason: string }[];
}

/**
 * `fastPathFromBytes`: from which size CSV files try ingest's fast path (ingest.ts); the
 * tests' files are small, so by default every CSV tries it, as big files do.
 */
export async function testLake(options: { fastPathFromBytes?: number } = {}): Promise<TestLake> {
  const root = await mkdtemp(join(tmpdir(), 'ingest-lake-'));
  const workDir = await mkdtemp(join(tmpdir(), 'ingest-work-'));
  const store = fsBlobStore(root);
  const catalog = lakeCatalog(store);
  const duck = await openDuckDb();
  const clock = fixedClock();
  const ingest = async (key: string, body: string | Uint8Array, dataset?: string) => {
    await store.put(key, body);
    return ingestObject(
      { store, catalog, duck, clock, workDir, fastPathFromBytes: options.fastPathFromBytes ?? 0 },
      { key, ...(dataset ? { dataset } : {}) },
    );
  };
  const quarantineText = async (m: Manifest) => {
    const key = `quarantine/${m.dataset}/${m.sourceId}.jsonl`;
    return (await store.head(key)) ? store.getText(key) : undefined;
  };
  return {
    root,
    workDir,
    store,
    catalog,
    duck,
    clock,
    ingest,
    ingestFixture: async (dataset, file) =>
      ingest(`incoming/${dataset}/${file}`, await readFile(join(FIXTURES, file))),
    curated: (dataset, select = '*', rest = '') =>
      duck.all(
        `SELECT ${select} FROM read_parquet(${quoteLiteral(`${root}/curated/${dataset}/**/*.parquet`)}, hive_partitioning = true, union_by_name = true) ${rest}`,
      ),
    curatedRowsOf: async (m) => {
      if (m.partitions.length === 0) return 0;
      const files = m.partitions.map((p) =>
        quoteLiteral(join(root, 'curated', m.dataset, p, `${m.sourceId}.parquet`)),
      );
      const [row] = await duck.all(`SELECT count(*) AS n FROM read_parquet([${files.join(', ')}])`);
      return Number(row?.['n']);
    },
    quarantineOf: async (m) => {
      const text = await quarantineText(m);
      if (text === undefined) return [];
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as QuarantineLine);
    },
    quarantineText,
    snapshot: async (prefix = '') =>
      Object.fromEntries((await store.list(prefix)).map((o) => [o.key, o.etag])),
    close: async () => {
      duck.close();
      await rm(root, { recursive: true, force: true });
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** rowsRead = rowsCurated + rowsQuarantined, counted from the objects, not only the manifest. */
export async function accounting(lake: TestLake, m: Manifest) {
  const curated = await lake.curatedRowsOf(m);
  const quarantined = (await lake.quarantineOf(m)).length;
  return {
    read: m.rowsRead,
    curated,
    quarantined,
    manifestCurated: m.rowsCurated,
    manifestQuarantined: m.rowsQuarantined,
  };
}

/**
 * A test lake for the enclosing `describe`: made before all its tests (or before each, with
 * `'each'`) and closed after. The returned object stands for the current lake, so tests
 * write `lake.ingest(...)` as with a lake of their own.
 */
export function useTestLake(lifetime: 'all' | 'each' = 'all'): TestLake {
  let current: TestLake | undefined;
  (lifetime === 'each' ? beforeEach : beforeAll)(async () => {
    current = await testLake();
  });
  (lifetime === 'each' ? afterEach : afterAll)(() => current?.close());
  return new Proxy({} as TestLake, {
    get: (_, property) => {
      if (!current) throw new Error('The test lake is used outside a test of its describe block');
      return current[property as keyof TestLake];
    },
  });
}
