import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDb } from '#platform/ports.ts';
import { quoteIdent } from '#query/sql.ts';
import { NotFoundError } from '#platform/errors.ts';
import { assertIdentifier, assertLakeKey } from '#platform/identifiers.ts';
import type {
  BlobStore,
  Catalog,
  Clock,
  ColumnContract,
  Contract,
  Manifest,
} from '#platform/ports.ts';
import { inferContract } from './infer-contract.ts';
import { readSource, type Source } from './read-source.ts';
import { manifestsOfKey, removeSuperseded } from './replace-versions.ts';
import { datasetFromKey, sha256OfFile, sourceIdOf } from './source-id.ts';
import { missingRequiredColumn, rejectAll, validateRows, type Checked } from './validate.ts';
import { countRejections, writeManifest } from './manifest.ts';
import { writeCurated, type OutputTarget } from './write-curated.ts';
import { quarantineSample, writeQuarantine, type RejectedSample } from './write-quarantine.ts';
import { detectFormats, type FileFormats, type FormatColumn } from './file-formats.ts';

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
  assertLakeKey(key);
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
    const earlier = await manifestsOfKey(store, dataset, key);
    // The manifest is written last: if this very version has one, its outputs are complete
    // and a re-delivery changes nothing in the lake.
    const done = earlier.find((m) => m.sourceId === sourceId);
    if (done) return { manifest: done, rejectedSample: await quarantineSample(store, done) };
    const rawPath = await store.download(key, join(dir, 'raw'));
    const checksum = await sha256OfFile(rawPath);
    const ingestedAt = clock.now().toISOString();

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
 * The rows: the file's formats found, the catalog's contract (inferred and kept on first
 * sight, evolved by a new column or a settled date order), every row checked, the good
 * ones curated, the others quarantined.
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
  const stored = await catalog.getContract(at.dataset);
  const columns = formatColumns(source.names, stored);
  // Formats and a first-sight contract are decided on an even sample of a big file. The
  // sample only saves time: if any row is then rejected, they are decided again on every
  // row, and the rows checked again when that changes anything.
  const decide = async (from: string): Promise<Decision> => {
    if (source.headerError)
      return { formats: undefined, next: { changed: false, contract: stored } };
    const formats = await detectFormats(duck, from, columns);
    return { formats, next: await contractFor(deps, source, from, at.dataset, stored, formats) };
  };
  const sampled = source.rows > SAMPLE_ROWS;
  const whole = quoteIdent(source.table);
  let decision = await decide(sampled ? sampleOf(source) : whole);
  let checked = await check(duck, at.key, source, decision, at.table('checked'));
  if (sampled && (await hasRejections(duck, checked.table))) {
    const again = await decide(whole);
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
      ...(warnings.length ? { warnings } : {}),
    },
    sample: quarantine.sample,
  };
}

/** The columns whose formats are worth finding: the contract's, or all when inferring. */
function formatColumns(names: readonly string[], contract: Contract | undefined): FormatColumn[] {
  return names.flatMap((name, i): FormatColumn[] => {
    if (!contract) return [{ name, source: `c${i}` }];
    const c = contract.columns.find((x) => x.name === name);
    if (!c) return [];
    return [
      {
        name,
        source: `c${i}`,
        type: c.type,
        ...(c.format ? { format: c.format } : {}),
        forced: contract.source === 'config',
      },
    ];
  });
}

/**
 * The contract to check the file against: inferred on first sight; an inferred contract
 * grows by the file's new columns (nullable: earlier files lack them) and learns a date
 * order the file settles. A contract a person wrote is never changed (new columns are then
 * left out and named in the manifest).
 */
type ContractDecision =
  | { changed: false; contract: Contract | undefined }
  | { changed: true; contract: Contract; changes: string[] };

async function contractFor(
  deps: IngestDeps,
  source: Source,
  from: string,
  dataset: string,
  contract: Contract | undefined,
  formats: FileFormats,
): Promise<ContractDecision> {
  const infer = async () =>
    inferContract(deps.duck, {
      dataset,
      table: source.table,
      from,
      names: source.names,
      primaryKeys: await primaryKeys(deps.catalog, dataset),
      formats: formats.formats,
    });
  if (!contract) return { changed: true, contract: await infer(), changes: [] };
  // A contract a person wrote is theirs; a file refused as a whole changes nothing.
  if (contract.source === 'config' || missingRequiredColumn('', contract, source.names)) {
    return { changed: false, contract };
  }
  const known = new Set(contract.columns.map((c) => c.name));
  const added = source.names.filter((n) => !known.has(n));
  const learns = (c: ColumnContract) => formats.settled.has(c.name) && !c.format?.dateOrder;
  const learned = contract.columns.filter(learns);
  if (added.length === 0 && learned.length === 0) return { changed: false, contract };

  const version = contract.version + 1;
  const changes: string[] = [];
  const columns = contract.columns.map((c) => {
    if (!learns(c)) return c;
    const dateOrder = formats.settled.get(c.name)!.dateOrder!;
    changes.push(
      `contract version ${version}: ${c.name} learned its date order (${dateOrder}) from this file`,
    );
    return { ...c, format: { ...c.format, dateOrder } };
  });
  if (added.length > 0) {
    const fresh = await infer();
    for (const name of added) {
      const c = fresh.columns.find((x) => x.name === name)!;
      // Earlier files lack the column: it is optional, and cannot be the dataset's key.
      columns.push({
        ...c,
        role: c.role === 'id' ? 'text' : c.role,
        nullable: true,
        addedInVersion: version,
      });
      changes.push(`contract version ${version}: new column ${name} (${c.type}, optional) added`);
    }
  }
  return { changed: true, contract: { ...contract, version, columns }, changes };
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

/** Rows of a big file that formats and first-sight contracts are decided on. */
const SAMPLE_ROWS = 20_000;

/** Every n-th row, n chosen for about SAMPLE_ROWS of them: spread over the whole file. */
function sampleOf(source: Source): string {
  const step = Math.ceil(source.rows / SAMPLE_ROWS);
  return `(SELECT * FROM ${quoteIdent(source.table)} WHERE rowid % ${step} = 0)`;
}

async function hasRejections(duck: DuckDb, checked: string): Promise<boolean> {
  const [row] = await duck.all(
    `SELECT count(*) AS n FROM ${quoteIdent(checked)} WHERE len(__problems) > 0`,
  );
  return Number(row?.['n'] ?? 0) > 0;
}

/** The format warnings about columns the contract reads as numbers or dates. */
function formatWarnings(decision: Decision): string[] {
  const types = new Map(decision.next.contract?.columns.map((c) => [c.name, c.type]));
  const isAbout = { number: ['integer', 'double'], date: ['date', 'timestamp'] };
  return (decision.formats?.warnings ?? [])
    .filter((w) => isAbout[w.about].includes(types.get(w.column) ?? 'string'))
    .map((w) => w.text);
}

interface Decision {
  formats: FileFormats | undefined;
  next: ContractDecision;
}

function sameDecision(a: Decision, b: Decision): boolean {
  const key = (d: Decision) =>
    JSON.stringify([d.next.contract, [...(d.formats?.formats.entries() ?? [])]]);
  return key(a) === key(b);
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
