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
import { smtpMailer } from './smtp-mailer.ts';

export interface LocalOptions {
  /** The lake folder (the local stand-in for the bucket). */
  lake: string;
  /** Where emails go as `.eml` files, when no `smtp` is given. @default `<lake>/../outbox` */
  outbox?: string;
  /**
   * `smtp://[user:password@]host[:port]` or `smtps://...`: emails are sent through this
   * server instead of the outbox. A malformed URL fails the runtime's start.
   */
  smtp?: string;
  recipients?: string[];
  from?: string;
  clock?: Clock;
}

export interface LocalRuntime extends Runtime {
  close(): void;
}

/** The laptop runtime: a folder for S3, DuckDB for Athena, an outbox folder (or SMTP) for SES. */
export async function localRuntime(options: LocalOptions): Promise<LocalRuntime> {
  const lake = resolve(options.lake);
  const clock = options.clock ?? systemClock;
  const from = options.from ?? 'insights@localhost';
  // Before anything is opened: a bad URL must not leave a DuckDB or a scratch folder behind.
  const mailer = options.smtp
    ? smtpMailer(options.smtp, from)
    : outboxMailer(options.outbox ?? join(lake, '..', 'outbox'), from, clock);
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
    mailer,
    recipients: options.recipients ?? ['you@localhost'],
    linkTo: async (key) => pathToFileURL(store.url(key)).href,
    duck: openDuck,
    workDir,
    close: () => {
      void duck?.then((d) => d.close());
    },
  };
}
