import type { QueryEngine } from './ports.ts';

/** What one step of a run used: its wall time, its queries and, where measured, bytes scanned. */
export interface StepUsage {
  ms: number;
  queries: number;
  /** Null where the engine does not report it (the local DuckDB). */
  bytesScanned: number | null;
}

/**
 * Wraps an engine to count the queries of one step and the bytes they scanned; `usage()`
 * also gives the wall time since the wrap. The engine may be shared by invocations (a warm
 * Lambda), so bytes are the difference of its counter, not the counter.
 */
export function meteredEngine(engine: QueryEngine): {
  engine: QueryEngine;
  usage: () => StepUsage;
} {
  const started = performance.now();
  const before = engine.bytesScanned?.();
  let queries = 0;
  return {
    engine: {
      dialect: engine.dialect,
      query: (sql) => {
        queries++;
        return engine.query(sql);
      },
    },
    usage: () => ({
      ms: Math.round(performance.now() - started),
      queries,
      bytesScanned:
        before === undefined || !engine.bytesScanned ? null : engine.bytesScanned() - before,
    }),
  };
}
