import { ConfigError } from '#platform/errors.ts';

/** What a caller may choose about the demo data; everything else is fixed by the seed. */
export interface DemoOptions {
  /** Seed of every random stream (an integer in [0, 2^32)). @default 42 */
  seed?: number;
  /** Rows of customer_profiles. @default 500 */
  customers?: number;
  /** Rows of product_information. @default 200 */
  products?: number;
  /** Rows of daily_sales_metrics, one per day from 2022-01-01. @default 1095 (to 2024-12-30) */
  days?: number;
  /** Rows of sales_transactions, dated 2023-01-01 to 2024-12-31. @default 5000 */
  transactions?: number;
}

export type ResolvedDemoOptions = Required<DemoOptions>;

/** The sizes of the reference report's data. */
export const DEFAULT_DEMO_OPTIONS: Readonly<ResolvedDemoOptions> = Object.freeze({
  seed: 42,
  customers: 500,
  products: 200,
  days: 1095,
  transactions: 5000,
});

/** Smallest sizes that still leave room for the planted anomalies, lags and quartiles. */
const MINIMUM: Readonly<Omit<ResolvedDemoOptions, 'seed'>> = {
  customers: 20,
  products: 20,
  days: 120,
  transactions: 100,
};

const MAXIMUM: Readonly<Omit<ResolvedDemoOptions, 'seed'>> = {
  customers: 10_000_000,
  products: 1_000_000,
  days: 36_500,
  transactions: 1_000_000_000,
};

/** Fills defaults and rejects unknown keys and sizes out of range, at the edge. */
export function resolveDemoOptions(options: DemoOptions = {}): ResolvedDemoOptions {
  const known = new Set(Object.keys(DEFAULT_DEMO_OPTIONS));
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw new ConfigError(
        `unknown demo option ${JSON.stringify(key)}: expected one of ${[...known].join(', ')}`,
      );
    }
  }
  const resolved: ResolvedDemoOptions = { ...DEFAULT_DEMO_OPTIONS };
  for (const [key, value] of Object.entries(options) as [keyof DemoOptions, unknown][]) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw new ConfigError(`demo option ${key} must be an integer, got ${String(value)}`);
    }
    const [min, max] = key === 'seed' ? [0, 0xffff_ffff] : [MINIMUM[key], MAXIMUM[key]];
    if (value < min || value > max) {
      throw new ConfigError(`demo option ${key} must be between ${min} and ${max}, got ${value}`);
    }
    resolved[key] = value;
  }
  return resolved;
}
