import type { DuckDb } from '#platform/ports.ts';
import { quoteIdent } from '#query/sql.ts';
import type { BlobStore, Manifest } from '#platform/ports.ts';
import type { RejectedSample } from './write-quarantine.ts';
import { lakeKeys } from './lake-keys.ts';
import type { UnreadableRecord } from './read-source.ts';

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
    (x, y) =>
      y.rows - x.rows || x.column.localeCompare(y.column) || x.reason.localeCompare(y.reason),
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

/** What the manifest says about one file's rows, and its first rejections. */
export interface Outcome {
  counts: Omit<
    Manifest,
    'dataset' | 'sourceId' | 'sourceKey' | 'sourceEtag' | 'checksum' | 'ingestedAt'
  >;
  sample: RejectedSample[];
}

/** The file being ingested: where it goes, and names for its scratch tables. */
export interface FileContext {
  key: string;
  dataset: string;
  sourceId: string;
  /** Local scratch folder of this ingest. */
  dir: string;
  /** The `snapshot=` partition of entity rows. */
  snapshotDate: string;
  /** A name for a DuckDB table of this ingest (dropped at the end). */
  table: (what: string) => string;
}
