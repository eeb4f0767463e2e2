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
 * also gives the wall time since the wrap. Bytes are counted per query, so that steps
 * sharing one engine at once (the local runner's Map) each count only their own.
 */
export function meteredEngine(engine: QueryEngine): {
  engine: QueryEngine;
  usage: () => StepUsage;
} {
  const started = performance.now();
  const withStats = engine.queryWithStats?.bind(engine);
  let queries = 0;
  let bytesScanned = 0;
  return {
    engine: {
      dialect: engine.dialect,
      query: async (sql) => {
        queries++;
        if (!withStats) return engine.query(sql);
        const result = await withStats(sql);
        bytesScanned += result.bytesScanned;
        return result.rows;
      },
    },
    usage: () => ({
      ms: Math.round(performance.now() - started),
      queries,
      bytesScanned: withStats ? bytesScanned : null,
    }),
  };
}
