import { access, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore, Catalog, Contract, DuckDb } from '#platform/ports.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import { nameColumns } from './column-names.ts';
import { decide, formatWarnings, SAMPLE_ROWS, type Decision } from './decide.ts';
import { lakeKeys } from './lake-keys.ts';
import type { FileContext, Outcome } from './manifest.ts';
import { csvLayout, csvReader } from './read-csv.ts';
import type { PreparedFile } from './read-source.ts';
import { missingRequiredColumn, uniqueColumns, validationSelect } from './validate.ts';
import { copyPartitioned, uploadPartitions } from './write-curated.ts';

/**
 * The fast path of a CSV file whose every row is good, the usual case: one streaming pass
 * of the engine reads, checks and writes the partitioned Parquet (at about 0.6 of a bare
 * `COPY ... FROM read_csv(...)`'s speed: bench/results/ingest.json), with no table of the
 * file's text in memory.
 *
 * Formats and a first-sight contract are decided on the first rows. The pass then proves
 * the file clean, or gives up (returns undefined) and leaves the file to the full path,
 * which loads every value and quarantines the bad rows with their lines and reasons:
 * - every record was good: the reader rejected none (a record it cannot split, a value
 *   that does not fit a column it types), and no row broke a rule (such rows are written
 *   aside, so that one pass tells);
 * - no unique column repeats a value (checked on the Parquet just written).
 * So a decision that does not fit a later row costs only time, never a row.
 */
export async function ingestCsvFast(
  deps: { duck: DuckDb; catalog: Catalog; store: BlobStore },
  prepared: PreparedFile,
  at: FileContext,
): Promise<Outcome | undefined> {
  const { duck, catalog } = deps;
  const layout = await csvLayout(at.key, prepared.path, prepared.tsv);
  if ('fileError' in layout) return undefined;
  const { names, headerError } = nameColumns(at.key, layout.header);
  if (headerError) return undefined;

  const sample = at.table('first_rows');
  await duck.run(
    `CREATE TABLE ${quoteIdent(sample)} AS SELECT * FROM ${csvReader(prepared.path, layout, { strict: false })} LIMIT ${SAMPLE_ROWS}`,
  );
  const stored = await catalog.getContract(at.dataset);
  const decision = await decide(deps, at.dataset, names, stored, quoteIdent(sample));
  const contract = decision.next.contract;
  if (!contract || missingRequiredColumn(at.key, contract, names)) return undefined;

  const rejects = { table: at.table('fast_rejects'), scan: at.table('fast_scans') };
  const doubles = nativeDoubles(contract, decision, names);
  const positions = new Set([...doubles].map((name) => names.indexOf(name)));
  const reader = csvReader(prepared.path, layout, { strict: true, rejects, doubles: positions });
  const select = validationSelect(
    reader,
    names,
    contract,
    decision.formats?.formats,
    'CAST(NULL AS BIGINT)',
    { trimTyped: false, nativeDoubles: doubles, okOnly: true },
  );
  const out = join(at.dir, 'fast');
  let written: number;
  try {
    written = await copyPartitioned(duck, select, contract, at.snapshotDate, out, {
      good: '__ok',
      rejectedTo: REJECTED,
    });
  } catch (error) {
    await rm(out, { recursive: true, force: true });
    // A mistake in our SQL is ours to see, not a reason to take the other path.
    if (/^(Binder|Parser|Catalog|Internal) Error/.test((error as Error).message)) throw error;
    // The strict reader refuses some files as a whole (mixed line ends, a broken quote):
    // the full path reads them, or says why it cannot.
    return undefined;
  }
  const complete =
    written > 0 &&
    !(await exists(join(out, `__partition=${REJECTED}`))) &&
    (await count(duck, quoteIdent(rejects.table))) === 0;
  if (!complete) {
    await rm(out, { recursive: true, force: true });
    return undefined;
  }
  // The store's upload and the engine's look for repeated keys run side by side. On a
  // repeat (rare) the uploaded files are removed again, before any manifest lists them,
  // and the full path writes its own.
  const target = { ...deps, ...at };
  const [partitions, repeats] = await Promise.all([
    uploadPartitions(target, contract, out),
    repeatsAny(duck, out, uniqueColumns(contract)),
  ]);
  await rm(out, { recursive: true, force: true });
  if (repeats) {
    for (const p of partitions)
      await deps.store.delete(lakeKeys.curated(at.dataset, p, at.sourceId));
    return undefined;
  }

  const warnings = [...(prepared.warning ? [prepared.warning] : []), ...formatWarnings(decision)];
  if (decision.next.changed) {
    await catalog.putContract(decision.next.contract);
    warnings.push(...decision.next.changes);
  }
  const ignored = ignoredColumns(contract, names);
  return {
    counts: {
      contractVersion: contract.version,
      ...(ignored.length ? { ignoredColumns: ignored } : {}),
      rowsRead: written,
      rowsCurated: written,
      rowsQuarantined: 0,
      rejections: [],
      partitions,
      ...(warnings.length ? { warnings } : {}),
    },
    sample: [],
  };
}

/** The partition the fast pass writes bad rows to: seeing it means the file is not clean. */
const REJECTED = '__rejected';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Double columns the reader can type itself, faster than text and a cast: plain decimals
 * (`1,234.50` or `$12` fail the reader's parse, and the file goes the full way) and no
 * check on the text. The reader also takes `1_000` and `nan`, as parseDouble does
 * (`nan` is then refused as not a number).
 */
function nativeDoubles(
  contract: Contract,
  decision: Decision,
  names: readonly string[],
): Set<string> {
  return new Set(
    contract.columns
      .filter(
        (c) =>
          c.type === 'double' &&
          names.includes(c.name) &&
          !c.checks?.allowed &&
          !c.checks?.pattern &&
          (decision.formats?.formats.get(c.name)?.decimal ?? c.format?.decimal ?? '.') === '.',
      )
      .map((c) => c.name),
  );
}

/** Columns of the file that the contract does not have (left out, named in the manifest). */
export function ignoredColumns(contract: Contract, names: readonly string[]): string[] {
  const known = new Set(contract.columns.map((c) => c.name));
  return names.filter((n) => !known.has(n));
}

async function count(duck: DuckDb, from: string): Promise<number> {
  const [row] = await duck.all(`SELECT count(*) AS n FROM ${from}`);
  return Number(row?.['n'] ?? 0);
}

/** Whether any of `columns` holds a value twice in the Parquet written under `out`. */
async function repeatsAny(duck: DuckDb, out: string, columns: string[]): Promise<boolean> {
  const files = quoteLiteral(join(out, '**', '*.parquet'));
  for (const column of columns) {
    const c = quoteIdent(column);
    const [row] = await duck.all(
      // Distinct hashes: integers count faster than strings. Two values that share a hash
      // look like a repeat, and send the file the full way, which compares the values.
      `SELECT count(${c}) - count(DISTINCT hash(${c})) FILTER (WHERE ${c} IS NOT NULL) AS repeats FROM read_parquet(${files})`,
    );
    if (Number(row?.['repeats'] ?? 0) > 0) return true;
  }
  return false;
}
