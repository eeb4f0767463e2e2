import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { lakeKeys } from '#ingest/lake-keys.ts';
import { toCsv, type CsvOptions, type CsvValue } from '#platform/csv-export.ts';
import { InputRejectedError, NotFoundError } from '#platform/errors.ts';
import { assertIdentifier } from '#platform/identifiers.ts';
import { fsBlobStore } from '#platform/local/fs-blob-store.ts';
import type { BlobStore, Manifest } from '#platform/ports.ts';
import { writeResult } from './output.ts';
import { consoleProgress, type Progress } from './progress.ts';

/** One line of `quarantine/<dataset>/<source-id>.jsonl`, as ingest writes it. */
interface QuarantinedRow {
  line: number;
  /** The row's values as the file has them (empty is null); null when it could not be split. */
  values: Record<string, string | null> | null;
  /** The record's text, when it could not be split into fields. */
  raw?: string | null;
  reasons: { column: string; reason: string }[];
}

export interface QuarantineExport {
  csv: string;
  /** Quarantined rows exported (the CSV's records after the header). */
  rows: number;
  /** Source files they come from. */
  files: number;
}

/** The columns before and after the file's own. Not identifiers, so no file column clashes. */
const LEADING = ['File', 'Line', 'Column', 'Reason'];
const TRAILING = ['Raw record', 'File problem'];

/**
 * A dataset's quarantined rows as CSV, for a person to fix in a spreadsheet: one record per
 * quarantined row, ordered by source file and line: `File` (the lake key of the upload),
 * `Line`, `Column` and `Reason` (several joined with `; `), then the row's values under the
 * file's own column names (the union over the files, in order of first appearance), then
 * `Raw record` (the text of a record that could not be split into fields) and `File problem`
 * (the reason the whole file was refused, when it was). Cells are neutralised against
 * formula injection (`csv-export.ts`): a value like `=1+1` is exported as `'=1+1`.
 *
 * Only current versions count: files whose manifest is in the lake (a manifest is written
 * last, and a replaced version's is removed). Everything is read into memory; a spreadsheet
 * holds about a million rows anyway.
 */
export async function quarantineCsv(
  store: BlobStore,
  dataset: string,
  options: CsvOptions = {},
): Promise<QuarantineExport> {
  assertIdentifier(dataset, 'Dataset');
  const manifests = await manifestsOf(store, dataset);
  if (manifests.length === 0) {
    const known = await datasetsOf(store);
    throw new NotFoundError(
      `The lake ${store.url('')} has no dataset ${dataset} (${known.length ? `datasets: ${known.join(', ')}` : 'it holds no dataset yet'})`,
    );
  }
  const quarantined = manifests
    .filter((m) => m.rowsQuarantined > 0)
    .sort((a, b) => compare(a.sourceKey, b.sourceKey) || compare(a.sourceId, b.sourceId));

  const names: string[] = [];
  const seen = new Set<string>();
  const records: { manifest: Manifest; row: QuarantinedRow }[] = [];
  for (const manifest of quarantined) {
    const rows = await quarantineOf(store, manifest);
    for (const row of rows.sort((a, b) => a.line - b.line)) {
      for (const name of Object.keys(row.values ?? {})) {
        if (!seen.has(name)) names.push(name);
        seen.add(name);
      }
      records.push({ manifest, row });
    }
  }
  const table = records.map(({ manifest, row }): CsvValue[] => [
    manifest.sourceKey,
    row.line,
    row.reasons.map((r) => r.column).join('; '),
    row.reasons.map((r) => r.reason).join('; '),
    ...names.map((name) => row.values?.[name] ?? null),
    row.raw ?? null,
    manifest.fileError ?? null,
  ]);
  return {
    csv: toCsv([...LEADING, ...names, ...TRAILING], table, options),
    rows: records.length,
    files: quarantined.length,
  };
}

/**
 * `insights quarantine --lake DIR --dataset NAME [--out FILE]`: the CSV to FILE (with a
 * byte order mark, for Excel) or to stdout (without); what was written, or why not, on
 * stderr. Exit code 1 when the lake or the dataset is not there, or FILE cannot be written.
 */
export async function quarantineCommand(
  options: { lake: string; dataset: string; out?: string },
  io: { stdout: NodeJS.WritableStream; progress: Progress } = {
    stdout: process.stdout,
    progress: consoleProgress(),
  },
): Promise<number> {
  const lake = resolve(options.lake);
  try {
    if (!(await isFolder(lake))) throw new NotFoundError(`No lake folder at ${lake}`);
    const exported = await quarantineCsv(fsBlobStore(lake), options.dataset, {
      bom: options.out !== undefined,
    });
    const what =
      exported.rows === 0
        ? `${options.dataset} has no quarantined rows`
        : `${exported.rows} quarantined row(s) of ${options.dataset} from ${exported.files} file(s)`;
    return (await writeResult(exported.csv, options.out, what, io)) ? 0 : 1;
  } catch (error) {
    if (!(error instanceof NotFoundError || error instanceof InputRejectedError)) throw error;
    io.progress.error(error.message);
    return 1;
  }
}

async function manifestsOf(store: BlobStore, dataset: string): Promise<Manifest[]> {
  const objects = await store.list(`manifests/${dataset}/`);
  return Promise.all(
    objects
      .filter((o) => o.key.endsWith('.json'))
      .map(async (o) => JSON.parse(await store.getText(o.key)) as Manifest),
  );
}

async function quarantineOf(store: BlobStore, manifest: Manifest): Promise<QuarantinedRow[]> {
  const text = await store.getText(lakeKeys.quarantine(manifest.dataset, manifest.sourceId));
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as QuarantinedRow);
}

async function datasetsOf(store: BlobStore): Promise<string[]> {
  const datasets = new Set<string>();
  for (const o of await store.list('manifests/')) {
    const dataset = /^manifests\/([^/]+)\//.exec(o.key)?.[1];
    if (dataset) datasets.add(dataset);
  }
  return [...datasets].sort();
}

async function isFolder(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
