import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { datasetFromKey, ingestObject, type IngestResult } from '#ingest/ingest.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { assertIdentifier } from '#platform/identifiers.ts';
import type { Runtime } from '#platform/runtime.ts';
import type { Progress } from './progress.ts';

export interface FileOutcome {
  file: string;
  result?: IngestResult;
  error?: string;
}

export interface IngestFilesOptions {
  dataset?: string;
  /** Let a file replace a different one already ingested under the same name. */
  replace?: boolean;
}

/**
 * Local `insights ingest`: each file is copied into the lake under `incoming/<dataset>/`
 * (the local stand-in for an upload to the bucket) and ingested from there. A different
 * file of the same name is refused unless `replace` is set: it would be a new version of
 * that object, whose rows replace the old file's.
 */
export async function ingestFiles(
  runtime: Runtime,
  files: string[],
  options: IngestFilesOptions,
  progress: Progress,
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  for (const file of files) {
    try {
      const dataset = assertIdentifier(options.dataset ?? datasetFromKey(resolve(file)), 'Dataset');
      const key = `incoming/${dataset}/${basename(file)}`;
      const bytes = await readFile(file);
      const existing = await runtime.store.head(key);
      if (existing && existing.etag !== md5(bytes) && !options.replace) {
        throw new InputRejectedError(
          `${runtime.store.url(key)} already holds a different file of this name. Rename the file to add it, or pass --replace to ingest it as a new version (its rows then replace the old file's)`,
          { file },
        );
      }
      await runtime.store.put(key, bytes);
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

/** The local lake's ETag: the MD5 of the bytes, as for a single-part S3 upload. */
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
