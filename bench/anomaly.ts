/**
 * `npm run bench:anomaly`: our anomaly detection (`detectAnomalies`, defaults: a robust
 * z-score against the robust seasonal baseline beyond `thresholdFor` the series' length, on
 * the scale `value-scale.ts` chooses, plus level shifts) against an IQR-only baseline
 * (Tukey's fences, 1.5 IQR on the column's values, no seasonality), both scored against the
 * anomalies the demo generator plants, over several seeds (`BENCH_SEEDS`, default
 * 42,1,2,3,4: the default seed and four more, so the score is not one draw).
 *
 * Scored (the headline): each column of daily_sales_metrics that carries planted anomalies
 * (quantity, revenue, cost, profit: five planted days per seed, each moving all four), read
 * as `insights detect FILE --time date --value COLUMN` reads it (`readSeriesFile`, then the
 * regular daily series). Points, not incidents: each planted date is one positive; a
 * distinct flagged date is a true positive when it is a planted date of that column, and
 * otherwise a false positive, however defensible (every one is listed in the JSON).
 * Precision = TP / flagged dates, recall = TP / planted dates, per seed and pooled (sums of
 * counts over series and seeds).
 *
 * Reported apart, not in the headline:
 * - daily_sales_metrics columns with nothing planted (marketing_spend, customer_traffic,
 *   price): every flag there is unplanted; their counts say how often each method cries wolf.
 * - sales_transactions: its planted anomalies are rows (bulk orders), not points of a time
 *   series, so ours cannot be scored on them as such; scored instead on the daily total of
 *   net_amount (0 on a day without transactions), a positive being the date of a bulk order.
 *   The IQR rule on the rows themselves is not scored: the generator makes every bulk order
 *   at least 5.7 times the largest ordinary amount, beyond the 3 IQR fence by construction.
 *
 * Time: detectAnomalies alone on each series, median of `BENCH_RUNS` (default 5) after a
 * warm-up run. Writes bench/results/anomaly.json and prints a summary.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectAnomalies, type SeriesAnomalies } from '#analysis/anomaly/detect.ts';
import { buildSeries, dayNumber, type RegularSeries } from '#analysis/forecast/series.ts';
import { readSeriesFile, type CommandIo } from '#cli/series-input.ts';
import { writeDemo, type GroundTruth } from '#demo/generate.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { quoteLiteral } from '#query/sql.ts';
import {
  iqrPointFlags,
  poolScores,
  scorePoints,
  type DateFlag,
  type PointFlag,
  type PointScore,
  type PooledScore,
} from './anomaly-score.ts';

const SEEDS = (process.env['BENCH_SEEDS'] ?? '42,1,2,3,4').split(',').map(Number);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const DAILY_MEASURES = [
  'marketing_spend',
  'customer_traffic',
  'price',
  'quantity',
  'revenue',
  'cost',
  'profit',
];

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number | null, d = 4) =>
  x !== null && Number.isFinite(x) ? Number(x.toFixed(d)) : null;

type Group = 'planted' | 'unplantedColumns' | 'transactionsDaily';

interface SeriesResult {
  seed: number;
  series: string;
  group: Group;
  points: number;
  /** Observed (not interpolated) points: what both methods test. */
  pointsTested: number;
  /** Ours' own count: points tested plus level-shift positions tested. */
  oursTests: number;
  plantedDates: string[];
  ours: PointScore;
  iqr: PointScore;
  /** Our score (robust z) at each planted date ours missed, to say why. */
  oursAtMissed: { date: string; score: number | null; value: number; expected: number | null }[];
  oursMs: number;
}

/** Warnings of reading the files (the demo's planted invalid cells), kept, not printed. */
const readWarnings: string[] = [];
const quiet: CommandIo = { out: () => {}, err: (text) => readWarnings.push(text.trim()) };

function flagsOf(a: SeriesAnomalies): PointFlag[] {
  return a.flags.map((f) => ({
    date: f.timestamp.slice(0, 10),
    method: f.method,
    value: f.value,
    expected: f.expected,
    score: f.score,
  }));
}

/** detectAnomalies' median time over RUNS after a warm-up, and its result. */
function timedDetect(s: RegularSeries): { result: SeriesAnomalies; ms: number } {
  const result = detectAnomalies(s);
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    detectAnomalies(s);
    ms.push(performance.now() - t);
  }
  return { result, ms: median(ms) };
}

/** The robust z-score ours gave a point it did not flag: the detector with no threshold. */
function scoreAt(s: RegularSeries, dates: string[]) {
  if (dates.length === 0) return [];
  const all = detectAnomalies(s, { threshold: 0, levelShifts: false });
  return dates.map((date) => {
    const i = s.dates.findIndex((d) => d.slice(0, 10) === date);
    const f = all.flags.find((x) => x.index === i);
    return {
      date,
      score: f ? round(f.score, 2) : null,
      value: s.values[i] ?? NaN,
      expected: f ? round(f.expected, 2) : null,
    };
  });
}

function evaluate(
  seed: number,
  name: string,
  group: Group,
  s: RegularSeries,
  plantedDates: string[],
): SeriesResult {
  const { result, ms } = timedDetect(s);
  const dates = s.dates.map((d) => d.slice(0, 10));
  const iqr = iqrPointFlags(dates, s.values, s.observed);
  const ours = scorePoints(plantedDates, flagsOf(result));
  return {
    seed,
    series: name,
    group,
    points: s.values.length,
    pointsTested: s.observed.filter(Boolean).length,
    oursTests: result.tests,
    plantedDates: [...new Set(plantedDates)].sort(),
    ours,
    iqr: scorePoints(plantedDates, iqr.flags),
    oursAtMissed: scoreAt(s, ours.missed),
    oursMs: ms,
  };
}

async function seedResults(root: string, seed: number): Promise<SeriesResult[]> {
  const demo = await writeDemo(join(root, `seed-${seed}`), { seed });
  const truth: GroundTruth = demo.groundTruth;
  const file = (dataset: string) => demo.files.find((f) => f.dataset === dataset)!.path;
  const out: SeriesResult[] = [];

  const daily = file('daily_sales_metrics');
  for (const column of DAILY_MEASURES) {
    const planted = truth.anomalies
      .filter((a) => a.dataset === 'daily_sales_metrics' && a.column === column)
      .map((a) => a.key);
    const [s] = await readSeriesFile(daily, { time: 'date', value: column }, quiet, 'bench');
    if (!s || s.frequency !== 'daily') throw new Error(`seed ${seed} ${column}: not daily`);
    const group = planted.length > 0 ? 'planted' : 'unplantedColumns';
    out.push(evaluate(seed, `daily_sales_metrics.${column}`, group, s, planted));
  }

  // Transactions: the daily total of net_amount, and the dates of the bulk orders.
  const tx = file('sales_transactions');
  const bulkIds = [
    ...new Set(truth.anomalies.filter((a) => a.dataset === 'sales_transactions').map((a) => a.key)),
  ];
  const duck = await openDuckDb({ threads: 1 });
  try {
    const source = `read_csv(${quoteLiteral(tx)}, all_varchar = true)`;
    const rows = await duck.all(
      `WITH t AS (
         SELECT TRY_CAST(transaction_date AS DATE) AS d, TRY_CAST(net_amount AS DOUBLE) AS v
         FROM ${source}),
       days AS (
         SELECT CAST(unnest(generate_series(min(d), max(d), INTERVAL 1 DAY)) AS DATE) AS d
         FROM t WHERE d IS NOT NULL)
       SELECT CAST(days.d AS VARCHAR) AS d, coalesce(sum(t.v), 0) AS v
       FROM days LEFT JOIN t ON t.d = days.d GROUP BY days.d ORDER BY days.d`,
    );
    const bulk = await duck.all(
      `SELECT CAST(TRY_CAST(transaction_date AS DATE) AS VARCHAR) AS d FROM ${source}
       WHERE transaction_id IN (${bulkIds.map(quoteLiteral).join(', ')})`,
    );
    if (bulk.length !== bulkIds.length || bulk.some((r) => r['d'] === null))
      throw new Error(`seed ${seed}: bulk orders not found with a date`);
    const [s] = buildSeries(
      rows.map((r) => ({ time: String(r['d']), value: Number(r['v']) })),
      { file: tx, timeColumn: 'transaction_date' },
    );
    if (!s || s.frequency !== 'daily') throw new Error(`seed ${seed}: transactions not daily`);
    const planted = bulk.map((r) => String(r['d']));
    out.push(
      evaluate(seed, 'sales_transactions.net_amount_per_day', 'transactionsDaily', s, planted),
    );
  } finally {
    duck.close();
  }
  return out;
}

function summary(results: SeriesResult[]) {
  const pooled = (m: 'ours' | 'iqr'): PooledScore => poolScores(results.map((r) => r[m]));
  const r4 = (p: PooledScore) => ({
    ...p,
    precision: round(p.precision),
    recall: round(p.recall),
  });
  return {
    series: results.length,
    pointsTested: results.reduce((a, r) => a + r.pointsTested, 0),
    oursTests: results.reduce((a, r) => a + r.oursTests, 0),
    ours: r4(pooled('ours')),
    iqr: r4(pooled('iqr')),
  };
}

const root = await mkdtemp(join(tmpdir(), 'insights-bench-anomaly-'));
try {
  const all: SeriesResult[] = [];
  for (const seed of SEEDS) {
    const t = performance.now();
    all.push(...(await seedResults(root, seed)));
    process.stderr.write(`seed ${seed}: ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
  }
  const groups: Group[] = ['planted', 'unplantedColumns', 'transactionsDaily'];
  const byGroup = (g: Group, seed?: number) =>
    all.filter((r) => r.group === g && (seed === undefined || r.seed === seed));
  const planted = byGroup('planted');

  // A judgement aid, not a score: an unplanted flag on a day at or up to two days after a
  // day ours flags high in marketing_spend (the generator's own causal lags: spend drives
  // traffic at lag 1 and quantity at lag 2) is real structure of the data.
  const spendSurges = new Map(
    SEEDS.map((seed) => [
      seed,
      all
        .find((r) => r.seed === seed && r.series === 'daily_sales_metrics.marketing_spend')!
        .ours.unplanted.filter((u) => u.value > u.expected)
        .map((u) => u.date),
    ]),
  );
  const afterSpendSurge = (seed: number, date: string): string | null => {
    const t = dayNumber(date)!;
    const near = spendSurges.get(seed)!.filter((d) => {
      const lag = t - dayNumber(d)!;
      return lag >= 0 && lag <= 2;
    });
    return near.at(-1) ?? null;
  };
  const explained = (rs: SeriesResult[], m: 'ours' | 'iqr') =>
    rs.reduce(
      (a, r) => a + r[m].unplanted.filter((u) => afterSpendSurge(r.seed, u.date)).length,
      0,
    );
  const result = {
    benchmark:
      'anomaly detection against the demo generator planted anomalies: ours (detectAnomalies, defaults) and an IQR-only baseline (Tukey 1.5 IQR on the column values, no seasonality), scored point by point',
    measuredAt: new Date().toISOString(),
    node: process.version,
    seeds: SEEDS,
    runs: RUNS,
    scored:
      'headline = daily_sales_metrics columns with planted anomalies (quantity, revenue, cost, profit), read as `insights detect --time date --value COLUMN` reads them. Points, not incidents: each planted date is one positive; each distinct flagged date (a point flag or the start of a level shift; a date flagged by both counts once) is one flag, a true positive when it is a planted date of that column, else a false positive even if defensible (listed under perSeries[].ours.unplanted). Precision = TP / flags, recall = TP / planted; pooled = sums of counts over series and seeds. pointsTested = observed points (both methods test each); oursTests = what detectAnomalies reports (points plus level-shift positions).',
    apart:
      'unplantedColumns = daily columns with nothing planted (every flag is unplanted); transactionsDaily = daily total of sales_transactions.net_amount (0 on a day without a transaction), positive = the date of a planted bulk order (a row-level anomaly); the IQR rule on the transaction rows themselves is not scored (bulk orders are built to lie beyond 3 IQR)',
    time: {
      what: 'detectAnomalies on one daily series of about 1,095 (or 731) points, median of runs after a warm-up; reading and scoring excluded',
      medianPerSeriesMs: round(median(all.map((r) => r.oursMs)), 2),
      maxPerSeriesMs: round(Math.max(...all.map((r) => r.oursMs)), 2),
    },
    pooled: Object.fromEntries(groups.map((g) => [g, summary(byGroup(g))])),
    unplantedAfterSpendSurge: {
      what: 'of the headline false positives, how many fall on a day at or up to 2 days after a day ours flags high in marketing_spend (the generator makes spend drive traffic at lag 1 and quantity at lag 2); marked per flag as afterSpendSurge',
      ours: explained(planted, 'ours'),
      iqr: explained(planted, 'iqr'),
    },
    oursScores: {
      what: 'robust z-scores ours gave (|score|, seasonal-mad flags) on the headline series: its threshold is thresholdFor(points tested), 4.08 for 1,095 points; reported to show how far planted and unplanted flags lie apart, not used to choose anything',
      ...scoreSpread(planted),
    },
    perSeed: SEEDS.map((seed) => ({
      seed,
      ...Object.fromEntries(groups.map((g) => [g, summary(byGroup(g, seed))])),
    })),
    perSeries: all.map((r) => ({
      ...r,
      ours: {
        ...r.ours,
        precision: round(r.ours.precision),
        recall: round(r.ours.recall),
        hits: r.ours.hits.map(rounded),
        unplanted: r.ours.unplanted.map((u) => ({
          ...rounded(u),
          ...(r.group === 'planted' ? { afterSpendSurge: afterSpendSurge(r.seed, u.date) } : {}),
        })),
      },
      iqr: {
        ...r.iqr,
        precision: round(r.iqr.precision),
        recall: round(r.iqr.recall),
        hits: r.iqr.hits.map(rounded),
        unplanted: r.iqr.unplanted.map((u) => ({
          ...rounded(u),
          ...(r.group === 'planted' ? { afterSpendSurge: afterSpendSurge(r.seed, u.date) } : {}),
        })),
      },
      oursMs: round(r.oursMs, 2),
    })),
    readWarnings: [...new Set(readWarnings)].map((w) => w.replaceAll(root, '<tmp>')),
  };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('./results/anomaly.json', import.meta.url),
    JSON.stringify(result, null, 2) + '\n',
  );

  const cell = (p: PooledScore) =>
    `P ${fmt(p.precision)} R ${fmt(p.recall)} (TP ${p.truePositives}, flags ${p.flagged}, planted ${p.planted})`;
  const row = (label: string, rs: SeriesResult[]) => {
    const s = summary(rs);
    return `${label.padEnd(8)} ours ${cell(s.ours)} | IQR ${cell(s.iqr)} | ${s.pointsTested} points tested`;
  };
  console.log(
    `anomaly benchmark: seeds ${SEEDS.join(', ')}; daily_sales_metrics quantity, revenue, cost, profit; points scored by date`,
  );
  for (const seed of SEEDS)
    console.log(
      row(
        `seed ${seed}`,
        planted.filter((r) => r.seed === seed),
      ),
    );
  console.log(row('pooled', planted));
  const fp = summary(planted);
  const spread = scoreSpread(planted);
  console.log(
    `ours |z| on planted points: min ${spread.plantedMin}, median ${spread.plantedMedian}; on unplanted flags: median ${spread.unplantedMedian}, max ${spread.unplantedMax}`,
  );
  console.log(
    `unplanted flags at or up to 2 days after a marketing_spend surge: ours ${result.unplantedAfterSpendSurge.ours} of ${fp.ours.falsePositives}, IQR ${result.unplantedAfterSpendSurge.iqr} of ${fp.iqr.falsePositives}`,
  );
  const unpl = summary(byGroup('unplantedColumns'));
  console.log(
    `apart: columns with nothing planted (marketing_spend, customer_traffic, price): ours ${unpl.ours.flagged} flags, IQR ${unpl.iqr.flagged} flags over ${unpl.pointsTested} points`,
  );
  console.log(`apart: sales_transactions net_amount per day, bulk-order dates:`);
  console.log(row('  pooled', byGroup('transactionsDaily')));
  for (const r of planted)
    for (const m of r.oursAtMissed)
      console.log(
        `ours missed: seed ${r.seed} ${r.series} ${m.date} value ${m.value} expected ${m.expected} score ${m.score}`,
      );
  console.log(
    `time: detectAnomalies per series, median ${result.time.medianPerSeriesMs} ms (max ${result.time.maxPerSeriesMs} ms), median of ${RUNS} runs`,
  );
} finally {
  await rm(root, { recursive: true, force: true });
}

function scoreSpread(rs: SeriesResult[]) {
  const abs = (fs: DateFlag[]) =>
    fs.filter((f) => f.score !== undefined).map((f) => Math.abs(f.score!));
  const hit = rs.flatMap((r) => abs(r.ours.hits));
  const fp = rs.flatMap((r) => abs(r.ours.unplanted));
  return {
    plantedMin: hit.length ? round(Math.min(...hit), 2) : null,
    plantedMedian: hit.length ? round(median(hit), 2) : null,
    unplantedMedian: fp.length ? round(median(fp), 2) : null,
    unplantedMax: fp.length ? round(Math.max(...fp), 2) : null,
  };
}

function rounded(f: DateFlag): DateFlag {
  return {
    ...f,
    value: round(f.value, 2)!,
    expected: round(f.expected, 2)!,
    ...(f.score !== undefined ? { score: round(f.score, 2)! } : {}),
  };
}

function fmt(x: number | null): string {
  return x === null ? 'n/a' : x.toFixed(3);
}
