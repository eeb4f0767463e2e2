import type { AnomalyFlag, Incident } from './types.ts';

/**
 * Flags of one series grouped into incidents: consecutive flags (by index) at most `gap`
 * periods apart belong to the same incident (default 2: one quiet point between two odd
 * ones does not end the incident).
 */
export function groupIncidents(flags: readonly AnomalyFlag[], gap = 2): Incident[] {
  const sorted = [...flags].sort((a, b) => a.index - b.index);
  const groups: AnomalyFlag[][] = [];
  for (const flag of sorted) {
    const last = groups[groups.length - 1];
    if (last && flag.index - last[last.length - 1]!.index <= gap) last.push(flag);
    else groups.push([flag]);
  }
  return groups.map((g) => {
    const peak = g.reduce((p, f) => (Math.abs(f.score) > Math.abs(p.score) ? f : p));
    const directions = new Set(g.map((f) => f.direction));
    return {
      start: g[0]!.timestamp,
      end: g[g.length - 1]!.timestamp,
      flags: g.length,
      peak,
      direction: directions.size === 1 ? g[0]!.direction : 'mixed',
      methods: [...new Set(g.map((f) => f.method))],
    };
  });
}
