import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDb } from '#platform/ports.ts';
import { quoteIdent } from '#query/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { assertIdentifier } from '#platform/identifiers.ts';
import type { BlobStore, Catalog, Clock, Contract, Manifest } from '#platform/ports.ts';
import { inferContract } from './infer-contract.ts';
import { readSource, type Source } from './read-source.ts';
import { manifestsOfKey, removeSuperseded } from './replace-versions.ts';
import { datasetFromKey, sha256OfFile, sourceIdOf } from './source-id.ts';
import { missingRequiredColumn, rejectAll, validateRows, type Checked } from './validate.ts';
import { countRejections, writeManifest } from './manifest.ts';
import { writeCurated, type OutputTarget } from './write-curated.ts';
import { writeQuarantine, type RejectedSample } from './write-quarantine.ts';

export { datasetFromKey } from './source-id.ts';
export type { RejectedSample } from './write-quarantine.ts';

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
export async function ingestObject(
  deps: IngestDeps,
  request: IngestRequest,
): Promise<IngestResult> {
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

    const read = await readSource(duck, key, rawPath, table('source'), table);
    const outcome =
      'fileError' in read
        ? unreadFile(read.fileError, await catalog.getContract(dataset))
        : await ingestRows(deps, read.source, {
            key,
            dataset,
            sourceId,
            dir,
            snapshotDate: ingestedAt.slice(0, 10),
            table,
          });
    const manifest: Manifest = {
      dataset,
      sourceId,
      sourceKey: key,
      sourceEtag: info.etag,
      checksum,
      ...outcome.counts,
      ingestedAt,
    };
    await writeManifest(store, manifest);
    await removeSuperseded(store, manifest, earlier);
    return { manifest, rejectedSample: outcome.sample };
  } finally {
    for (const t of tables.reverse()) await duck.run(`DROP TABLE IF EXISTS ${quoteIdent(t)}`);
    await rm(dir, { recursive: true, force: true });
  }
}

/** What the manifest says about the rows, and the first rejections. */
interface Outcome {
  counts: Omit<
    Manifest,
    'dataset' | 'sourceId' | 'sourceKey' | 'sourceEtag' | 'checksum' | 'ingestedAt'
  >;
  sample: RejectedSample[];
}

/** A file with no rows to read (empty, header only, not parseable): nothing but its error. */
function unreadFile(fileError: string, contract: Contract | undefined): Outcome {
  return {
    counts: {
      contractVersion: contract?.version ?? 0,
      rowsRead: 0,
      rowsCurated: 0,
      rowsQuarantined: 0,
      rejections: [],
      partitions: [],
      fileError,
    },
    sample: [],
  };
}

/**
 * The rows: the catalog's contract (inferred and kept on first sight), every row checked,
 * the good ones curated, the others quarantined.
 */
async function ingestRows(
  deps: IngestDeps,
  source: Source,
  at: {
    key: string;
    dataset: string;
    sourceId: string;
    dir: string;
    snapshotDate: string;
    table: (what: string) => string;
  },
): Promise<Outcome> {
  const { store, catalog, duck } = deps;
  let contract = await catalog.getContract(at.dataset);
  if (!contract && !source.headerError) {
    contract = await inferContract(duck, {
      dataset: at.dataset,
      table: source.table,
      names: source.names,
      primaryKeys: await primaryKeys(catalog, at.dataset),
    });
    await catalog.putContract(contract);
  }
  const checked = await check(duck, at.key, source, contract, at.table('checked'));
  const target: OutputTarget = {
    duck,
    store,
    dataset: at.dataset,
    sourceId: at.sourceId,
    dir: at.dir,
  };
  const curated =
    contract && !checked.fileError
      ? await writeCurated(target, contract, checked.table, at.table('curated'), at.snapshotDate)
      : { partitions: [], rows: 0 };
  const quarantine = await writeQuarantine(target, {
    checked: checked.table,
    source: source.table,
    names: source.names,
    unreadable: source.unreadable,
    lines: source.lines,
  });
  const known = new Set(contract?.columns.map((c) => c.name));
  const ignored = contract ? source.names.filter((n) => !known.has(n)) : [];
  return {
    counts: {
      contractVersion: contract?.version ?? 0,
      ...(ignored.length ? { ignoredColumns: ignored } : {}),
      rowsRead: source.rows + source.unreadable.length,
      rowsCurated: curated.rows,
      rowsQuarantined: quarantine.rows,
      rejections: await countRejections(duck, checked.table, source.unreadable),
      partitions: curated.partitions,
      ...(checked.fileError ? { fileError: checked.fileError } : {}),
      ...(source.warnings?.length ? { warnings: source.warnings } : {}),
    },
    sample: quarantine.sample,
  };
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
