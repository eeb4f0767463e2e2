import type { QueryEngine, QueryOptions } from './ports.ts';

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
      query: async (sql, options) => {
        queries++;
        if (!withStats) return engine.query(sql, options);
        const result = await withStats(sql, options);
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

/**
 * Gives every query the run's data version as its reuse scope: an engine that reuses
 * results (Athena) may then answer a run over unchanged data from the last one's results.
 */
export function scopedEngine(engine: QueryEngine, dataVersion: string): QueryEngine {
  const options: QueryOptions = { reuseScope: dataVersion };
  return {
    dialect: engine.dialect,
    query: (sql) => engine.query(sql, options),
    ...(engine.queryWithStats
      ? { queryWithStats: (sql: string) => engine.queryWithStats!(sql, options) }
      : {}),
  };
}
