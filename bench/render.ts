/**
 * `npm run bench:render`: rendering the demo report from its stored report.json, as
 * `insights report` does, against a baseline measured in the same run: `JSON.parse` and
 * `JSON.stringify` of the same report.json, the least any re-rendering of it costs.
 *
 * The demo (seed 42) is generated, ingested and run once through the real workflow; its
 * report.json is then parsed and rendered `BENCH_RUNS` times (default 15, at least 9) after
 * 3 warm-up rounds, each round timing, one after the other on the same model: the baseline,
 * `renderReport` (all it renders), and apart, its Markdown (`renderMarkdown`) and its charts
 * and HTML page (`reportCharts` + `renderHtml` from that Markdown, as `renderReport` makes
 * them). Before timing, the re-rendering is checked to give the stored files byte for byte.
 * Writes bench/results/render.json and prints a summary.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseReport } from '#cli/find-report.ts';
import { ingestFiles } from '#cli/ingest-files.ts';
import { runReportWorkflow } from '#cli/local-workflow.ts';
import { consoleProgress } from '#cli/progress.ts';
import { writeDemo } from '#demo/generate.ts';
import { localRuntime } from '#platform/local/runtime.ts';
import { renderHtml } from '#report/html.ts';
import { renderMarkdown } from '#report/markdown.ts';
import type { ReportModel } from '#report/model.ts';
import { renderReport } from '#report/render.ts';
import { reportCharts } from '#report/report-charts.ts';
import { runKeys } from '#workflow/run-keys.ts';

const RUNS = Math.max(9, Number(process.env['BENCH_RUNS'] ?? 15));
const WARM_UP = 3;
const RUN_ID = 'bench-render';

interface Sample {
  /** JSON.parse + JSON.stringify(model, null, 2) of report.json. */
  baselineJsonMs: number;
  /** renderReport: all it renders (Markdown, charts and HTML, JSON, CSV tables). */
  renderMs: number;
  markdownMs: number;
  /** reportCharts + renderHtml, given the Markdown. */
  chartsHtmlMs: number;
}

/** The demo's stored report files, from a fresh demo run in a temporary folder. */
async function demoReport(): Promise<{ json: string; md: string; html: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'insights-bench-render-'));
  try {
    const demo = await writeDemo(join(dir, 'data'));
    const runtime = await localRuntime({ lake: join(dir, 'lake'), outbox: join(dir, 'outbox') });
    try {
      await ingestFiles(
        runtime,
        demo.files.map((f) => f.path),
        {},
        consoleProgress(process.stderr, true),
      );
      await runReportWorkflow(runtime, { runId: RUN_ID, trigger: 'bench' });
    } finally {
      runtime.close();
    }
    const keys = runKeys(RUN_ID);
    const read = (key: string) => readFile(join(dir, 'lake', key), 'utf8');
    return {
      json: await read(keys.reportJson),
      md: await read(keys.reportMarkdown),
      html: await read(keys.reportHtml),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const time = (work: () => unknown): number => {
  const t = performance.now();
  work();
  return performance.now() - t;
};

function once(text: string, model: ReportModel): Sample {
  const baselineJsonMs = time(() => JSON.stringify(JSON.parse(text), null, 2));
  const renderMs = time(() => renderReport(model));
  let markdown = '';
  const markdownMs = time(() => (markdown = renderMarkdown(model)));
  const chartsHtmlMs = time(() =>
    renderHtml(markdown, `Insights report ${model.run.runId}`, { charts: reportCharts(model) }),
  );
  return { baselineJsonMs, renderMs, markdownMs, chartsHtmlMs };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;

const stored = await demoReport();
const model = parseReport(stored.json, 'report.json');
// Time nothing broken: the re-rendering must be the run's own, byte for byte.
const again = renderReport(model);
for (const [name, ours, theirs] of [
  ['report.md', again.markdown, stored.md],
  ['report.html', again.html, stored.html],
  ['report.json', again.json, stored.json],
] as const) {
  if (ours !== theirs) throw new Error(`re-rendered ${name} differs from the stored one`);
}

for (let i = 0; i < WARM_UP; i++) once(stored.json, model);
const samples: Sample[] = [];
for (let i = 0; i < RUNS; i++) samples.push(once(stored.json, model));

const medians = Object.fromEntries(
  (Object.keys(samples[0]!) as (keyof Sample)[]).map((k) => [
    k,
    round(median(samples.map((s) => s[k]))),
  ]),
) as Record<keyof Sample, number>;
const charts = [...reportCharts(model).values()].flat().length;
const kb = (text: string) => round(Buffer.byteLength(text) / 1024);
const result = {
  benchmark:
    'rendering the demo report (seed 42) from its stored report.json: renderReport (all it renders), against JSON.parse + JSON.stringify of the same report.json',
  measuredAt: new Date().toISOString(),
  node: process.version,
  runs: RUNS,
  warmUp: WARM_UP,
  report: {
    findings: model.findings.length,
    charts,
    jsonKB: kb(stored.json),
    markdownKB: kb(stored.md),
    htmlKB: kb(stored.html),
  },
  medianMs: medians,
  renderVsBaselineJson: Number((medians.renderMs / medians.baselineJsonMs).toFixed(2)),
  samples: samples.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v)]))),
};
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/render.json', import.meta.url),
  JSON.stringify(result, null, 2) + '\n',
);
console.log(
  `render the demo report (${result.report.findings} findings, ${charts} charts; report.json ${result.report.jsonKB} KB, ` +
    `report.md ${result.report.markdownKB} KB, report.html ${result.report.htmlKB} KB), median of ${RUNS}: ` +
    `renderReport ${medians.renderMs} ms (${result.renderVsBaselineJson}x JSON.parse + JSON.stringify of report.json, ${medians.baselineJsonMs} ms); ` +
    `of which Markdown ${medians.markdownMs} ms, charts and HTML ${medians.chartsHtmlMs} ms`,
);
