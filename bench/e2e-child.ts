/**
 * One measured end-to-end run, in its own process so that its peak RSS is its own:
 * `e2e-child.ts <size> <work-dir>`, size `demo`, `1m`, `10m` (or any `<n>`/`<n>k`/`<n>m`
 * transactions, with 100,000 customers). Generates the data under `<work-dir>/data`,
 * ingests each file into `<work-dir>/lake`, runs the report workflow, and prints one JSON
 * line: the wall time of each phase (generate, ingest per dataset, each workflow step and
 * each analysis), the rows, and the process's peak RSS. Module loading is not timed.
 */
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ingestFile } from '#cli/ingest-files.ts';
import { runReportWorkflow } from '#cli/local-workflow.ts';
import { consoleProgress } from '#cli/progress.ts';
import { writeDemo, type DemoOptions } from '#demo/generate.ts';
import { localRuntime } from '#platform/local/runtime.ts';

const [size, work] = process.argv.slice(2) as [string, string];

/** The demo's options for a size name: `demo` is the seed sizes. */
function sizeOptions(name: string): DemoOptions {
  if (name === 'demo') return {};
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(name);
  if (!m) throw new Error(`unknown size ${JSON.stringify(name)}: demo, 1m, 10m, 250k, ...`);
  const scale = { '': 1, k: 1e3, m: 1e6 }[m[2]!.toLowerCase() as '' | 'k' | 'm'];
  return { transactions: Math.round(Number(m[1]) * scale), customers: 100_000 };
}

const verbose = process.env['BENCH_E2E_VERBOSE'] === '1';
const started = performance.now();
const log = (line: string) => {
  if (verbose)
    process.stderr.write(
      `[${size} ${((performance.now() - started) / 1000).toFixed(1)} s] ${line}\n`,
    );
};
const quiet = consoleProgress(process.stderr, true);

// Peak RSS per phase, sampled (the process's own peak, exact, is maxRSS at the end).
let phase = 'start';
const phasePeakMb: Record<string, number> = {};
const sample = () => {
  const mb = Math.round(process.memoryUsage.rss() / 2 ** 20);
  phasePeakMb[phase] = Math.max(phasePeakMb[phase] ?? 0, mb);
};
const sampler = setInterval(sample, 50);

const steps: Record<string, number> = {};
const analyses: Record<string, number> = {};
async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  sample();
  phase = name;
  const t = performance.now();
  try {
    return await work();
  } finally {
    steps[name] = performance.now() - t;
    sample();
    log(`${name}: ${(steps[name] / 1000).toFixed(2)} s, RSS ${phasePeakMb[name]} MB`);
  }
}

const options = sizeOptions(size);
const demo = await timed('generate', () => writeDemo(join(work, 'data'), options));
const runtime = await localRuntime({ lake: join(work, 'lake'), outbox: join(work, 'outbox') });
let rowsCurated = 0;
const notComputed: string[] = [];
try {
  for (const file of demo.files) {
    const outcome = await timed(`ingest ${file.dataset}`, () =>
      ingestFile(runtime, file.path, {}, quiet),
    );
    const manifest = outcome.result?.manifest;
    // A broken ingest is fast: refuse to time it.
    if (outcome.error || !manifest || manifest.fileError)
      throw new Error(`ingest of ${file.path} failed: ${outcome.error ?? manifest?.fileError}`);
    rowsCurated += manifest.rowsCurated;
  }
  const workflowStart = performance.now();
  const tasks: { state: string; startMs: number; ms: number }[] = [];
  phase = 'workflow';
  const result = await runReportWorkflow(runtime, {
    runId: 'bench',
    trigger: 'bench',
    // The Map's analyses overlap: their RSS samples share the phase `analyze`.
    onTaskStarted: (task) => {
      sample();
      phase = task.state;
      log(`${task.analysisId ?? task.state} started`);
    },
    onTaskTimed: (task) => {
      tasks.push(task);
      if (task.analysisId !== undefined) analyses[task.analysisId] = task.ms;
      else steps[task.state] = task.ms;
      log(`${task.analysisId ?? task.state}: ${(task.ms / 1000).toFixed(2)} s`);
    },
  });
  steps['workflow'] = performance.now() - workflowStart;
  // A run whose analyses failed (a timeout) is fast and wrong: refuse to time it. What the
  // report says it could not compute, and why, goes with the figures.
  const report = JSON.parse(
    await runtime.store.getText(result.reportKey.replace(/\.html$/, '.json')),
  ) as { notComputed: { analysisId: string; reason: string }[] };
  const failed = report.notComputed.filter((n) => n.reason.startsWith('the analysis failed'));
  if (failed.length > 0)
    throw new Error(
      `analyses failed: ${failed.map((f) => `${f.analysisId} (${f.reason})`).join('; ')}`,
    );
  notComputed.push(...report.notComputed.map((n) => `${n.analysisId}: ${n.reason}`));
  // The Map's wall time: from its first analysis starting to its last ending.
  const map = tasks.filter((t) => t.state === 'analyze');
  if (map.length > 0)
    steps['analyze'] =
      Math.max(...map.map((t) => t.startMs + t.ms)) - Math.min(...map.map((t) => t.startMs));
} finally {
  runtime.close();
  clearInterval(sampler);
  // The runtime's scratch folder (DuckDB's spill files), which the CLI leaves to the OS.
  await rm(runtime.workDir, { recursive: true, force: true });
}

console.log(
  JSON.stringify({
    size,
    options: demo.groundTruth.options,
    rowsCurated,
    stepsMs: Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, Math.round(v)])),
    analysesMs: Object.fromEntries(Object.entries(analyses).map(([k, v]) => [k, Math.round(v)])),
    phasePeakRssMb: phasePeakMb,
    notComputed,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }),
);
// Nothing is left to wait for; DuckDB's worker threads can keep the process up a while.
process.exit(0);
