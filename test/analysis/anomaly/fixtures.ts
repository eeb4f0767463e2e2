import type { RegularSeries } from '#analysis/forecast/series.ts';

/** Deterministic noise in [-1.5, 1.5] (sum of three uniforms: bounded, roughly normal). */
export function noise(n: number, seed = 1): number[] {
  let state = seed >>> 0;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 - 0.5;
  };
  return Array.from({ length: n }, () => uniform() + uniform() + uniform());
}

export function dailyDates(start: string, n: number): string[] {
  const t0 = Date.parse(start + 'T00:00:00Z');
  return Array.from({ length: n }, (_, i) =>
    new Date(t0 + i * 86_400_000).toISOString().slice(0, 10),
  );
}

const WEEKLY = [0, 6, 3, -4, 8, -2, -11];

/** 100 + a slow trend + a weekly pattern + noise: a clean daily series. */
export function cleanDaily(n: number, seed = 1): number[] {
  const e = noise(n, seed);
  return Array.from({ length: n }, (_, i) => 100 + 0.05 * i + WEEKLY[i % 7]! + e[i]!);
}

export function series(values: number[], observed?: boolean[]): RegularSeries {
  const dates = dailyDates('2024-01-01', values.length);
  const obs = observed ?? values.map(() => true);
  return {
    id: '',
    frequency: 'daily',
    dates,
    values,
    observed: obs,
    filled: dates.filter((_, i) => !obs[i]),
    notes: [],
  };
}
