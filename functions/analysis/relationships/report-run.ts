import type { SeriesDiscovery } from '#analysis/series-discovery.ts';
import { InputRejectedError } from '#platform/errors.ts';
import type { RelationshipFinding, RelationshipPair } from '#report/findings.ts';
import { benjaminiHochberg, grangerPairs, type NamedSeries, type PairsResult } from './pairs.ts';
import { NotComputableError, ols } from './ols.ts';

/**
 * The report's predictive relationships: Granger tests between the regular series of each
 * dataset (the measures of a time series; the daily totals of events), each dataset's series
 * aligned on their common dates, with Benjamini-Hochberg q-values over every pair tested in
 * the run, so the count of relationships with q below 5% is honest about how many were tried.
 */

/** The largest lag tried per spacing: two weeks of days, two months of weeks, a year of months. */
const MAX_LAG = { daily: 14, weekly: 8, monthly: 12 } as const;
/** The calendar cycle removed before testing (each phase's mean), where the data holds two. */
const PERIOD = { daily: 7, weekly: 52, monthly: 12 } as const;
/** q-values below this are listed as relationships. */
export const RELATIONSHIP_Q = 0.05;

export function relationshipFinding(discoveries: readonly SeriesDiscovery[]): {
  finding?: RelationshipFinding;
  notComputed: string[];
} {
  const notComputed: string[] = [];
  const runs: { dataset: string; frequency: string; result: PairsResult; derived: Identity[] }[] =
    [];
  for (const d of discoveries) {
    if (d.series.length < 2) continue;
    const frequency = d.series[0]!.series.frequency;
    const same = d.series.filter((s) => s.series.frequency === frequency);
    // Common dates only: a measure may start later or stop earlier than the others.
    const starts = same.map((s) => s.series.dates[0]!);
    const ends = same.map((s) => s.series.dates[s.series.dates.length - 1]!);
    const [from, to] = [starts.sort().at(-1)!, ends.sort()[0]!];
    const aligned = same.map((s) => ({
      name: s.name,
      values: s.series.values.filter(
        (_, i) => s.series.dates[i]! >= from && s.series.dates[i]! <= to,
      ),
    }));
    const constant = aligned.filter((s) => s.values.every((v) => v === s.values[0]));
    for (const c of constant)
      notComputed.push(`${d.dataset}: ${c.name} is constant (${c.values[0]}): nothing to relate`);
    const varying = aligned.filter((s) => !constant.includes(s));
    if (varying.length < 2) continue;
    const { kept, derived } = withoutIdentities(varying);
    if (kept.length < 2) {
      notComputed.push(
        `${d.dataset}: ${derived.map((x) => `${x.name} is determined by ${x.parts.join(' and ')} on the same day`).join('; ')}: no two series of its own to test`,
      );
      continue;
    }
    const n = kept[0]!.values.length;
    const period = n >= 2 * PERIOD[frequency] + 1 ? PERIOD[frequency] : undefined;
    try {
      const result = grangerPairs(kept, {
        maxLag: MAX_LAG[frequency],
        ...(period ? { seasonalPeriod: period } : {}),
      });
      runs.push({ dataset: d.dataset, frequency, result, derived });
    } catch (error) {
      if (!(error instanceof InputRejectedError)) throw error;
      notComputed.push(`${d.dataset}: ${error.message}`);
    }
  }
  if (runs.length === 0) return { notComputed };

  const tested = runs.flatMap((r) =>
    r.result.pairs.flatMap((p) => (p.tested ? [{ dataset: r.dataset, p }] : [])),
  );
  const q = benjaminiHochberg(tested.map((t) => t.p.result.pValue));
  const pairs: RelationshipPair[] = tested.map(({ dataset, p }, i) => {
    const t = p.result;
    return {
      dataset,
      cause: p.cause,
      effect: p.effect,
      lag: t.lag,
      f: t.f,
      dfNum: t.dfNum,
      dfDenom: t.dfDenom,
      pValue: t.pValue,
      qValue: q[i]!,
      partialR2: t.partialR2,
      direction: t.direction,
      strongestLag: t.strongestLag,
    };
  });
  for (const r of runs)
    for (const p of r.result.pairs)
      if (!p.tested) notComputed.push(`${r.dataset}: ${p.cause} -> ${p.effect}: ${p.reason}`);
  return {
    finding: {
      id: 'relationships',
      kind: 'relationships',
      qThreshold: RELATIONSHIP_Q,
      tested: pairs.length,
      datasets: runs.map((r) => ({
        dataset: r.dataset,
        frequency: r.frequency,
        points: r.result.points,
        maxLag: r.result.maxLag,
        seasonalPeriod: r.result.seasonalPeriod,
        identities: r.derived,
        series: r.result.series.map((s) => ({
          name: s.name,
          differenced: s.differenced,
          adfPValue: s.adf?.pValue ?? null,
          adfPValueDifferenced: s.adfDifferenced?.pValue ?? null,
          ...(s.note ? { note: s.note } : {}),
        })),
      })),
      pairs: pairs.sort((a, b) => a.qValue - b.qValue || a.pValue - b.pValue),
    },
    notComputed,
  };
}

/** Same-day R² at or above this makes a series an identity of the others (revenue = price x quantity). */
export const IDENTITY_R2 = 0.999;

/**
 * The series that are not (nearly) determined by the others on the same day. A series such
 * as revenue = price x quantity, or profit = revenue - cost, carries no information of its
 * own: every Granger test on it repeats the tests on its parts, and "profit predicts revenue"
 * is accounting, not a finding. Each series, last first, is regressed on the remaining
 * others of the same day, in levels and (when all are positive) in logs, which catches sums
 * and products; at R² of `IDENTITY_R2` or more it is left out, and said.
 */
export function withoutIdentities(series: readonly NamedSeries[]): {
  kept: NamedSeries[];
  derived: Identity[];
} {
  const kept = [...series];
  const derived: Identity[] = [];
  for (let i = kept.length - 1; i >= 0 && kept.length > 1; i--) {
    const y = kept[i]!;
    let parts = kept.filter((_, j) => j !== i);
    let r2 = sameDayFit(y, parts);
    if (r2 < IDENTITY_R2) continue;
    // The fewest parts that still determine it: drop one at a time while the fit holds.
    for (let shrinking = true; shrinking && parts.length > 1;) {
      shrinking = false;
      const options = parts
        .map((_, k) => ({ rest: parts.filter((__, j) => j !== k), fit: 0 }))
        .map((o) => ({ ...o, fit: sameDayFit(y, o.rest) }))
        .filter((o) => o.fit >= IDENTITY_R2)
        .sort((a, b) => b.fit - a.fit);
      if (options[0]) {
        parts = options[0].rest;
        r2 = options[0].fit;
        shrinking = true;
      }
    }
    derived.push({ name: y.name, parts: parts.map((p) => p.name), r2 });
    kept.splice(i, 1);
  }
  return { kept, derived };
}

/** A series determined by others on the same day. */
export interface Identity {
  name: string;
  /** The fewest of the others that determine it. */
  parts: string[];
  /** The same-day R² (in levels or logs, whichever is higher). */
  r2: number;
}

function sameDayFit(y: NamedSeries, others: readonly NamedSeries[]): number {
  return Math.max(
    sameDayR2(
      y.values,
      others.map((o) => o.values),
    ),
    logR2(y, others),
  );
}

function logR2(y: NamedSeries, others: readonly NamedSeries[]): number {
  const positive = (v: readonly number[]) => v.every((x) => x > 0);
  if (!positive(y.values) || !others.every((o) => positive(o.values))) return 0;
  return sameDayR2(
    y.values.map(Math.log),
    others.map((o) => o.values.map(Math.log)),
  );
}

/** R² of y on the columns (with a constant); 0 when not computable. */
function sameDayR2(y: readonly number[], columns: readonly (readonly number[])[]): number {
  const mean = y.reduce((a, v) => a + v, 0) / y.length;
  const total = y.reduce((a, v) => a + (v - mean) ** 2, 0);
  if (!(total > 0)) return 0;
  try {
    const fit = ols(y, [y.map(() => 1), ...columns]);
    return 1 - fit.rss / total;
  } catch (error) {
    if (error instanceof NotComputableError) return 0;
    throw error;
  }
}
