import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDuckDb } from '../duckdb/duckdb.ts';
import type { DuckDb } from '../ports.ts';
import { lakeCatalog } from '../lake-catalog.ts';
import type { Clock } from '../ports.ts';
import { systemClock, type Runtime } from '../runtime.ts';
import { duckDbQueryEngine } from './duckdb-query-engine.ts';
import { fsBlobStore } from './fs-blob-store.ts';
import { outboxMailer } from './outbox-mailer.ts';

export interface LocalOptions {
  /** The lake folder (the local stand-in for the bucket). */
  lake: string;
  /** Where emails go as `.eml` files. @default `<lake>/../outbox` */
  outbox?: string;
  recipients?: string[];
  from?: string;
  clock?: Clock;
}

export interface LocalRuntime extends Runtime {
  close(): void;
}

/** The laptop runtime: a folder for S3, DuckDB for Athena, an outbox folder for SES. */
export async function localRuntime(options: LocalOptions): Promise<LocalRuntime> {
  const lake = resolve(options.lake);
  const clock = options.clock ?? systemClock;
  const store = fsBlobStore(lake);
  const catalog = lakeCatalog(store);
  const workDir = await mkdtemp(join(tmpdir(), 'insights-'));
  let duck: Promise<DuckDb> | undefined;
  const openDuck = () => (duck ??= openDuckDb({ tempDirectory: join(workDir, 'duckdb') }));
  // Views are made per query engine; a new engine per run sees datasets ingested since.
  const engineDuck = await openDuck();
  return {
    store,
    catalog,
    engine: duckDbQueryEngine(engineDuck, lake, catalog),
    clock,
    mailer: outboxMailer(
      options.outbox ?? join(lake, '..', 'outbox'),
      options.from ?? 'insights@localhost',
      clock,
    ),
    recipients: options.recipients ?? ['you@localhost'],
    linkTo: async (key) => pathToFileURL(store.url(key)).href,
    duck: openDuck,
    workDir,
    close: () => {
      void duck?.then((d) => d.close());
    },
  };
}
