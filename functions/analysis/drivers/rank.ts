import type { Contribution, Decomposition } from './decompose.ts';

/**
 * Which dimensions explain a change, after Adtributor (Bhagwan et al., "Adtributor:
 * Revenue Debugging in Advertising Systems", NSDI 2014): in each dimension, take the values
 * that moved most against expectation (surprise: how far a value's share of the measure
 * moved, in Jensen-Shannon terms) and that each carry a real part of the change (at least
 * MIN_VALUE_SHARE), until together they carry EXPLAINED_SHARE of it. A dimension that gets
 * there with few values explains the change succinctly; those come first, most surprising
 * first, then the rest by how much of the change they carry.
 */
export const EXPLAINED_SHARE = 0.67;
export const MIN_VALUE_SHARE = 0.1;
/**
 * A driver carries more of the change than of the reference total, by at least this much:
 * a value that only moved with everything else (a quarter of the sales, a quarter of the
 * drop) explains nothing.
 */
export const MIN_EXCESS_SHARE = 0.05;
/** Values a dimension's explanation names at most. */
export const MAX_DRIVERS = 3;

export interface DimensionDrivers {
  dimension: string;
  decomposition: Decomposition;
  /** The values that explain the change, largest part first. */
  drivers: Contribution[];
  /** Σ share of the drivers: how much of the total change they carry. */
  explainedShare: number;
  /** Σ surprise of the drivers. */
  surprise: number;
  /** The drivers reach EXPLAINED_SHARE with at most MAX_DRIVERS values. */
  succinct: boolean;
}

export function rankDimensions(decompositions: readonly Decomposition[]): DimensionDrivers[] {
  const ranked = decompositions.map(driversOf);
  return ranked.sort(
    (a, b) =>
      Number(b.succinct) - Number(a.succinct) ||
      (a.succinct ? b.surprise - a.surprise : 0) ||
      b.explainedShare - a.explainedShare ||
      a.dimension.localeCompare(b.dimension),
  );
}

function driversOf(d: Decomposition): DimensionDrivers {
  const none = {
    dimension: d.dimension,
    decomposition: d,
    drivers: [],
    explainedShare: 0,
    surprise: 0,
    succinct: false,
  };
  if (d.change === 0) return none;
  const shares = shareMoves(d);
  const candidates = d.contributions
    .map((c, i) => ({ c, s: shares[i]!.surprise, p: shares[i]!.reference }))
    .filter(
      ({ c, p }) => (c.share ?? 0) >= MIN_VALUE_SHARE && (c.share ?? 0) - p >= MIN_EXCESS_SHARE,
    )
    .sort((a, b) => b.s - a.s || Math.abs(b.c.change) - Math.abs(a.c.change));
  const chosen: { c: Contribution; s: number }[] = [];
  let explained = 0;
  for (const x of candidates) {
    if (chosen.length === MAX_DRIVERS || explained >= EXPLAINED_SHARE) break;
    chosen.push(x);
    explained += x.c.share!;
  }
  if (chosen.length === 0) {
    // Nothing carries a tenth of the change: name the largest parts, and say it is diffuse.
    const largest = d.contributions.slice(0, MAX_DRIVERS);
    return {
      ...none,
      drivers: largest,
      explainedShare: largest.reduce((n, c) => n + (c.share ?? 0), 0),
    };
  }
  chosen.sort((a, b) => Math.abs(b.c.change) - Math.abs(a.c.change));
  return {
    ...none,
    drivers: chosen.map((x) => x.c),
    explainedShare: explained,
    surprise: chosen.reduce((n, x) => n + x.s, 0),
    succinct: explained >= EXPLAINED_SHARE,
  };
}

/**
 * Each value's share of the reference total (p), and its Jensen-Shannon term between its share of the measure's sum in the reference and
 * in the target (p, q): 0 when its share did not move. Zero for all when a period's total
 * is not positive (shares of a total that crosses zero mean nothing).
 */
function shareMoves(d: Decomposition): { reference: number; surprise: number }[] {
  // The value's sum in each period (an average times its volume).
  const sums = d.contributions.map((c) =>
    d.kind === 'sum'
      ? [c.reference ?? 0, c.target ?? 0]
      : [(c.reference ?? 0) * c.volume.reference, (c.target ?? 0) * c.volume.target],
  );
  const [ref, tgt] = [0, 1].map((k) => sums.reduce((n, s) => n + Math.max(0, s[k]!), 0));
  if (!(ref! > 0) || !(tgt! > 0)) return sums.map(() => ({ reference: 0, surprise: 0 }));
  const term = (x: number, m: number) => (x > 0 ? x * Math.log((2 * x) / m) : 0);
  return sums.map(([r, t]) => {
    const p = Math.max(0, r!) / ref!;
    const q = Math.max(0, t!) / tgt!;
    return { reference: p, surprise: 0.5 * (term(p, p + q) + term(q, p + q)) };
  });
}
