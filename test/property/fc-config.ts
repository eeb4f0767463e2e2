import fc from 'fast-check';

/**
 * What every property of test/property shares: a fixed seed, so that CI runs the same cases
 * every time and a failure there is a failure here, and two environment variables to explore:
 *
 * - `FC_SEED=<integer>`: another seed (fast-check prints the seed and path of a failure:
 *   `FC_SEED=<seed>` with the same runs reproduces it);
 * - `FC_RUNS=<integer>`: that many runs for every property instead of each one's own
 *   (modest) count, e.g. `FC_RUNS=1000 TZ=UTC npx vitest run test/property`.
 *
 * Test timeouts grow with FC_RUNS (`timeoutFor`).
 */

/** The seed CI runs with. */
export const DEFAULT_SEED = 20_250_815;

function integerFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer, got ${raw}`);
  return value;
}

export const FC_SEED = integerFromEnv('FC_SEED') ?? DEFAULT_SEED;
const FC_RUNS = integerFromEnv('FC_RUNS');

/** The number of runs of a property: FC_RUNS when set, else the property's own. */
export function runs(own: number): number {
  return FC_RUNS ?? own;
}

/** fast-check's parameters for a property of `own` runs (by default) on the shared seed. */
export function params<T>(own: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { seed: FC_SEED, numRuns: runs(own), ...extra };
}

/**
 * A test timeout for a property of `own` runs that take about `msPerRun` each: at least 60 s
 * (vitest.config.ts), scaled up when FC_RUNS asks for more runs.
 */
export function timeoutFor(own: number, msPerRun: number): number {
  return Math.max(60_000, 3 * runs(own) * msPerRun);
}

// ---------------------------------------------------------------------------------------
// Numbers

/** Magnitudes that stress arithmetic: tiny, ordinary, money-sized, huge. */
const SCALES = [1e-300, 1e-12, 1e-6, 1, 1e3, 1e9, 1e15, 1e150, 1e299] as const;

/**
 * The largest magnitude the properties use. Beyond it a sum of a few values overflows to
 * Infinity before any statistic is computed (the mean of [1.7e308, 1.7e308] is Infinity):
 * such values are not data, and no analysis is asked to make sense of them. Squares of
 * values up to it do overflow, which the analyses must survive.
 */
export const HUGE = 1e300;

/**
 * Any finite double up to HUGE in size, weighted towards the values that break code: 0 and
 * -0, whole numbers, ordinary money, and the extremes (5e-324, 1e300).
 */
export const finiteNumber: fc.Arbitrary<number> = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: -HUGE, max: HUGE, noNaN: true }) },
  { weight: 3, arbitrary: fc.integer({ min: -1000, max: 1000 }) },
  { weight: 3, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      0,
      -0,
      1,
      -1,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      HUGE,
      -HUGE,
      Number.EPSILON,
      2 ** 53,
      1e15,
      -1e15,
    ),
  },
);

/**
 * `finiteNumber` up to `max` in size: for computations whose squares must not overflow
 * (distances, variances), where 1e154 and beyond is a stated limit, not a property.
 */
export function finiteUpTo(max: number): fc.Arbitrary<number> {
  return finiteNumber.map((x) => (Math.abs(x) <= max ? x : (x / HUGE) * max));
}

/** Finite numbers of business data: at most 1e12 in size, some with many decimals. */
export const businessNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: -1000, max: 100_000 }),
  fc.double({ min: -1e12, max: 1e12, noNaN: true }),
  fc.double({ min: 0, max: 1000, noNaN: true }),
);

/**
 * Arrays of finite numbers in the shapes that break statistics: arbitrary (any length from
 * `minLength`), constant, a few repeated values, an ordinary sample scaled to a tiny or huge
 * magnitude, or nearly constant (one value off by a hair or by a mile).
 */
export function finiteArray(
  options: { minLength?: number; maxLength?: number } = {},
): fc.Arbitrary<number[]> {
  const minLength = options.minLength ?? 0;
  const maxLength = options.maxLength ?? 40;
  const length = { minLength, maxLength };
  const nonEmpty = { minLength: Math.max(1, minLength), maxLength };
  const shapes: fc.Arbitrary<number[]>[] = [
    fc.array(finiteNumber, length),
    fc.array(businessNumber, length),
    fc
      .tuple(finiteNumber, fc.integer({ min: Math.max(minLength, 0), max: maxLength }))
      .map(([v, n]) => new Array<number>(n).fill(v)),
    fc
      .tuple(fc.array(finiteNumber, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), length))
      .map(([pool, picks]) => picks.map((i) => pool[i % pool.length]!)),
    fc
      .tuple(
        fc.array(fc.double({ min: -10, max: 10, noNaN: true }), length),
        fc.constantFrom(...SCALES),
      )
      .map(([xs, scale]) => xs.map((x) => x * scale)),
  ];
  if (maxLength >= 1)
    shapes.push(
      fc
        .tuple(
          finiteNumber,
          fc.integer({ min: Math.max(nonEmpty.minLength - 1, 0), max: maxLength - 1 }),
          fc.constantFrom(Number.EPSILON, 1e-9, 1, 1e9),
        )
        .map(([v, n, off]) => [...new Array<number>(n).fill(v), v + off * (Math.abs(v) || 1)])
        .filter((xs) => xs.every((x) => Math.abs(x) <= HUGE)),
    );
  return fc.oneof(...shapes);
}

/** A p-value (or probability) that a report may show: a number in [0, 1]. */
export function isProbability(x: unknown): x is number {
  return typeof x === 'number' && x >= 0 && x <= 1;
}

/**
 * Every number in `value` (deeply, through arrays, objects and typed arrays), with its path:
 * the properties check that none is NaN or infinite.
 */
export function numbersIn(value: unknown, path = '$'): { path: string; value: number }[] {
  if (typeof value === 'number') return [{ path, value }];
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>, (v, i) => ({
      path: `${path}[${i}]`,
      value: Number(v),
    }));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => numbersIn(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => numbersIn(v, `${path}.${k}`));
  }
  return [];
}

/** The paths of the numbers in `value` that are NaN or infinite (none, when all is well). */
export function nonFinitePaths(value: unknown): string[] {
  return numbersIn(value)
    .filter((n) => !Number.isFinite(n.value))
    .map((n) => `${n.path} = ${n.value}`);
}

/**
 * A series of exactly `n` values: arbitrary (`finiteArray`'s shapes) or a random walk, a
 * trend, a weekly cycle or noise, at a tiny, ordinary or huge scale, sometimes kept >= 0
 * (money, counts).
 */
export function seriesOf(n: number): fc.Arbitrary<number[]> {
  const exactly = { minLength: n, maxLength: n };
  return fc.oneof(
    finiteArray(exactly),
    fc
      .tuple(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), exactly),
        fc.constantFrom('walk', 'trend', 'cycle', 'noise'),
        fc.constantFrom(1e-9, 1, 1e6, 1e150),
        fc.boolean(),
      )
      .map(([noise, shape, scale, nonNegative]) => {
        let level = 0;
        return noise.map((e, t) => {
          level += e;
          const base =
            shape === 'walk' ? level : shape === 'trend' ? t / 10 : shape === 'cycle' ? t % 7 : 0;
          const v = (base + e) * scale;
          return nonNegative ? Math.abs(v) : v;
        });
      }),
  );
}
