/**
 * The series of `npm run bench:forecast`: every series the report forecasts on the demo data
 * (the demo ingested into a temporary lake, then the report's own Plan and Aggregate steps:
 * series discovery from daily totals in SQL, gaps filled for the models and never scored),
 * and the real daily series that bench/forecast-data.R exports from installed R packages.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SeriesDiscovery } from '#analysis/series-discovery.ts';
import type { RegularSeries } from '#analysis/forecast/series.ts';
import { ingestFiles } from '#cli/ingest-files.ts';
import { consoleProgress } from '#cli/progress.ts';
import { writeDemo } from '#demo/generate.ts';
import { localRuntime } from '#platform/local/runtime.ts';
import { aggregateRun, type RunAggregates } from '#workflow/aggregate.ts';
import { planRun } from '#workflow/plan.ts';
import { parseCsv } from './forecast-csv.ts';

export interface BenchSeries {
  name: string;
  /** demo | real_weekly | real_daily_no_weekly */
  group: string;
  values: number[];
  /** false where the value was missing and interpolated: used to train, never scored. */
  observed: boolean[];
  /** The demo's series as the report holds it (dates, frequency, notes). */
  regular?: RegularSeries;
}

export async function demoSeries(dir: string): Promise<BenchSeries[]> {
  const demo = await writeDemo(join(dir, 'demo'));
  const runtime = await localRuntime({ lake: join(dir, 'lake'), outbox: join(dir, 'outbox') });
  try {
    const quiet = consoleProgress(process.stderr, true);
    const outcomes = await ingestFiles(
      runtime,
      demo.files.map((f) => f.path),
      {},
      quiet,
    );
    if (outcomes.some((o) => o.error)) throw new Error('the demo did not ingest');
    const runId = 'bench-forecast';
    const { planKey } = await planRun(runtime, { runId, startedAt: new Date().toISOString() });
    const { aggregatesKey } = await aggregateRun(runtime, { runId, planKey });
    const read = async <T>(key: string) => JSON.parse(await runtime.store.getText(key)) as T;
    const aggregates = await read<RunAggregates>(aggregatesKey);
    const out: BenchSeries[] = [];
    for (const [dataset, a] of Object.entries(aggregates.datasets)) {
      if (!a.seriesKey) continue;
      const discovery = await read<SeriesDiscovery>(a.seriesKey);
      for (const d of discovery.series) {
        if (d.series.frequency !== 'daily') throw new Error(`${dataset} ${d.name}: not daily`);
        out.push({
          name: `${dataset}.${d.name}`,
          group: 'demo',
          values: d.series.values,
          observed: d.series.observed,
          regular: d.series,
        });
      }
    }
    return out;
  } finally {
    runtime.close();
  }
}

const run = promisify(execFile);

/** Real series from R's installed packages (bench/forecast-data.R); [] without Rscript. */
export async function realSeries(dir: string): Promise<BenchSeries[]> {
  const csv = join(dir, 'real.csv');
  await run('Rscript', [new URL('./forecast-data.R', import.meta.url).pathname, csv]);
  const rows = parseCsv(await readFile(csv, 'utf8'));
  const by = new Map<string, BenchSeries>();
  for (const r of rows) {
    let s = by.get(r['series']!);
    if (!s)
      by.set(
        r['series']!,
        (s = { name: r['series']!, group: r['group']!, values: [], observed: [] }),
      );
    const v = Number(r['value']);
    s.values.push(v);
    s.observed.push(Number.isFinite(v));
  }
  for (const s of by.values())
    if (s.observed.some((o) => !o)) throw new Error(`${s.name}: missing values`);
  return [...by.values()];
}
