/**
 * Splits the change of a measure between a reference period and a target period across
 * the values of one dimension: how much of the change each value (a region, a channel)
 * carries, and how much of that is volume (more or fewer units) and how much rate (value per
 * unit). The split is exact: the contributions add up to the total change.
 */

/** A value's rows in one period: the sum of the measure and its volume (rows or units). */
export interface PeriodTotals {
  sum: number;
  count: number;
}

/** One value of the dimension in both periods. */
export interface Cell {
  value: string | null;
  reference: PeriodTotals;
  target: PeriodTotals;
}

/**
 * `sum`: an additive total (revenue); the change is target - reference of the sums.
 * `average`: the value per unit over all values (average order value = sum / count); its
 * change comes from values' shares of the volume moving (mix) and values' own averages
 * moving (rate).
 */
export type MeasureKind = 'sum' | 'average';

export interface Contribution {
  value: string | null;
  /** The value's measure in each period: its sum, or for `average` its own average. */
  reference: number | null;
  target: number | null;
  /** Its volume (rows or units) in each period. */
  volume: { reference: number; target: number };
  /** Its part of the total change, in the measure's units. Parts add up to the change. */
  change: number;
  /** change / total change; null when the total did not change. */
  share: number | null;
  /**
   * `sum`: the part from volume (units moved at the value's rate), then from rate (its
   * value per unit moved, at its volume). `average`: the part from its share of the volume
   * moving (mix), then from its own average moving (rate). mix + rate = change.
   */
  mix: number;
  rate: number;
}

export interface Decomposition {
  dimension: string;
  kind: MeasureKind;
  /** The measure over all values in each period. */
  reference: number;
  target: number;
  change: number;
  /** Largest part of the change first (by absolute value), then by value. */
  contributions: Contribution[];
}

/**
 * Midpoint (symmetric) shift-share: for value i with volume n and rate r = sum / n,
 *   sum:     change_i = S_t - S_r = Δn·(r_t + r_r)/2 + Δr·(n_t + n_r)/2
 *   average: with w = n / N the value's share of the volume and A the overall average,
 *            mix_i  = Δw·((r_t + r_r)/2 - (A_t + A_r)/2),  rate_i = Δr·(w_t + w_r)/2,
 *            change_i = mix_i + rate_i, and Σ change_i = A_t - A_r exactly (Σ Δw = 0).
 * A value absent from one period takes its rate from the other, so all of its change is
 * volume (or mix): a new channel did not change a price, it arrived.
 */
export function decompose(
  dimension: string,
  cells: readonly Cell[],
  kind: MeasureKind,
): Decomposition {
  for (const c of cells) {
    for (const p of [c.reference, c.target]) {
      if (!Number.isFinite(p.sum) || !Number.isFinite(p.count) || p.count < 0)
        throw new RangeError(
          `Value ${JSON.stringify(c.value)} of ${dimension} has a sum or count that is not a finite number`,
        );
    }
  }
  const total = (period: 'reference' | 'target') =>
    cells.reduce((t, c) => ({ sum: t.sum + c[period].sum, count: t.count + c[period].count }), {
      sum: 0,
      count: 0,
    });
  const [ref, tgt] = [total('reference'), total('target')];
  const overall = (t: PeriodTotals) => (kind === 'sum' ? t.sum : t.count > 0 ? t.sum / t.count : 0);
  const [reference, target] = [overall(ref), overall(tgt)];
  const change = target - reference;
  const meanA = (reference + target) / 2;

  const contributions = cells.map((c): Contribution => {
    const [nr, nt] = [c.reference.count, c.target.count];
    const own = (p: PeriodTotals) => (p.count > 0 ? p.sum / p.count : null);
    const rr = own(c.reference) ?? own(c.target) ?? 0;
    const rt = own(c.target) ?? rr;
    let mix: number;
    let rate: number;
    if (kind === 'sum') {
      mix = (nt - nr) * ((rt + rr) / 2);
      rate = (rt - rr) * ((nt + nr) / 2);
    } else {
      const wr = ref.count > 0 ? nr / ref.count : 0;
      const wt = tgt.count > 0 ? nt / tgt.count : 0;
      mix = (wt - wr) * ((rt + rr) / 2 - meanA);
      rate = (rt - rr) * ((wt + wr) / 2);
    }
    const part = mix + rate;
    return {
      value: c.value,
      reference: kind === 'sum' ? c.reference.sum : own(c.reference),
      target: kind === 'sum' ? c.target.sum : own(c.target),
      volume: { reference: nr, target: nt },
      change: part,
      share: change !== 0 ? part / change : null,
      mix,
      rate,
    };
  });
  contributions.sort(
    (a, b) =>
      Math.abs(b.change) - Math.abs(a.change) || String(a.value).localeCompare(String(b.value)),
  );
  return { dimension, kind, reference, target, change, contributions };
}
