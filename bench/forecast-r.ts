/**
 * Runs the R references (bench/forecast-refs.R) in one Rscript call and reads their
 * forecasts back. Says why when Rscript or a package is missing, instead of failing.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Forecast } from '#analysis/forecast/forecaster.ts';
import { parseCsv, toCsvText } from './forecast-csv.ts';
import type { BenchSeries } from './forecast-series.ts';

const run = promisify(execFile);

export interface RReferences {
  /** method -> series -> k -> forecast */
  forecasts: Map<string, Map<string, Map<number, Forecast>>>;
  /** method -> series -> elapsed seconds of all origins, one per repetition */
  seconds: Map<string, Map<string, number[]>>;
  methods: string[];
  notes: string[];
}

export async function rAvailable(
  pkg: string,
): Promise<{ ok: boolean; version: string; why?: string }> {
  try {
    const { stdout } = await run('Rscript', [
      '-e',
      `suppressPackageStartupMessages(library(${pkg})); cat(as.character(packageVersion("${pkg}")))`,
    ]);
    return { ok: true, version: stdout.trim() };
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    return {
      ok: false,
      version: '',
      why: e.code === 'ENOENT' ? 'Rscript is not installed' : (e.stderr ?? e.message).trim(),
    };
  }
}

export async function runR(
  dir: string,
  series: readonly BenchSeries[],
  h: number,
  origins: number,
  reps: number,
): Promise<RReferences> {
  const tasks = join(dir, 'tasks.csv');
  const out = join(dir, 'r-forecasts.csv');
  const times = join(dir, 'r-times.csv');
  await writeFile(
    tasks,
    toCsvText(
      ['series', 'group', 't', 'value', 'timed'],
      series.flatMap((s) =>
        s.values.map((v, i) => [s.name, s.group, i + 1, v, s.group === 'demo' ? 1 : 0]),
      ),
    ),
  );
  const { stderr } = await run(
    'Rscript',
    [
      new URL('./forecast-refs.R', import.meta.url).pathname,
      tasks,
      out,
      times,
      String(h),
      String(origins),
      String(reps),
    ],
    // TZ set: otherwise R asks timedatectl, which fails without systemd and warns.
    { maxBuffer: 64 << 20, env: { ...process.env, TZ: process.env['TZ'] ?? 'UTC' } },
  );
  const forecasts: RReferences['forecasts'] = new Map();
  for (const r of parseCsv(await readFile(out, 'utf8'))) {
    const byMethod = forecasts.get(r['method']!) ?? new Map<string, Map<number, Forecast>>();
    forecasts.set(r['method']!, byMethod);
    const bySeries = byMethod.get(r['series']!) ?? new Map<number, Forecast>();
    byMethod.set(r['series']!, bySeries);
    const k = Number(r['k']);
    let f = bySeries.get(k);
    if (!f)
      bySeries.set(k, (f = { mean: [], lower: { 80: [], 95: [] }, upper: { 80: [], 95: [] } }));
    const step = Number(r['step']) - 1;
    const num = (c: string) => (r[c] === 'NA' ? NaN : Number(r[c]));
    f.mean[step] = num('mean');
    f.lower[80][step] = num('lo80');
    f.upper[80][step] = num('hi80');
    f.lower[95][step] = num('lo95');
    f.upper[95][step] = num('hi95');
  }
  const seconds: RReferences['seconds'] = new Map();
  for (const r of parseCsv(await readFile(times, 'utf8'))) {
    const byMethod = seconds.get(r['method']!) ?? new Map<string, number[]>();
    seconds.set(r['method']!, byMethod);
    const list = byMethod.get(r['series']!) ?? [];
    byMethod.set(r['series']!, list);
    list.push(Number(r['seconds']));
  }
  const notes = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  return {
    forecasts,
    seconds,
    methods: [...seconds.keys()],
    notes,
  };
}
