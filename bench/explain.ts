/**
 * `npm run bench:explain`: how long `insights explain` takes on
 * (a) the demo's sales_transactions (writeDemo, default options: 5,000 transactions, 2023 to
 *     2024), dimensions channel and the file's other dimension columns, product_id and
 *     customer_id; value net_amount;
 * (b) the CDNOW purchases (test/fixtures/golden/ltv/CDNOW_sample.txt: 6,919 purchases by
 *     2,357 customers, 1997-01 to 1998-06). The file has no dimension besides the customer, so
 *     the bench writes it as a CSV (as test/e2e/cdnow.test.ts does) with three made from it:
 *     cohort (the month of the customer's first purchase: all of the sample's customers first
 *     bought in 1997-01 to 1997-03), buyer (`first` on the day of that first purchase, else
 *     `repeat`) and basket (CDs in the purchase: 1, 2, 3-5, 6+); value dollars.
 * Both with the defaults: target the month of the latest date, baseline the month before.
 *
 * Measured in the same run, each the median of BENCH_RUNS (default 5) after a warm-up:
 * - in-process: `explainCommand` (read the file into a scratch DuckDB, type it, check the
 *   periods, the one or two queries of explainChange, the CSV), output discarded;
 * - child: `node bin/insights.js explain ...` as a user runs it, wall time; beside it the
 *   CLI's start alone (`node bin/insights.js --help`), which every command pays, and the
 *   command in a process that loads only its own modules (bench/explain-child.ts, through
 *   the same tsx loader): what a user would wait for if the CLI loaded commands lazily;
 * - baseline: DuckDB alone (a fresh in-memory instance) reading the same file with read_csv
 *   and one GROUP BY per dimension of the two months' sums: the floor of any answer.
 * Writes bench/results/explain.json and prints a summary; the acceptance is under 2 s.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { explainCommand, type ExplainOptions, type ExplainReport } from '#cli/explain.ts';
import { writeDemo } from '#demo/generate.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const LIMIT_MS = 2000;
const ROOT = join(import.meta.dirname, '..');
const run = promisify(execFile);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, d = 1) => Number(x.toFixed(d));

interface Timing {
  medianMs: number;
  runsMs: number[];
  /** A child's CPU time (user + system), where /usr/bin/time can tell it. */
  medianCpuMs?: number;
}

/** A warm-up, then RUNS timed calls: their times (ms) and median; `work` may return CPU ms. */
async function timed(work: () => Promise<unknown>): Promise<Timing> {
  await work();
  const runsMs: number[] = [];
  const cpuMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const cpu = await work();
    runsMs.push(round(performance.now() - t));
    if (typeof cpu === 'number') cpuMs.push(cpu);
  }
  return {
    medianMs: round(median(runsMs)),
    runsMs,
    ...(cpuMs.length === RUNS ? { medianCpuMs: round(median(cpuMs)) } : {}),
  };
}

interface Case {
  name: string;
  what: string;
  file: string;
  options: ExplainOptions;
}

/** The command's arguments as a user types them. */
function argv(c: Case): string[] {
  const o = c.options;
  return [
    'explain',
    c.file,
    '--time',
    o.time,
    '--value',
    o.value,
    '--dims',
    [o.dims].flat().join(','),
    '--quiet',
  ];
}

/** explainCommand in this process; throws when it fails. */
async function inProcess(c: Case, format: 'csv' | 'json' = 'csv'): Promise<string> {
  let out = '';
  let err = '';
  const code = await explainCommand(
    c.file,
    { ...c.options, format },
    { out: (t) => (out += t), err: (t) => (err += t) },
  );
  if (code !== 0) throw new Error(`explain ${c.name} failed: ${err}`);
  return out;
}

/** DuckDB alone: read_csv of the file and the two periods' sums by each dimension. */
async function baseline(c: Case, report: ExplainReport): Promise<void> {
  const duck = await openDuckDb();
  try {
    // TRY_CAST: the demo plants unreadable cells (a date 2024-13-45), which read_csv keeps.
    const day = `TRY_CAST(${quoteIdent(c.options.time)} AS DATE)`;
    const sum = (from: string, to: string, as: string) =>
      `sum(TRY_CAST(${quoteIdent(c.options.value)} AS DOUBLE)) FILTER (WHERE ${day} >= DATE ${quoteLiteral(from)} AND ${day} < DATE ${quoteLiteral(to)}) AS ${as}`;
    const periods = `${sum(report.baseline.from, report.baseline.to, 'reference')}, ${sum(report.target.from, report.target.to, 'target')}`;
    const dims = [c.options.dims].flat().join(',').split(',');
    await duck.run(
      `CREATE TABLE t AS SELECT * FROM read_csv(${quoteLiteral(c.file)}, all_varchar = false, ignore_errors = true)`,
    );
    await duck.all(
      dims
        .map(
          (d) =>
            `SELECT ${quoteLiteral(d)} AS dimension, CAST(${quoteIdent(d)} AS VARCHAR) AS value, ${periods} FROM t GROUP BY 2`,
        )
        .join(' UNION ALL '),
    );
  } finally {
    duck.close();
  }
}

/**
 * Node with `args` in a child process; its CPU time (ms, user + system) when /usr/bin/time
 * is there to tell it: on a shared machine the wall time also counts the wait for a core.
 */
async function node(args: string[]): Promise<number | null> {
  const options = { cwd: ROOT, maxBuffer: 1 << 26 };
  if (!existsSync('/usr/bin/time')) {
    await run(process.execPath, args, options);
    return null;
  }
  const { stderr } = await run(
    '/usr/bin/time',
    ['-f', 'cpu %U %S', process.execPath, ...args],
    options,
  );
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
  return m ? round((Number(m[1]) + Number(m[2])) * 1000, 0) : null;
}

function child(args: string[]): Promise<number | null> {
  return node([join(ROOT, 'bin/insights.js'), ...args]);
}

/** The command alone in a child process (bench/explain-child.ts). */
function lean(c: Case): Promise<number | null> {
  const o = c.options;
  return node([
    '--import',
    'tsx',
    '--import',
    './functions/platform/polyfills.ts',
    'bench/explain-child.ts',
    c.file,
    o.time,
    o.value,
    [o.dims].flat().join(','),
  ]);
}

/** The CDNOW sample as a CSV, with the dimensions the bench makes (see the top). */
async function cdnowCsv(dir: string): Promise<string> {
  const raw = await readFile(join(ROOT, 'test/fixtures/golden/ltv/CDNOW_sample.txt'), 'utf8');
  // Whitespace-separated, no header: customer, sample id, YYYYMMDD, CDs, dollars.
  const rows = raw
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map(([customer, , d, cds, dollars]) => ({
      customer: customer!,
      date: `${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)}`,
      cds: Number(cds),
      dollars: dollars!,
    }));
  const first = new Map<string, string>();
  for (const r of rows)
    if (!first.has(r.customer) || r.date < first.get(r.customer)!) first.set(r.customer, r.date);
  const basket = (n: number) => (n <= 1 ? '1' : n === 2 ? '2' : n <= 5 ? '3-5' : '6+');
  const lines = rows.map((r) => {
    const f = first.get(r.customer)!;
    return [
      r.customer,
      r.date,
      r.cds,
      r.dollars,
      f.slice(0, 7),
      r.date === f ? 'first' : 'repeat',
      basket(r.cds),
    ].join(',');
  });
  const file = join(dir, 'cdnow_purchases.csv');
  await writeFile(
    file,
    ['customer_id,purchase_date,cds,dollars,cohort,buyer,basket', ...lines].join('\n') + '\n',
  );
  return file;
}

const dir = await mkdtemp(join(tmpdir(), 'insights-bench-explain-'));
try {
  const demo = await writeDemo(join(dir, 'demo'));
  const cases: Case[] = [
    {
      name: 'demo sales_transactions',
      what: 'writeDemo defaults (seed 42, 5,000 transactions); dims channel, product_id, customer_id; value net_amount',
      file: demo.files.find((f) => f.dataset === 'sales_transactions')!.path,
      options: {
        time: 'transaction_date',
        value: 'net_amount',
        dims: 'channel,product_id,customer_id',
      },
    },
    {
      name: 'CDNOW purchases',
      what: 'CDNOW_sample.txt as CSV (6,919 purchases), with dimensions made by the bench: cohort (month of the customer first purchase), buyer (first or repeat purchase), basket (CDs: 1, 2, 3-5, 6+); value dollars',
      file: await cdnowCsv(dir),
      options: { time: 'purchase_date', value: 'dollars', dims: 'cohort,buyer,basket' },
    },
  ];

  const startup = await timed(() => child(['--help']));
  const results = [];
  for (const c of cases) {
    const report = JSON.parse(await inProcess(c, 'json')) as ExplainReport;
    let summary = '';
    await explainCommand(c.file, c.options, { out: () => {}, err: (t) => (summary += t) });
    const ours = await timed(() => inProcess(c));
    const cli = await timed(() => child(argv(c)));
    const alone = await timed(() => lean(c));
    const floor = await timed(() => baseline(c, report));
    const best = report.explanation.dimensions[0]!;
    results.push({
      name: c.name,
      what: c.what,
      command: `insights ${argv(c)
        .map((a) => (a === c.file ? 'FILE' : a))
        .join(' ')}`,
      rows: report.rows,
      periods: { target: report.target.label, baseline: report.baseline.label },
      answer: {
        change: round(report.explanation.change, 2),
        bestDimension: best.dimension,
        succinct: best.succinct,
        drivers: best.drivers.map((d) => ({ value: d.value, share: round(d.share ?? 0, 3) })),
        drill: report.explanation.drill
          ? {
              dimension: report.explanation.drill.dimension,
              value: report.explanation.drill.value,
            }
          : null,
        summary: summary.trim(),
      },
      inProcess: ours,
      child: cli,
      childCommandAlone: alone,
      baseline: floor,
      ratios: {
        inProcessToBaseline: round(ours.medianMs / floor.medianMs, 2),
        childToStartup: round(cli.medianMs / startup.medianMs, 2),
      },
      under2s: {
        inProcess: ours.medianMs < LIMIT_MS,
        child: cli.medianMs < LIMIT_MS,
        childCommandAlone: alone.medianMs < LIMIT_MS,
      },
    });
  }

  const output = {
    benchmark:
      '`insights explain` on the demo sales_transactions and on the CDNOW purchases: the command in-process and as a child process through bin/insights.js, against DuckDB alone reading the file with read_csv and a GROUP BY per dimension; medians after a warm-up',
    measuredAt: new Date().toISOString(),
    node: process.version,
    machine: { cpus: cpus().length, loadAverage1m: round(loadavg()[0]!, 2) },
    runs: RUNS,
    limitMs: LIMIT_MS,
    baseline:
      'a fresh in-memory DuckDB: CREATE TABLE AS read_csv(file) (types sniffed), then one UNION ALL of GROUP BY dimension with the sums of the value in the two periods; open, read, query, close',
    childCommandAlone:
      'bench/explain-child.ts: explainCommand in a node process with the same tsx loader that loads only its own modules (what `insights explain` would take if bin/insights.js loaded command modules lazily)',
    startup: {
      what: '`node bin/insights.js --help`: the CLI start (tsx, every command module), paid by every command',
      ...startup,
    },
    periods: 'the defaults: target = the month of the latest date, baseline = the month before',
    results,
  };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('./results/explain.json', import.meta.url),
    JSON.stringify(output, null, 2) + '\n',
  );
  console.log(
    `insights explain, median of ${RUNS} after a warm-up (${cpus().length} cores, load ${round(loadavg()[0]!, 2)}); CLI start alone (--help): ${startup.medianMs} ms (CPU ${startup.medianCpuMs ?? '?'} ms)`,
  );
  for (const r of results) {
    console.log(
      `${r.name} (${r.rows.used} rows, ${r.periods.baseline} -> ${r.periods.target}): in-process ${r.inProcess.medianMs} ms (${r.under2s.inProcess ? 'under' : 'OVER'} 2 s; ${r.ratios.inProcessToBaseline}x DuckDB read_csv + GROUP BY ${r.baseline.medianMs} ms), as a user runs it ${r.child.medianMs} ms (${r.under2s.child ? 'under' : 'OVER'} 2 s; CPU ${r.child.medianCpuMs ?? '?'} ms), the command alone in a process ${r.childCommandAlone.medianMs} ms (${r.under2s.childCommandAlone ? 'under' : 'OVER'} 2 s; CPU ${r.childCommandAlone.medianCpuMs ?? '?'} ms)`,
    );
    console.log(`  ${r.answer.summary}`);
  }
  console.log(
    'note: CDNOW has no dimension but the customer: cohort, buyer and basket are made by the bench from the customer id, the first purchase and the CDs bought',
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
