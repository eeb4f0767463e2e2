import { median } from './robust.ts';
import type { AnomalyFlag } from './types.ts';

/**
 * A simple level-shift test on the deseasonalised series: at each point t with `window`
 * points on both sides, the change of median from [t - window, t) to [t, t + window),
 * less the series' usual change over that distance (the median of these changes over all
 * t: a steady trend's drift), in units of the remainder's robust scale `scale` (the noise).
 * A change larger than
 * `threshold` noise units, where the windows' medians are also apart by more than the
 * spread of either window (so a trend's slope alone does not count), is a shift; among
 * candidates closer than `window` points only the largest is kept. The flag's value is
 * the new level, its expected value the old one.
 */
export function levelShifts(
  deseasonalised: readonly number[],
  dates: readonly string[],
  scale: number,
  options: { window: number; threshold: number },
): AnomalyFlag[] {
  const { window: k, threshold } = options;
  const n = deseasonalised.length;
  if (!(scale > 0) || n < 2 * k) return [];
  const changes: { t: number; b: number; a: number; before: number[]; after: number[] }[] = [];
  for (let t = k; t + k <= n; t++) {
    const before = deseasonalised.slice(t - k, t);
    const after = deseasonalised.slice(t, t + k);
    changes.push({ t, b: median(before), a: median(after), before, after });
  }
  const drift = median(changes.map((c) => c.a - c.b));
  const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y);
  const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
  const candidates: AnomalyFlag[] = [];
  for (const { t, b, a, before, after } of changes) {
    const score = (a - b - drift) / scale;
    if (!(Math.abs(score) > threshold)) continue;
    // Separated: the after window's quartile is beyond the before window's (drift removed).
    const [sb, sa] = [sorted(before), sorted(after).map((v) => v - drift)];
    const separated = score > 0 ? q(sa, 0.25) > q(sb, 0.75) : q(sa, 0.75) < q(sb, 0.25);
    if (!separated) continue;
    candidates.push({
      index: t,
      timestamp: dates[t]!,
      value: a,
      expected: b + drift,
      lower: b + drift - threshold * scale,
      upper: b + drift + threshold * scale,
      score,
      direction: score > 0 ? 'high' : 'low',
      method: 'level-shift',
    });
  }
  // Non-maximum suppression within a window.
  const kept: AnomalyFlag[] = [];
  for (const c of [...candidates].sort((x, y) => Math.abs(y.score) - Math.abs(x.score)))
    if (kept.every((k2) => Math.abs(k2.index - c.index) >= k)) kept.push(c);
  // The shift starts at the first point nearer the new level than the old one.
  const nearer = (i: number, c: AnomalyFlag) =>
    Math.abs(deseasonalised[i]! - c.value) < Math.abs(deseasonalised[i]! - c.expected);
  return kept
    .map((c) => {
      let t = c.index;
      while (t + 1 < n && t < c.index + k - 1 && !nearer(t, c)) t++;
      while (t - 1 > c.index - k && nearer(t - 1, c)) t--;
      return { ...c, index: t, timestamp: dates[t]! };
    })
    .sort((x, y) => x.index - y.index);
}
