import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDb } from '#platform/duckdb/duckdb.ts';
import { quoteIdent } from '#platform/duckdb/duckdb.ts';
import { NotFoundError } from '#platform/errors.ts';
import { assertIdentifier } from '#platform/identifiers.ts';
import type { BlobStore, Catalog, Clock, Contract, Manifest } from '#platform/ports.ts';
import { inferContract } from './infer-contract.ts';
import { readSource, type Source } from './read-source.ts';
import { manifestsOfKey, removeSuperseded } from './replace-versions.ts';
import { datasetFromKey, sha256OfFile, sourceIdOf } from './source-id.ts';
import { missingRequiredColumn, rejectAll, validateRows, type Checked } from './validate.ts';
import {
  countRejections,
  writeCurated,
  writeManifest,
  writeQuarantine,
  type OutputTarget,
  type RejectedSample,
} from './write-outputs.ts';

export { datasetFromKey } from './source-id.ts';
export type { RejectedSample } from './write-outputs.ts';

export interface IngestDeps {
  store: BlobStore;
  catalog: Catalog;
  duck: DuckDb;
  clock: Clock;
  /** Local scratch folder (os.tmpdir(), /tmp in Lambda); emptied of this run's files after. */
  workDir: string;
}

export interface IngestRequest {
  /** Lake key of the raw file, e.g. `incoming/sales_transactions/sales.csv`. */
  key: string;
  /** Defaults to `datasetFromKey(key)`. */
  dataset?: string;
}

export interface IngestResult {
  manifest: Manifest;
  /** The first 20 rejections, in line order. */
  rejectedSample: RejectedSample[];
}

/**
 * Validates one raw file of the lake and partitions it: good rows to
 * `curated/<dataset>/<partition>/<source-id>.parquet`, rejected rows with their line and
 * reasons to `quarantine/<dataset>/<source-id>.jsonl`, and last the manifest to
 * `manifests/<dataset>/<source-id>.json`. Then the outputs of older versions of the same
 * key are removed. The raw file is only read.
 *
 * Problems of the input never throw: they are in the manifest (`fileError`, rejections)
 * and in the quarantine. A missing object throws NotFoundError, a bad dataset name
 * InputRejectedError.
 */
export async function ingestObject(deps: IngestDeps, request: IngestRequest): Promise<IngestResult> {
  const { store, catalog, duck, clock, workDir } = deps;
  const { key } = request;
  const dataset = assertIdentifier(request.dataset ?? datasetFromKey(key), 'Dataset');
  const info = await store.head(key);
  if (!info) throw new NotFoundError(`No object at ${store.url(key)}`);
  const sourceId = sourceIdOf(key, info.etag);

  await mkdir(workDir, { recursive: true });
  const dir = await mkdtemp(join(workDir, `ingest-${sourceId}-`));
  const tables: string[] = [];
  const run = `${sourceId}_${Math.random().toString(36).slice(2, 8)}`;
  const table = (what: string) => {
    const name = `ingest_${run}_${what}`;
    tables.push(name);
    return name;
  };
  try {
    const rawPath = await store.download(key, join(dir, 'raw'));
    const checksum = await sha256OfFile(rawPath);
    const earlier = await manifestsOfKey(store, dataset, key);
    // A re-delivered file keeps its first ingest time, so that it rewrites the same bytes.
    const ingestedAt =
      earlier.find((m) => m.sourceId === sourceId)?.ingestedAt ?? clock.now().toISOString();
    const base = { dataset, sourceId, sourceKey: key, sourceEtag: info.etag, checksum, ingestedAt };

    const read = await readSource(duck, key, rawPath, table('source'), table);
    let contract = await catalog.getContract(dataset);
    let manifest: Manifest;
    let rejectedSample: RejectedSample[] = [];
    if ('fileError' in read) {
      manifest = {
        ...base,
        contractVersion: contract?.version ?? 0,
        rowsRead: 0,
        rowsCurated: 0,
        rowsQuarantined: 0,
        rejections: [],
        partitions: [],
        fileError: read.fileError,
        ingestedAt,
      };
    } else {
      const { source } = read;
      if (!contract && !source.headerError) {
        contract = await inferContract(duck, {
          dataset,
          table: source.table,
          names: source.names,
          primaryKeys: await primaryKeys(catalog, dataset),
        });
        await catalog.putContract(contract);
      }
      const checked = await check(duck, key, source, contract, table('checked'));
      const target: OutputTarget = { duck, store, dataset, sourceId, dir };
      const curated =
        contract && !checked.fileError
          ? await writeCurated(target, contract, checked.table, table('curated'), ingestedAt.slice(0, 10))
          : { partitions: [], rows: 0 };
      const quarantine = await writeQuarantine(target, {
        checked: checked.table,
        source: source.table,
        names: source.names,
        unreadable: source.unreadable,
        lines: source.lines,
      });
      rejectedSample = quarantine.sample;
      manifest = {
        ...base,
        contractVersion: contract?.version ?? 0,
        rowsRead: source.rows + source.unreadable.length,
        rowsCurated: curated.rows,
        rowsQuarantined: quarantine.rows,
        rejections: await countRejections(duck, checked.table, source.unreadable),
        partitions: curated.partitions,
        ...(checked.fileError ? { fileError: checked.fileError } : {}),
        ingestedAt,
      };
    }
    await writeManifest(store, manifest);
    await removeSuperseded(store, manifest, earlier);
    return { manifest, rejectedSample };
  } finally {
    for (const t of tables.reverse()) await duck.run(`DROP TABLE IF EXISTS ${quoteIdent(t)}`);
    await rm(dir, { recursive: true, force: true });
  }
}

/** The whole file is rejected (header, missing column) or its rows are checked one by one. */
async function check(
  duck: DuckDb,
  key: string,
  source: Source,
  contract: Contract | undefined,
  checked: string,
): Promise<Checked> {
  if (source.headerError || !contract) {
    return rejectAll(duck, source.table, checked, {
      fileError: source.headerError ?? `${key}: no contract for the dataset`,
      column: '(header)',
      kind: 'the header does not name the columns',
    });
  }
  const missing = missingRequiredColumn(key, contract, source.names);
  if (missing) return rejectAll(duck, source.table, checked, missing);
  return validateRows(duck, source.table, source.names, contract, checked);
}

/** Other datasets' primary keys (column -> dataset), for foreign keys. */
async function primaryKeys(catalog: Catalog, self: string): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const dataset of (await catalog.listDatasets()).sort()) {
    if (dataset === self) continue;
    const pk = (await catalog.getContract(dataset))?.primaryKey;
    if (pk && !keys.has(pk)) keys.set(pk, dataset);
  }
  return keys;
}
