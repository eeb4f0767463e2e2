import { describe, expect, it } from 'vitest';
import { meteredEngine } from '#platform/metered-engine.ts';
import { estimateCost, UNIT_PRICES } from '#report/cost.ts';

describe('the cost estimate of a run', () => {
  it('prices measured step times at their memory, bytes with the 10 MB minimum per query, and transitions', () => {
    const cost = estimateCost([
      { step: 'aggregate', ms: 2000, queries: 3, bytesScanned: 50 * 1024 * 1024 },
      { step: 'analyze', analysisId: 'a', ms: 1000, queries: 1, bytesScanned: 0 },
      { step: 'analyze', analysisId: 'b', ms: 500, queries: 0, bytesScanned: 0 },
      { step: 'assemble', ms: 100, queries: 0, bytesScanned: 0 },
    ]);
    const by = Object.fromEntries(cost.items.map((i) => [i.item, i]));
    // 2 s at 1 GB + 1.5 s at 2 GB + 0.1 s at 1 GB.
    expect(by['Lambda duration']!.quantity).toBeCloseTo(2 + 3 + 0.1, 10);
    // Four steps, plus Plan and Notify.
    expect(by['Lambda requests']!.quantity).toBe(6);
    // 50 MB scanned over 4 queries is more than the 40 MB minimum.
    expect(by['Athena scanned']!.quantity).toBe(50 * 1024 * 1024);
    // Plan, Aggregate, Map, Assemble, Notify and one Analyze per analysis.
    expect(by['Step Functions']!.quantity).toBe(7);
    expect(cost.total).toBeCloseTo(
      5.1 * UNIT_PRICES.lambdaGbSecond +
        6 * UNIT_PRICES.lambdaRequest +
        50 * 1024 * 1024 * UNIT_PRICES.athenaByte +
        7 * UNIT_PRICES.stateTransition,
      12,
    );
    expect(cost.basis[1]).toBe(
      'Athena: 4 queries scanned 52428800 bytes, each billed at least 10 MB.',
    );
  });

  it('bounds Athena from below by the minimum when the engine reports no bytes', () => {
    const cost = estimateCost([{ step: 'aggregate', ms: 10, queries: 5, bytesScanned: null }]);
    expect(cost.items.find((i) => i.item === 'Athena scanned')!.quantity).toBe(
      5 * UNIT_PRICES.athenaMinimumBytes,
    );
    expect(cost.basis[1]).toContain('a lower bound');
  });
});

describe('meteredEngine', () => {
  it('counts the queries of a step and their bytes, even when another step shares the engine', async () => {
    const engine = {
      dialect: 'trino' as const,
      query: async () => [{ x: 1 }],
      queryWithStats: async (sql: string) => ({ rows: [{ x: 1 }], bytesScanned: sql.length }),
    };
    const one = meteredEngine(engine);
    const other = meteredEngine(engine);
    await Promise.all([
      one.engine.query('SELECT 1'),
      other.engine.query('SELECT 100'),
      one.engine.query('SELECT 22'),
    ]);
    expect(one.usage()).toMatchObject({ queries: 2, bytesScanned: 8 + 9 });
    expect(other.usage()).toMatchObject({ queries: 1, bytesScanned: 10 });
  });

  it('says bytes were not measured when the engine does not report them', async () => {
    const metered = meteredEngine({ dialect: 'duckdb', query: async () => [] });
    await metered.engine.query('SELECT 1');
    expect(metered.usage()).toMatchObject({ queries: 1, bytesScanned: null });
  });
});
