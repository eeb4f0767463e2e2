import type { Forecast } from './forecaster.ts';

/**
 * Work shared by every fit on one series. A nested backtest fits each model on a few
 * prefixes of one series many times over (5 outer origins, each choosing among the models
 * on 5 inner origins, touch 11 distinct prefixes 36 times): the context remembers each
 * model's forecast per prefix, and keeps what a model carries from one prefix to the next
 * (ETS's form and initial state, chosen once on the anchor prefix: see `etsModel`).
 *
 * Only prefixes of one series may share a context; `accepts` checks every value, and a
 * series that grows (a longer prefix arrives) replaces the stored one.
 */
export class SeriesContext {
  private series: readonly number[];
  private readonly forecasts = new Map<string, Forecast>();
  private readonly kept = new Map<string, unknown>();

  /**
   * `anchor`: the length of the shortest prefix any model will be fitted on, where models
   * that carry choices across prefixes make them. Nothing after it is used to make them, so
   * a backtest whose windows all start after the anchor stays honest.
   */
  constructor(
    series: readonly number[],
    readonly anchor: number,
  ) {
    this.series = series;
  }

  /** The longest prefix seen so far: every fit in this context is on a prefix of it. */
  get y(): readonly number[] {
    return this.series;
  }

  /** True when `train` is a prefix of the series (or extends it, which it then becomes). */
  accepts(train: readonly number[]): boolean {
    const shorter = train.length <= this.series.length ? train : this.series;
    const longer = shorter === train ? this.series : train;
    for (let i = 0; i < shorter.length; i++) {
      if (!Object.is(shorter[i], longer[i])) return false;
    }
    if (longer === train) this.series = train;
    return true;
  }

  /** The forecast of `key` (model, prefix length, horizon, period), made once. */
  forecast(key: string, make: () => Forecast): Forecast {
    let f = this.forecasts.get(key);
    if (!f) {
      f = make();
      this.forecasts.set(key, f);
    }
    return f;
  }

  /** A value a model keeps across prefixes (its anchor fit), made once per key. */
  keep<T>(key: string, make: () => T): T {
    if (!this.kept.has(key)) this.kept.set(key, make());
    return this.kept.get(key) as T;
  }
}
