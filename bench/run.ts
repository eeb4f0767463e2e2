/**
 * `npm run bench`: the demo pipeline end to end, timed per step, median of several runs,
 * with a baseline measured in the same run: DuckDB converting the same CSV files to
 * Parquet with no validation, the floor that our ingest is compared with.
 * Writes bench/results/demo.json and prints a summary.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runReportWorkflow } from '#cli/local-workflow.ts';
import { ingestFiles } from '#cli/ingest-files.ts';
import { consoleProgress } from '#cli/progress.ts';
import { writeDemo } from '#demo/generate.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { quoteLiteral } from '#query/sql.ts';
import { localRuntime } from '#platform/local/runtime.ts';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 5);
const quiet = consoleProgress(process.stderr, true);

interface Sample {
  generateMs: number;
  ingestMs: number;
  reportMs: number;
  totalMs: number;
  baselineCopyMs: number;
}

async function once(): Promise<Sample> {
  const dir = await mkdtemp(join(tmpdir(), 'insights-bench-'));
  try {
    let t = performance.now();
    const demo = await writeDemo(join(dir, 'data'));
    const generateMs = performance.now() - t;

    // Baseline: the same files, straight to Parquet by DuckDB, no validation, no lake.
    const duck = await openDuckDb();
    t = performance.now();
    for (const f of demo.files) {
      const target = join(dir, 'baseline', `${f.dataset}.parquet`);
      await mkdir(join(dir, 'baseline'), { recursive: true });
      await duck.run(
        `COPY (SELECT * FROM read_csv(${quoteLiteral(f.path)})) TO ${quoteLiteral(target)} (FORMAT parquet)`,
      );
    }
    const baselineCopyMs = performance.now() - t;
    duck.close();

    const runtime = await localRuntime({ lake: join(dir, 'lake'), outbox: join(dir, 'outbox') });
    t = performance.now();
    const outcomes = await ingestFiles(
      runtime,
      demo.files.map((f) => f.path),
      {},
      quiet,
    );
    // A broken ingest is fast: refuse to time it.
    const failed = outcomes.filter((o) => o.error || o.result?.manifest.fileError);
    if (failed.length) throw new Error(`ingest failed for ${failed.map((o) => o.file).join(', ')}`);
    const ingestMs = performance.now() - t;
    t = performance.now();
    await runReportWorkflow(runtime, { runId: 'bench', trigger: 'bench' });
    const reportMs = performance.now() - t;
    runtime.close();
    return {
      generateMs,
      ingestMs,
      reportMs,
      totalMs: generateMs + ingestMs + reportMs,
      baselineCopyMs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const samples: Sample[] = [];
await once(); // warm-up: module loading and DuckDB's first start are not what we measure
for (let i = 0; i < RUNS; i++) {
  samples.push(await once());
  process.stderr.write(`run ${i + 1}/${RUNS}: ${samples.at(-1)!.totalMs.toFixed(0)} ms\n`);
}
const medians = Object.fromEntries(
  (Object.keys(samples[0]!) as (keyof Sample)[]).map((k) => [
    k,
    Math.round(median(samples.map((s) => s[k]))),
  ]),
) as Record<keyof Sample, number>;
const result = {
  benchmark:
    'demo end to end (seed sizes: 500 customers, 1,095 days, 200 products, 5,000 transactions)',
  measuredAt: new Date().toISOString(),
  node: process.version,
  runs: RUNS,
  medianMs: medians,
  ingestVsBaselineCopy: Number((medians.ingestMs / medians.baselineCopyMs).toFixed(2)),
  samples: samples.map((s) =>
    Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(v)])),
  ),
};
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/demo.json', import.meta.url),
  JSON.stringify(result, null, 2) + '\n',
);
console.log(
  `demo end to end, median of ${RUNS}: generate ${medians.generateMs} ms, ingest ${medians.ingestMs} ms ` +
    `(${result.ingestVsBaselineCopy}x a bare DuckDB CSV->Parquet copy of the same files, ${medians.baselineCopyMs} ms), ` +
    `report workflow ${medians.reportMs} ms, total ${medians.totalMs} ms`,
);
