import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '#platform/errors.ts';
import { assertDatasetName, assertLakeKey } from '#platform/identifiers.ts';
import type { BlobStore, Catalog, Clock, Contract, DuckDb, Manifest } from '#platform/ports.ts';
import { quoteIdent } from '#query/sql.ts';
import {
  decide,
  formatWarnings,
  sameDecision,
  sampleOf,
  SAMPLE_ROWS,
  type Decision,
} from './decide.ts';
import { ignoredColumns, ingestCsvFast } from './fast-csv.ts';
import { countRejections, writeManifest, type FileContext, type Outcome } from './manifest.ts';
import { loadSource, prepareSource, type Source } from './read-source.ts';
import { manifestsOfKey, removeSuperseded, removeUnlisted } from './replace-versions.ts';
import { datasetFromKey, sha256OfFile, sourceIdOf } from './source-id.ts';
import { missingRequiredColumn, rejectAll, validateRows, type Checked } from './validate.ts';
import { writeCurated, type OutputTarget } from './write-curated.ts';
import { quarantineSample, writeQuarantine, type RejectedSample } from './write-quarantine.ts';

export { datasetFromKey } from './source-id.ts';
export type { RejectedSample } from './write-quarantine.ts';

export interface IngestDeps {
  store: BlobStore;
  catalog: Catalog;
  duck: DuckDb;
  clock: Clock;
  /** Local scratch folder (os.tmpdir(), /tmp in Lambda); emptied of this run's files after. */
  workDir: string;
  /**
   * CSV files from this size on try the fast path first (fast-csv.ts). Below it the full
   * path alone is as quick, and a file with a bad row is not read twice. @default 8 MiB
   */
  fastPathFromBytes?: number;
}

const FAST_PATH_FROM_BYTES = 8 << 20;

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
  const { store, duck, clock, workDir } = deps;
  const { key } = request;
  assertLakeKey(key);
  const dataset = assertDatasetName(request.dataset ?? datasetFromKey(key));
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
    const earlier = await manifestsOfKey(store, dataset, key);
    // The manifest is written last: if this very version has one, its outputs are complete
    // and a re-delivery changes nothing in the lake.
    const done = earlier.find((m) => m.sourceId === sourceId);
    if (done) {
      // An earlier run may have stopped after the manifest, before the old versions' rows
      // were removed: finish that.
      await removeSuperseded(store, done, earlier);
      return { manifest: done, rejectedSample: await quarantineSample(store, done) };
    }
    const rawPath = await store.download(key, join(dir, 'raw'));
    // Hashed while the engine works (JavaScript's thread is idle then), unless the store
    // hashed the bytes already.
    const checksum = info.sha256 ? Promise.resolve(info.sha256) : sha256OfFile(rawPath);
    const ingestedAt = clock.now().toISOString();
    const at: FileContext = {
      key,
      dataset,
      sourceId,
      dir,
      snapshotDate: ingestedAt.slice(0, 10),
      table,
    };
    const outcome = await ingestFile(deps, rawPath, at);
    const manifest: Manifest = {
      dataset,
      sourceId,
      sourceKey: key,
      sourceEtag: info.etag,
      checksum: await checksum,
      ...outcome.counts,
      ingestedAt,
    };
    // A run of this version that stopped before its manifest may have left files this run
    // did not write (another day's snapshot): they go before the manifest makes it count.
    await removeUnlisted(store, manifest);
    await writeManifest(store, manifest);
    await removeSuperseded(store, manifest, earlier);
    return { manifest, rejectedSample: outcome.sample };
  } finally {
    for (const t of tables.reverse()) await duck.run(`DROP TABLE IF EXISTS ${quoteIdent(t)}`);
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * A CSV file goes the fast way when it can (fast-csv.ts: every row good, in one pass);
 * otherwise, and for JSON and Parquet, every value is loaded as text and checked.
 */
async function ingestFile(deps: IngestDeps, rawPath: string, at: FileContext): Promise<Outcome> {
  const prepared = await prepareSource(at.key, rawPath);
  if ('fileError' in prepared) {
    return unreadFile(prepared.fileError, await deps.catalog.getContract(at.dataset));
  }
  const big = (await stat(prepared.path)).size >= (deps.fastPathFromBytes ?? FAST_PATH_FROM_BYTES);
  if (prepared.format === 'csv' && big) {
    const fast = await ingestCsvFast(deps, prepared, at);
    if (fast) return fast;
  }
  const read = await loadSource(deps.duck, at.key, prepared, at.table('source'), at.table);
  if ('fileError' in read) {
    return unreadFile(read.fileError, await deps.catalog.getContract(at.dataset));
  }
  return ingestRows(deps, read.source, at);
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
 * The rows: the file's formats found, the catalog's contract (inferred and kept on first
 * sight, evolved by a new column or a settled date order), every row checked, the good
 * ones curated, the others quarantined.
 */
async function ingestRows(deps: IngestDeps, source: Source, at: FileContext): Promise<Outcome> {
  const { store, catalog, duck } = deps;
  const stored = await catalog.getContract(at.dataset);
  // Formats and a first-sight contract are decided on an even sample of a big file. The
  // sample only saves time: if any row is then rejected, they are decided again (on every
  // row, unless the sample with the rejected rows decides as the sample did), and the rows
  // checked again when that changes anything.
  const decideOn = async (from: string): Promise<Decision> =>
    source.headerError
      ? { formats: undefined, next: { changed: false, contract: stored } }
      : decide(deps, at.dataset, source.names, stored, from);
  const sampled = source.rows > SAMPLE_ROWS;
  const whole = quoteIdent(source.table);
  let decision = await decideOn(sampled ? sampleOf(source.table, source.rows) : whole);
  let checked = await check(duck, at.key, source, decision, at.table('checked'));
  if (sampled && (await hasRejections(duck, checked.table))) {
    // First on the sample and the rejected rows, when they are few: when they decide as
    // the sample did, the rest of the file (rows read well as decided) only adds evidence
    // for that decision, and a scan of every value (seconds per million rows) is spared.
    const rejected = await rejectedRows(duck, checked.table, FEW_REJECTED);
    const widened =
      rejected.length <= FEW_REJECTED
        ? await decideOn(sampleOf(source.table, source.rows, rejected.join(', ')))
        : undefined;
    const again = widened && sameDecision(widened, decision) ? decision : await decideOn(whole);
    if (!sameDecision(again, decision)) {
      decision = again;
      checked = await check(duck, at.key, source, decision, at.table('rechecked'));
    }
  }
  const contract = decision.next.contract;
  const warnings = [...(source.warnings ?? []), ...formatWarnings(decision)];
  if (decision.next.changed) {
    await catalog.putContract(decision.next.contract);
    warnings.push(...decision.next.changes);
  }
  const target: OutputTarget = {
    duck,
    store,
    dataset: at.dataset,
    sourceId: at.sourceId,
    dir: at.dir,
  };
  const curated =
    contract && !checked.fileError
      ? await writeCurated(target, contract, checked.table, at.snapshotDate)
      : { partitions: [], rows: 0 };
  const quarantine = await writeQuarantine(target, {
    checked: checked.table,
    source: source.table,
    names: source.names,
    unreadable: source.unreadable,
    lines: source.lines,
  });
  const ignored = contract ? ignoredColumns(contract, source.names) : [];
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
      ...(warnings.length ? { warnings } : {}),
    },
    sample: quarantine.sample,
  };
}

/** The whole file is rejected (header, missing column) or its rows are checked one by one. */
async function check(
  duck: DuckDb,
  key: string,
  source: Source,
  decision: Decision,
  checked: string,
): Promise<Checked> {
  const contract = decision.next.contract;
  if (source.headerError || !contract) {
    return rejectAll(duck, source.table, checked, {
      fileError: source.headerError ?? `${key}: no contract for the dataset`,
      column: '(header)',
      kind: 'the header does not name the columns',
    });
  }
  const missing = missingRequiredColumn(key, contract, source.names);
  if (missing) return rejectAll(duck, source.table, checked, missing);
  return validateRows(
    duck,
    source.table,
    source.names,
    contract,
    checked,
    decision.formats?.formats,
  );
}

/** Rejected rows up to which the decision is first tried on the sample and them. */
const FEW_REJECTED = 1000;

/** The source rows (`__ord`) that `checked` rejected, the first `limit` + 1 of them. */
async function rejectedRows(duck: DuckDb, checked: string, limit: number): Promise<number[]> {
  const rows = await duck.all(
    `SELECT __ord FROM ${quoteIdent(checked)} WHERE len(__problems) > 0 ORDER BY __ord LIMIT ${limit + 1}`,
  );
  return rows.map((r) => Number(r['__ord']));
}

async function hasRejections(duck: DuckDb, checked: string): Promise<boolean> {
  const [row] = await duck.all(
    `SELECT count(*) AS n FROM ${quoteIdent(checked)} WHERE len(__problems) > 0`,
  );
  return Number(row?.['n'] ?? 0) > 0;
}
