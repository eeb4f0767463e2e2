import type { DuckDb } from './ports.ts';
import type { BlobStore, Catalog, Clock, Mailer, QueryEngine } from './ports.ts';

/**
 * Everything a handler may need, built once per cold start (AWS) or per process (local).
 * Handlers take what they use from it and pass it to the domain.
 */
export interface Runtime {
  store: BlobStore;
  catalog: Catalog;
  engine: QueryEngine;
  clock: Clock;
  mailer: Mailer;
  recipients: string[];
  linkTo: (key: string) => Promise<string>;
  /** The embedded engine for ingest (both runtimes). Opened on first use: it costs ~100 ms. */
  duck: () => Promise<DuckDb>;
  /** Scratch folder for files the engine reads and writes (`/tmp` in Lambda). */
  workDir: string;
  /** Starts a report run after ingest, where the runtime does that by itself (AWS). */
  startRun?: (trigger: string) => Promise<string>;
}

export const systemClock: Clock = { now: () => new Date() };
