import { describe, expect, it } from 'vitest';
import { relationshipFinding, withoutIdentities } from '#analysis/relationships/report-run.ts';
import type { SeriesDiscovery } from '#analysis/series-discovery.ts';
import { deriveSeed, mulberry32 } from '#analysis/stats/random.ts';

/** A daily discovery of named series, all from 2024-01-01. */
function discovery(dataset: string, series: Record<string, number[]>): SeriesDiscovery {
  const n = Object.values(series)[0]!.length;
  const dates = Array.from({ length: n }, (_, i) =>
    new Date(Date.UTC(2024, 0, 1 + i)).toISOString().slice(0, 10),
  );
  return {
    dataset,
    timeColumn: 'day',
    refused: [],
    series: Object.entries(series).map(([name, values]) => ({
      column: name,
      aggregation: 'value',
      name,
      series: {
        id: name,
        frequency: 'daily',
        dates,
        values,
        observed: values.map(() => true),
        filled: [],
        notes: [],
      },
    })),
  };
}

/** Standard normals (Box-Muller) from their own stream: nearby seeds of mulberry32 are not independent enough. */
function normals(n: number, seed: number): number[] {
  const u = mulberry32(deriveSeed(seed, 'normals'));
  return Array.from(
    { length: n },
    () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()),
  );
}

describe('withoutIdentities', () => {
  it('leaves out a product and a difference of other series, naming the fewest parts', () => {
    const [a, b, c] = [normals(200, 1), normals(200, 2), normals(200, 3)].map((e) =>
      e.map((x) => 100 + 10 * x),
    );
    const product = a!.map((x, i) => x * b![i]!);
    // A cost of the same order as revenue, so that profit needs both.
    const cost = c!.map((x) => 50 * x);
    const margin = product.map((x, i) => x - cost[i]!);
    const { kept, derived } = withoutIdentities([
      { name: 'price', values: a! },
      { name: 'units', values: b! },
      { name: 'cost', values: cost },
      { name: 'revenue', values: product },
      { name: 'profit', values: margin },
    ]);
    expect(kept.map((s) => s.name)).toEqual(['price', 'units', 'cost']);
    expect(derived.map((d) => [d.name, [...d.parts].sort()])).toEqual([
      ['profit', ['cost', 'revenue']],
      ['revenue', ['price', 'units']],
    ]);
  });
});

describe('relationshipFinding', () => {
  it('finds a planted lead, not the unrelated pair, with q-values over every pair of every dataset', () => {
    const n = 400;
    const x = normals(n, 21);
    const noise = normals(n, 22);
    // y follows x two days later; z is unrelated to both.
    const y = x.map((_, t) => (t >= 2 ? 0.8 * x[t - 2]! : 0) + 0.5 * noise[t]!);
    const z = normals(n, 23);
    const other = discovery('other', { u: normals(n, 24), v: normals(n, 25) });
    const { finding } = relationshipFinding([discovery('shop', { x, y, z }), other]);
    expect(finding!.tested).toBe(6 + 2);
    const listed = finding!.pairs.filter((p) => p.qValue < finding!.qThreshold);
    expect(listed.map((p) => `${p.dataset}: ${p.cause} -> ${p.effect}`)).toEqual(['shop: x -> y']);
    expect(listed[0]).toMatchObject({ lag: 2, direction: 'positive' });
    // q >= p, and q is over all 8 pairs: at most 8 times p.
    for (const p of finding!.pairs) {
      expect(p.qValue).toBeGreaterThanOrEqual(p.pValue);
      expect(p.qValue).toBeLessThanOrEqual(Math.min(1, 8 * p.pValue) + 1e-15);
    }
  });
});

describe('the lag choice keeps the test honest', () => {
  it('rejects about 5% of independent pairs at 5% (the VAR order by AIC, not the best fit of x)', () => {
    let rejected = 0;
    let tested = 0;
    for (let s = 0; s < 60; s++) {
      const { finding } = relationshipFinding([
        discovery('pair', { a: normals(300, 1000 + 2 * s), b: normals(300, 1001 + 2 * s) }),
      ]);
      for (const p of finding!.pairs) {
        tested += 1;
        if (p.pValue < 0.05) rejected += 1;
      }
    }
    // 120 tests of size 5%: 6 expected; choosing the lag where x fits best gave about 19.
    expect(tested).toBe(120);
    expect(rejected).toBeLessThanOrEqual(12);
  });
});
