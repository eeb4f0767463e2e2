/**
 * `npm run bench:forecast`: our forecaster (the chooser of functions/analysis/forecast, run
 * as a model so that at each origin it chooses on that origin's training data only) against
 * R's forecast::ets, forecast::auto.arima and snaive (and Prophet when installed), on the same
 * series and the same protocol: horizon 7, 5 rolling origins k = 5..1, origin k training on
 * points 1..n-7k and forecasting n-7k+1..n-7k+7; MASE scaled by the in-sample seasonal naive
 * (m = 7) of each origin's training data, sMAPE, 80%/95% interval coverage. Every method is
 * scored from its forecasts by the same code (functions/analysis/forecast/metrics.ts).
 * Series: the demo's daily series and real daily series from installed R packages (see
 * bench/forecast-data.R). Time: the report's forecast analysis of all the demo's series (the
 * forecast and the nested backtest) against R's ets fitted at the same 5 origins, per series,
 * median of 3 (`BENCH_RUNS`), in the same run.
 * Writes bench/results/forecast.json and prints a summary.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { autoModel } from '#analysis/forecast/auto.ts';
import { evaluateSeries } from '#analysis/forecast/evaluate.ts';
import { backtest, runForecaster } from '#analysis/forecast/backtest.ts';
import type { Forecast, Level } from '#analysis/forecast/forecaster.ts';
import { coverageCounts, mase, smape } from '#analysis/forecast/metrics.ts';
import { FORECASTERS, MODELS } from '#analysis/forecast/models.ts';
import { rAvailable, runR } from './forecast-r.ts';
import { demoSeries, realSeries, type BenchSeries } from './forecast-series.ts';

const H = 7;
const ORIGINS = 5;
const M = 7;
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const mean = (xs: number[]) => {
  const f = xs.filter((x) => Number.isFinite(x));
  return f.length ? f.reduce((a, b) => a + b, 0) / f.length : NaN;
};

/** One method's score on one series: the same code for every method. */
interface SeriesScore {
  series: string;
  group: string;
  mase: number;
  smape: number;
  inside: Record<Level, number>;
  scored: number;
  /** Origins without a forecast (the method failed). */
  failed: number;
}

function score(s: BenchSeries, forecastAt: (k: number) => Forecast | undefined): SeriesScore {
  const n = s.values.length;
  const maseK: number[] = [];
  const smapeK: number[] = [];
  const inside = { 80: 0, 95: 0 };
  let scored = 0;
  let failed = 0;
  for (let k = ORIGINS; k >= 1; k--) {
    const trainEnd = n - H * k;
    const train = s.values.slice(0, trainEnd);
    const actual = s.values
      .slice(trainEnd, trainEnd + H)
      .map((v, j) => (s.observed[trainEnd + j] ? v : NaN));
    const f = forecastAt(k);
    if (!f || f.mean.length !== H || f.mean.some((x) => !Number.isFinite(x))) {
      failed++;
      continue;
    }
    maseK.push(mase(actual, f.mean, train, M));
    smapeK.push(smape(actual, f.mean));
    for (const level of [80, 95] as const) inside[level] += coverageCounts(actual, f, level).inside;
    scored += coverageCounts(actual, f, 80).scored;
  }
  return {
    series: s.name,
    group: s.group,
    mase: mean(maseK),
    smape: mean(smapeK),
    inside,
    scored,
    failed,
  };
}

function summarise(scores: SeriesScore[]) {
  const scored = scores.reduce((a, s) => a + s.scored, 0);
  const cov = (level: Level) =>
    scored ? scores.reduce((a, s) => a + s.inside[level], 0) / scored : NaN;
  return {
    series: scores.length,
    meanMase: round(mean(scores.map((s) => s.mase))),
    meanSmape: round(mean(scores.map((s) => s.smape))),
    coverage80: round(cov(80)),
    coverage95: round(cov(95)),
    holdoutPoints: scored,
    failedOrigins: scores.reduce((a, s) => a + s.failed, 0),
  };
}

const round = (x: number, d = 4) => (Number.isFinite(x) ? Number(x.toFixed(d)) : null);

const dir = await mkdtemp(join(tmpdir(), 'insights-bench-forecast-'));
try {
  const notes: string[] = [];
  const demo = await demoSeries(dir);
  const forecastPkg = await rAvailable('forecast');
  const prophetPkg = await rAvailable('prophet');
  if (!prophetPkg.ok)
    notes.push(
      `Prophet not run: library(prophet) fails in R (${prophetPkg.why?.includes('no package') ? 'not installed' : 'error'}); its target (well below Prophet's MASE) is not measured`,
    );
  let real: BenchSeries[] = [];
  if (forecastPkg.ok) real = await realSeries(dir);
  else notes.push(`R references and real series not run: ${forecastPkg.why}`);
  const all = [...demo, ...real];

  // Ours: the chooser, backtested (nested: it chooses at each origin on that training data).
  const ours = new Map<string, Map<number, Forecast>>();
  const chosen: Record<string, string[]> = {};
  const backtestAll = (list: BenchSeries[]) => {
    for (const s of list) {
      const picks: string[] = [];
      const r = backtest(
        autoModel({ observed: s.observed, onChoice: (c) => picks.push(c.model.name) }),
        s.values,
        H,
        ORIGINS,
        M,
        s.observed,
      );
      ours.set(s.name, new Map(r.origins.map((o) => [o.k, o.forecast])));
      chosen[s.name] = picks;
    }
  };
  backtestAll(demo);
  backtestAll(real);

  // Time: the report's forecast analysis of every demo series (evaluateSeries as the report
  // calls it: the choice and forecast after the last point, the nested backtest of the whole
  // procedure and seasonal naive on its origins), after a warm-up, median of runs.
  const reportAnalysis = () => {
    for (const s of demo)
      evaluateSeries(s.regular!, {
        horizon: H,
        backtest: ORIGINS,
        fewerOrigins: true,
        forecast: true,
        baseline: true,
        label: s.name,
      });
  };
  reportAnalysis();
  const oursDemoMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    reportAnalysis();
    oursDemoMs.push(performance.now() - t);
  }

  // Our single models on the same protocol (the chooser's candidates and the models that
  // are not candidates because they did not pay), each fitted afresh at every origin.
  // Each timed on the demo's series like R's (median of runs), to compare like with like.
  const single = new Map<string, Map<string, Map<number, Forecast>>>();
  const singleDemoMs = new Map<string, number>();
  for (const model of Object.values(MODELS)) {
    const byS = new Map<string, Map<number, Forecast>>();
    const origins = (list: BenchSeries[]) => {
      for (const s of list) {
        const byK = new Map<number, Forecast>();
        for (let k = ORIGINS; k >= 1; k--)
          byK.set(k, runForecaster(model, s.values.slice(0, s.values.length - H * k), H, M));
        byS.set(s.name, byK);
      }
    };
    const ms: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      origins(demo);
      ms.push(performance.now() - t);
    }
    singleDemoMs.set(model.name, median(ms));
    origins(real);
    single.set(model.name, byS);
  }

  const methods: Record<string, Map<string, Map<number, Forecast>>> = { ours };
  for (const [name, byS] of single) methods[`ours:${name}`] = byS;
  let rSeconds: Map<string, Map<string, number[]>> | undefined;
  let rMethods: string[] = [];
  if (forecastPkg.ok) {
    const t = performance.now();
    const r = await runR(dir, all, H, ORIGINS, RUNS);
    process.stderr.write(`R references: ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    for (const [name, byS] of r.forecasts) methods[`R:${name}`] = byS;
    rSeconds = r.seconds;
    rMethods = r.methods.map((m) => `R:${m}`);
    notes.push(...r.notes.map((n) => `R: ${n}`));
  }

  const groups = ['all', ...new Set(all.map((s) => s.group))];
  const perMethod: Record<string, unknown> = {};
  const perSeries: Record<string, Record<string, unknown>> = {};
  for (const [name, byS] of Object.entries(methods)) {
    const scores = all.map((s) => score(s, (k) => byS.get(s.name)?.get(k)));
    const byGroup = Object.fromEntries(
      groups.map((g) => [g, summarise(scores.filter((s) => g === 'all' || s.group === g))]),
    );
    let time: Record<string, number | null> | undefined;
    if (name === 'ours') {
      const total = median(oursDemoMs);
      time = {
        demoAllSeriesMs: Math.round(total),
        demoPerSeriesMs: round(total / demo.length, 1),
      };
    } else if (name.startsWith('ours:')) {
      const total = singleDemoMs.get(name.slice(5))!;
      time = {
        demoAllSeriesMs: Math.round(total),
        demoPerSeriesMs: round(total / demo.length, 1),
      };
    } else if (rSeconds && name.startsWith('R:')) {
      const sec = rSeconds.get(name.slice(2));
      const perSeriesMs = demo.map((s) => median(sec?.get(s.name) ?? [NaN]) * 1000);
      time = {
        demoAllSeriesMs: Math.round(perSeriesMs.reduce((a, b) => a + b, 0)),
        demoPerSeriesMs: round(mean(perSeriesMs), 1),
      };
    }
    perMethod[name] = { ...byGroup, ...(time ? { time } : {}) };
    for (const s of scores)
      (perSeries[s.series] ??= {})[name] = { mase: round(s.mase), smape: round(s.smape, 2) };
  }

  const result = {
    benchmark:
      'forecast accuracy and time: horizon 7, 5 rolling origins (origin k trains on 1..n-7k), MASE scaled by the in-sample seasonal naive (m = 7)',
    measuredAt: new Date().toISOString(),
    node: process.version,
    r: forecastPkg.ok
      ? { forecast: forecastPkg.version, prophet: prophetPkg.ok ? prophetPkg.version : null }
      : null,
    runs: RUNS,
    time: `ours = the report's forecast analysis of every demo series (evaluateSeries: the choice among ${FORECASTERS.map((f) => f.name).join(', ')} and the forecast after the last point, the nested backtest of that whole procedure at 5 origins, and seasonal naive on them), median of runs after a warm-up; ours:MODEL = that one model fitted and forecast at the 5 origins of every demo series, median of runs; R = elapsed inside R for fitting and forecasting the 5 origins of each series, median of runs (auto.arima, snaive: 1 run), R startup excluded`,
    series: all.map((s) => ({
      name: s.name,
      group: s.group,
      points: s.values.length,
      missingInterpolated: s.observed.filter((o) => !o).length,
      oursChose: chosen[s.name],
    })),
    methods: perMethod,
    perSeries,
    notes,
    oursDemoMsSamples: oursDemoMs.map((x) => Math.round(x)),
  };
  await mkdir(new URL('./results/', import.meta.url), { recursive: true });
  await writeFile(
    new URL('./results/forecast.json', import.meta.url),
    JSON.stringify(result, null, 2) + '\n',
  );

  const line = (name: string) => {
    const m = perMethod[name] as Record<string, ReturnType<typeof summarise>> & {
      time?: Record<string, number | null>;
    };
    const cells = groups.map((g) => {
      const x = m[g]!;
      return `${g}: MASE ${x.meanMase?.toFixed(3)} sMAPE ${x.meanSmape?.toFixed(1)} cov ${pct(x.coverage80)}/${pct(x.coverage95)}`;
    });
    const time = m.time
      ? ` | demo ${m.time['demoAllSeriesMs']} ms (${m.time['demoPerSeriesMs']} ms/series)`
      : '';
    return `${name.padEnd(14)} ${cells.join(' | ')}${time}`;
  };
  console.log(
    `forecast benchmark: ${demo.length} demo series, ${real.length} real; h = ${H}, ${ORIGINS} origins, MASE m = ${M}; coverage 80%/95%`,
  );
  for (const name of ['ours', ...rMethods, ...[...single.keys()].map((k) => `ours:${k}`)])
    console.log(line(name));
  for (const n of notes) console.log(`note: ${n}`);
} finally {
  await rm(dir, { recursive: true, force: true });
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(100 * x).toFixed(0)}%`;
}
