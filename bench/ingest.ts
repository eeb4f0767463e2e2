/**
 * `npm run bench:ingest`: our ingest (full validation, quarantine, manifest, lake layout)
 * against the floor, DuckDB's own `COPY (SELECT * FROM read_csv(...)) TO ... (FORMAT
 * parquet, PARTITION_BY (month))` of the same file, measured in the same run: throughput
 * (MB/s of CSV) and peak RSS, median of several runs, each run in its own process.
 * Sizes: `BENCH_ROWS=1000000,10000000` (default), runs: `BENCH_RUNS=5` (default).
 * Writes bench/results/ingest.json and prints a summary.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { writeTransactionsCsv } from './ingest-data.ts';

const SIZES = (process.env['BENCH_ROWS'] ?? '1000000,10000000').split(',').map(Number);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const run = promisify(execFile);

interface Measure {
  ms: number;
  maxRssMb: number;
  rows: number;
}

async function measure(mode: 'ours' | 'baseline', csv: string, root: string): Promise<Measure> {
  const work = await mkdtemp(join(root, `${mode}-`));
  try {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './functions/platform/polyfills.ts',
        'bench/ingest-child.ts',
        mode,
        csv,
        work,
      ],
      { maxBuffer: 1 << 20 },
    );
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as Measure;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const root = await mkdtemp(join(tmpdir(), 'insights-bench-ingest-'));
const results = [];
try {
  for (const rows of SIZES) {
    const csv = join(root, `transactions-${rows}.csv`);
    const duck = await openDuckDb();
    await writeTransactionsCsv(duck, rows, csv);
    duck.close();
    const mb = (await stat(csv)).size / 1e6;
    process.stderr.write(`${rows.toLocaleString('en')} rows, ${mb.toFixed(1)} MB\n`);
    const samples: Record<'ours' | 'baseline', Measure[]> = { ours: [], baseline: [] };
    for (let i = 0; i < RUNS; i++) {
      // Alternate, so that a noisy neighbour slows both sides alike.
      for (const mode of ['baseline', 'ours'] as const) {
        const m = await measure(mode, csv, root);
        if (m.rows !== rows) throw new Error(`${mode} wrote ${m.rows} rows, expected ${rows}`);
        samples[mode].push(m);
        process.stderr.write(
          `  ${mode.padEnd(8)} run ${i + 1}/${RUNS}: ${(mb / (m.ms / 1000)).toFixed(1)} MB/s, peak RSS ${m.maxRssMb} MB\n`,
        );
      }
    }
    const summary = (mode: 'ours' | 'baseline') => {
      const ms = median(samples[mode].map((s) => s.ms));
      return {
        medianMs: Math.round(ms),
        medianMBps: Number((mb / (ms / 1000)).toFixed(1)),
        medianPeakRssMb: median(samples[mode].map((s) => s.maxRssMb)),
        samplesMs: samples[mode].map((s) => Math.round(s.ms)),
        samplesPeakRssMb: samples[mode].map((s) => s.maxRssMb),
      };
    };
    const ours = summary('ours');
    const baseline = summary('baseline');
    results.push({
      rows,
      csvMB: Number(mb.toFixed(1)),
      ours,
      baseline,
      throughputVsBaseline: Number((ours.medianMBps / baseline.medianMBps).toFixed(2)),
    });
    await rm(csv, { force: true });
  }
} finally {
  await rm(root, { recursive: true, force: true });
}

const result = {
  benchmark:
    'ingest of a transactions CSV (10 columns: ids, date, money, channel) to the lake with full validation, against DuckDB COPY read_csv -> Parquet PARTITION_BY month',
  measuredAt: new Date().toISOString(),
  node: process.version,
  runs: RUNS,
  targets: { throughputVsBaseline: 0.6, peakRssMbAt10M: 1536 },
  results,
};
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/ingest.json', import.meta.url),
  JSON.stringify(result, null, 2) + '\n',
);
for (const r of results) {
  console.log(
    `${r.rows.toLocaleString('en')} rows (${r.csvMB} MB), median of ${RUNS}: ours ${r.ours.medianMBps} MB/s, peak RSS ${r.ours.medianPeakRssMb} MB; ` +
      `DuckDB COPY ${r.baseline.medianMBps} MB/s, ${r.baseline.medianPeakRssMb} MB; ratio ${r.throughputVsBaseline}x`,
  );
}
