import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { ingestObject, type IngestResult } from '#ingest/ingest.ts';
import { assertIdentifier, toIdentifier } from '#platform/identifiers.ts';
import type { Runtime } from '#platform/runtime.ts';
import type { Progress } from './progress.ts';

/**
 * The dataset a local file belongs to: its name without extensions (`sales.csv.gz` ->
 * `sales`), or its folder's name when the file name is only a date or a number
 * (`sales/2024-01.csv` -> `sales`).
 */
export function datasetForFile(path: string): string {
  const name = toIdentifier(basename(path).replace(/(\.[a-z0-9]+)+$/i, ''));
  if (/^_?[0-9_]*$/.test(name)) return toIdentifier(basename(dirname(resolve(path))));
  return name;
}

export interface FileOutcome {
  file: string;
  result?: IngestResult;
  error?: string;
}

/**
 * Local `insights ingest`: each file is copied into the lake under `incoming/<dataset>/`
 * (the local stand-in for an upload to the bucket) and ingested from there.
 */
export async function ingestFiles(
  runtime: Runtime,
  files: string[],
  options: { dataset?: string },
  progress: Progress,
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  for (const file of files) {
    try {
      const dataset = assertIdentifier(options.dataset ?? datasetForFile(file), 'Dataset');
      const key = `incoming/${dataset}/${basename(file)}`;
      await runtime.store.put(key, await readFile(file));
      const duck = await runtime.duck();
      const result = await ingestObject(
        {
          store: runtime.store,
          catalog: runtime.catalog,
          duck,
          clock: runtime.clock,
          workDir: runtime.workDir,
        },
        { key, dataset },
      );
      const m = result.manifest;
      progress.info(
        `${file} -> ${dataset}: ${m.rowsRead} rows read, ${m.rowsCurated} curated, ${m.rowsQuarantined} quarantined`,
      );
      const quarantine = runtime.store.url(`quarantine/${dataset}/`);
      if (m.fileError) {
        // One reason for the whole file: say it once, not once per row.
        progress.error(
          `${file}: ${m.fileError}${m.rowsQuarantined ? ` (all ${m.rowsQuarantined} rows kept in ${quarantine})` : ''}`,
        );
      } else {
        for (const r of result.rejectedSample.slice(0, 5)) {
          progress.warn(`${file}, line ${r.line}, column ${r.column}: ${r.reason}`);
        }
        if (m.rowsQuarantined > 5) {
          progress.warn(
            `${file}: ${m.rowsQuarantined - 5} more rows quarantined, see ${quarantine}`,
          );
        }
      }
      outcomes.push({ file, result });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      progress.error(`${file}: ${message}`);
      outcomes.push({ file, error: message });
    }
  }
  return outcomes;
}
