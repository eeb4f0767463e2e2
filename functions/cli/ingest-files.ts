import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { datasetFromKey, ingestObject, type IngestResult } from '#ingest/ingest.ts';
import { lakeKeys } from '#ingest/lake-keys.ts';
import { sourceIdOf } from '#ingest/source-id.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { assertDatasetName } from '#platform/identifiers.ts';
import type { Runtime } from '#platform/runtime.ts';
import { etagHash } from '#platform/local/fs-blob-store.ts';
import type { Progress } from './progress.ts';

export interface FileOutcome {
  file: string;
  result?: IngestResult;
  error?: string;
  /** Skipped: these very bytes were ingested before under the same key (`skipUnchanged`). */
  unchanged?: boolean;
}

export interface IngestFilesOptions {
  dataset?: string;
  /** Let a file replace a different one already ingested under the same name. */
  replace?: boolean;
}

export interface IngestFileOptions extends IngestFilesOptions {
  /** Path below `incoming/<dataset>/` in the lake. @default the file's name */
  name?: string;
  /** Do nothing when the lake already holds and has ingested these very bytes under the key. */
  skipUnchanged?: boolean;
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
  for (const file of files) outcomes.push(await ingestFile(runtime, file, options, progress));
  return outcomes;
}

/** One file of `ingestFiles`; `insights watch` calls it per file with a dataset and a name. */
export async function ingestFile(
  runtime: Runtime,
  file: string,
  options: IngestFileOptions,
  progress: Progress,
): Promise<FileOutcome> {
  try {
    const dataset = assertDatasetName(options.dataset ?? datasetFromKey(resolve(file)));
    const key = `incoming/${dataset}/${options.name ?? basename(file)}`;
    const copy = await snapshot(file, runtime.workDir);
    try {
      const existing = await runtime.store.head(key);
      if (existing && existing.etag !== copy.etag && !options.replace) {
        throw new InputRejectedError(
          `${runtime.store.url(key)} already holds a different file of this name. Rename the file to add it, or pass --replace to ingest it as a new version (its rows then replace the old file's)`,
          { file },
        );
      }
      if (
        options.skipUnchanged &&
        existing?.etag === copy.etag &&
        (await runtime.store.head(lakeKeys.manifest(dataset, sourceIdOf(key, copy.etag))))
      ) {
        progress.info(`${file} -> ${dataset}: unchanged (these bytes were ingested before)`);
        return { file, unchanged: true };
      }
      await runtime.store.upload(copy.path, key);
    } finally {
      await rm(copy.path, { force: true });
    }
    const result = await ingestObject(
      {
        store: runtime.store,
        catalog: runtime.catalog,
        duck: await runtime.duck(),
        clock: runtime.clock,
        workDir: runtime.workDir,
      },
      { key, dataset },
    );
    report(runtime, file, dataset, result, progress);
    return { file, result };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    progress.error(`${file}: ${message}`);
    return { file, error: message };
  }
}

/** The counts, and the file's error or its first few quarantined rows. */
function report(
  runtime: Runtime,
  file: string,
  dataset: string,
  result: IngestResult,
  progress: Progress,
): void {
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
    return;
  }
  for (const r of result.rejectedSample.slice(0, 5)) {
    progress.warn(`${file}, line ${r.line}, column ${r.column}: ${r.reason}`);
  }
  if (m.rowsQuarantined > 5) {
    progress.warn(`${file}: ${m.rowsQuarantined - 5} more rows quarantined, see ${quarantine}`);
  }
}

/**
 * Copies the file to the scratch folder, hashing as it streams, so that a large file never
 * sits in memory and the hash is of exactly the bytes stored, even if the file is written
 * to meanwhile. The hash is the local lake's ETag (fs-blob-store.ts).
 */
async function snapshot(file: string, workDir: string): Promise<{ path: string; etag: string }> {
  await mkdir(workDir, { recursive: true });
  const path = join(workDir, `upload-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const hash = etagHash();
  try {
    await pipeline(
      createReadStream(file),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          hash.update(chunk);
          yield chunk;
        }
      },
      createWriteStream(path),
    );
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
  return { path, etag: hash.digest('hex') };
}
