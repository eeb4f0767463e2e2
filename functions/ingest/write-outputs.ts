import { open } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDb } from '#platform/duckdb/duckdb.ts';
import { quoteIdent, quoteLiteral } from '#platform/duckdb/duckdb.ts';
import { ConfigError } from '#platform/errors.ts';
import type { BlobStore, Contract, Manifest } from '#platform/ports.ts';
import type { LineMap } from './line-numbers.ts';
import type { UnreadableRecord } from './read-source.ts';
import { MISSING_COLUMN, REQUIRED_EMPTY } from './validate.ts';

export interface RejectedSample {
  line: number;
  column: string;
  value: string | null;
  reason: string;
}

/** The lake keys of a source file's outputs. */
export const lakeKeys = {
  curated: (dataset: string, partition: string, sourceId: string) =>
    `curated/${dataset}/${partition}/${sourceId}.parquet`,
  quarantine: (dataset: string, sourceId: string) => `quarantine/${dataset}/${sourceId}.jsonl`,
  manifest: (dataset: string, sourceId: string) => `manifests/${dataset}/${sourceId}.json`,
};

export interface OutputTarget {
  duck: DuckDb;
  store: BlobStore;
  dataset: string;
  sourceId: string;
  /** Local folder for the files before they are uploaded. */
  dir: string;
}

/**
 * The good rows as Parquet, one file per partition: `month=YYYY-MM` of the time column
 * (events, time series) or `snapshot=YYYY-MM-DD` of the ingest date (entities). The
 * partition value lives only in the folder name, so `read_parquet(..., hive_partitioning =
 * true)` sees each column once.
 *
 * One COPY per partition, rows in file order, rather than one COPY with PARTITION_BY:
 * PARTITION_BY writes rows in whatever order its threads deliver them, so the same input
 * gave different bytes from run to run (4 different outputs in 6 runs, 300k rows), and a
 * re-delivered file must rewrite identical objects.
 */
export async function writeCurated(
  target: OutputTarget,
  contract: Contract,
  checked: string,
  curatedTable: string,
  snapshotDate: string,
): Promise<{ partitions: string[]; rows: number }> {
  const { duck, store, dataset, sourceId, dir } = target;
  const partition = partitionExpression(contract, snapshotDate);
  const columns = contract.columns.map((c) => quoteIdent(c.name)).join(', ');
  await duck.run(
    `CREATE TABLE ${quoteIdent(curatedTable)} AS
     SELECT ${partition} AS __partition, __ord, ${columns} FROM ${quoteIdent(checked)}
     WHERE len(__problems) = 0 ORDER BY __partition, __ord`,
  );
  const parts = await duck.all(
    `SELECT __partition AS p, count(*) AS n FROM ${quoteIdent(curatedTable)} GROUP BY ALL ORDER BY p`,
  );
  const partitions: string[] = [];
  let rows = 0;
  for (const [i, part] of parts.entries()) {
    const name = String(part['p']);
    const local = join(dir, `curated-${i}.parquet`);
    await duck.run(
      `COPY (SELECT ${columns} FROM ${quoteIdent(curatedTable)} WHERE __partition = ${quoteLiteral(name)} ORDER BY __ord)
       TO ${quoteLiteral(local)} (FORMAT parquet)`,
    );
    await store.upload(local, lakeKeys.curated(dataset, name, sourceId), 'application/vnd.apache.parquet');
    partitions.push(name);
    rows += Number(part['n']);
  }
  return { partitions, rows };
}

function partitionExpression(contract: Contract, snapshotDate: string): string {
  if (contract.partition === 'snapshot') return quoteLiteral(`snapshot=${snapshotDate}`);
  if (!contract.timeColumn || !contract.columns.some((c) => c.name === contract.timeColumn)) {
    throw new ConfigError(
      `The contract of ${contract.dataset} partitions by month but names no time column among its columns`,
    );
  }
  return `'month=' || strftime(${quoteIdent(contract.timeColumn)}, '%Y-%m')`;
}

export interface QuarantineInput {
  /** The checked table (`__ord`, `__problems`) and the source table it came from. */
  checked: string;
  source: string;
  /** Keys for the source's values in the JSON (its column names). */
  names: readonly string[];
  unreadable: readonly UnreadableRecord[];
  lines: () => Promise<LineMap>;
}

export interface QuarantineResult {
  rows: number;
  sample: RejectedSample[];
}

interface QuarantineRow {
  line: number;
  values: Record<string, string | null> | null;
  raw?: string | null;
  reasons: { column: string; reason: string }[];
}

const PAGE = 10_000;
const SAMPLE = 20;

/**
 * Each rejected row as one JSON line, in line order: `{ line, values, reasons }`, the values
 * as the file has them (text; empty is null); a record that could not be split into fields
 * has `values: null` and its text in `raw`. Only rejected rows pass through JavaScript, a
 * page at a time.
 */
export async function writeQuarantine(
  target: OutputTarget,
  input: QuarantineInput,
): Promise<QuarantineResult> {
  const { duck, store, dataset, sourceId, dir } = target;
  const [{ n }] = (await duck.all(
    `SELECT count(*) AS n FROM ${quoteIdent(input.checked)} WHERE len(__problems) > 0`,
  )) as [{ n: number }];
  const total = n + input.unreadable.length;
  if (total === 0) return { rows: 0, sample: [] };

  const lines = await input.lines();
  const unreadable = input.unreadable.map(
    (u): QuarantineRow => ({
      line: lines.lineOfReaderLine(u.readerLine),
      values: null,
      raw: u.raw,
      reasons: [{ column: u.column, reason: u.reason }],
    }),
  );
  const local = join(dir, 'quarantine.jsonl');
  const file = await open(local, 'w');
  const sample: RejectedSample[] = [];
  const emit = async (rows: QuarantineRow[]) => {
    for (const row of rows) {
      for (const r of row.reasons) {
        if (sample.length < SAMPLE) {
          const value = row.values === null ? (row.raw ?? null) : (row.values[r.column] ?? null);
          sample.push({ line: row.line, column: r.column, value, reason: r.reason });
        }
      }
    }
    if (rows.length > 0) await file.write(rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  };
  try {
    const raw = input.names.map((_, i) => `s.${quoteIdent(`c${i}`)}`).join(', ');
    let after = -1;
    let u = 0;
    for (;;) {
      const page = await duck.all(
        `SELECT q.__ord AS __ord, CAST(to_json(q.__problems) AS VARCHAR) AS __problems, ${raw}
           FROM ${quoteIdent(input.checked)} q JOIN ${quoteIdent(input.source)} s ON s.rowid = q.__ord
          WHERE len(q.__problems) > 0 AND q.__ord > ${after} ORDER BY q.__ord LIMIT ${PAGE}`,
      );
      const rows = page.map((r) => rowOf(r, input.names, lines));
      const last = rows.at(-1)?.line ?? Number.POSITIVE_INFINITY;
      const before: QuarantineRow[] = [];
      while (u < unreadable.length && unreadable[u]!.line < last) before.push(unreadable[u++]!);
      await emit(mergeByLine(before, rows));
      if (page.length < PAGE) break;
      after = Number(page.at(-1)!['__ord']);
    }
    await emit(unreadable.slice(u));
  } finally {
    await file.close();
  }
  await store.upload(local, lakeKeys.quarantine(dataset, sourceId), 'application/x-ndjson');
  return { rows: total, sample };
}

function rowOf(
  r: Record<string, unknown>,
  names: readonly string[],
  lines: LineMap,
): QuarantineRow {
  const values: Record<string, string | null> = {};
  names.forEach((name, i) => {
    const v = r[`c${i}`];
    values[name] = v === null || v === undefined ? null : String(v);
  });
  const problems = JSON.parse(String(r['__problems'])) as { column: string; kind: string }[];
  return {
    line: lines.lineOfRecord(Number(r['__ord'])),
    values,
    reasons: problems.map((p) => ({ column: p.column, reason: describe(p.kind, values[p.column]) })),
  };
}

/** `not a number: "n/a"`; reasons about absence or the whole file carry no value. */
function describe(kind: string, value: string | null | undefined): string {
  if (kind === REQUIRED_EMPTY || kind === MISSING_COLUMN || value === null || value === undefined) {
    return kind;
  }
  return `${kind}: ${JSON.stringify(value)}`;
}

function mergeByLine(a: QuarantineRow[], b: QuarantineRow[]): QuarantineRow[] {
  if (a.length === 0) return b;
  return [...a, ...b].sort((x, y) => x.line - y.line);
}

/** Rejections by column and reason (the reason without the value, so that they add up). */
export async function countRejections(
  duck: DuckDb,
  checked: string,
  unreadable: readonly UnreadableRecord[],
): Promise<Manifest['rejections']> {
  const counted = await duck.all(
    `SELECT p['column'] AS "column", p['kind'] AS reason, count(*) AS "rows"
       FROM (SELECT unnest(__problems) AS p FROM ${quoteIdent(checked)}) GROUP BY ALL`,
  );
  const all = new Map<string, { column: string; reason: string; rows: number }>();
  for (const r of counted) {
    const column = String(r['column']);
    const reason = String(r['reason']);
    all.set(`${column}\0${reason}`, { column, reason, rows: Number(r['rows']) });
  }
  for (const u of unreadable) {
    const id = `${u.column}\0${u.kind}`;
    const entry = all.get(id) ?? { column: u.column, reason: u.kind, rows: 0 };
    entry.rows += 1;
    all.set(id, entry);
  }
  return [...all.values()].sort(
    (x, y) => y.rows - x.rows || x.column.localeCompare(y.column) || x.reason.localeCompare(y.reason),
  );
}

/** The manifest, written last: its presence says that the outputs it lists are complete. */
export async function writeManifest(store: BlobStore, manifest: Manifest): Promise<void> {
  await store.put(
    lakeKeys.manifest(manifest.dataset, manifest.sourceId),
    `${JSON.stringify(manifest, null, 2)}\n`,
    'application/json',
  );
}
