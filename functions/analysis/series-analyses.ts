import { detectAnomalies, MIN_POINTS } from '#analysis/anomaly/detect.ts';
import type { AnomalyFlag } from '#analysis/anomaly/types.ts';
import { evaluateSeries, type BacktestMetrics } from '#analysis/forecast/evaluate.ts';
import type {
  ForecastErrors,
  ForecastFinding,
  SeriesAnomaly,
  SeriesAnomalyFinding,
  SeriesFacts,
} from '#report/findings.ts';
import type { DiscoveredSeries, SeriesDiscovery } from './series-discovery.ts';

/**
 * The report's time-series analyses over the series a dataset's discovery found: a
 * forecast per series (`evaluate.ts`, the same computation as `insights forecast`) and its
 * anomalies (`detectAnomalies`, as `insights detect`). What the data does not support is
 * returned as sentences, each naming its series, for the report's "Not computed".
 */

export interface SeriesAnalysis<F> {
  findings: F[];
  notComputed: string[];
}

/** Series discovery's refusals, one sentence each (an irregular time column, too sparse). */
export function refusals(discovery: SeriesDiscovery): string[] {
  return discovery.refused.map((r) => `${r.names.join(', ')}: ${r.reason}`);
}

/**
 * Per series: the model chosen by backtest and why, the backtest of that whole procedure
 * over `origins` rolling origins (fewer, and said, when the history is short) beside
 * seasonal naive on the same origins, and the forecast of `horizon` steps after the last date.
 */
export function forecastFindings(
  discovery: SeriesDiscovery,
  settings: { horizon: number; origins: number },
): SeriesAnalysis<ForecastFinding> {
  const out: SeriesAnalysis<ForecastFinding> = { findings: [], notComputed: refusals(discovery) };
  for (const d of discovery.series) {
    const e = evaluateSeries(d.series, {
      horizon: settings.horizon,
      backtest: settings.origins,
      fewerOrigins: true,
      forecast: true,
      baseline: true,
      label: d.name,
    });
    if (e.error !== undefined || !e.model || !e.forecast) {
      out.notComputed.push(`no forecast of ${e.error ?? d.name}`);
      continue;
    }
    const b = e.backtest;
    out.findings.push({
      id: `forecast:${discovery.dataset}:${d.name}`,
      kind: 'forecast',
      ...facts(discovery, d, e.period, e.notes),
      horizon: settings.horizon,
      model: e.model,
      reason: e.reason ?? '',
      candidates: Object.entries(e.candidates ?? {}).map(([model, m]) => ({
        model,
        ...errors(m),
      })),
      ...(b
        ? {
            backtest: {
              ...errors(b),
              origins: b.origins.length,
              scored: b.scored,
              models: b.origins.map((o) => o.model),
              baseline: { model: b.baseline?.model ?? '', ...errors(b.baseline) },
            },
          }
        : {}),
      forecast: e.forecast.map(({ ds, yhat, lo80, hi80, lo95, hi95 }) => ({
        ds,
        yhat,
        lo80,
        hi80,
        lo95,
        hi95,
      })),
      recent: recentHistory(d, RECENT_POINTS(settings.horizon)),
    });
  }
  return out;
}

/** Per series: the points far from a robust seasonal baseline and lasting level shifts, grouped into incidents. */
export function seriesAnomalyFindings(
  discovery: SeriesDiscovery,
): SeriesAnalysis<SeriesAnomalyFinding> {
  const out: SeriesAnalysis<SeriesAnomalyFinding> = {
    findings: [],
    notComputed: refusals(discovery),
  };
  for (const d of discovery.series) {
    const points = d.series.values.length;
    if (points < MIN_POINTS) {
      out.notComputed.push(
        `${d.name}: ${points} points, need ${MIN_POINTS} to tell odd values from usual ones`,
      );
      continue;
    }
    const result = detectAnomalies(d.series);
    // A series that is never negative (money, counts) has no value below 0 to flag.
    const floor = d.series.values.every((v) => v >= 0) ? 0 : -Infinity;
    const anomaly = (f: AnomalyFlag): SeriesAnomaly => ({
      date: f.timestamp,
      value: round(f.value),
      expected: round(f.expected),
      lower: round(Math.max(floor, f.lower)),
      upper: round(f.upper),
      score: round(f.score),
      direction: f.direction,
      method: f.method,
    });
    out.findings.push({
      id: `series-anomalies:${discovery.dataset}:${d.name}`,
      kind: 'series_anomalies',
      ...facts(discovery, d, result.period, [...d.series.notes, ...result.notes]),
      tests: result.tests,
      threshold: round(result.threshold),
      valueScale: result.valueScale,
      anomalies: result.flags.map(anomaly),
      incidents: result.incidents.map((i) => ({
        start: i.start,
        end: i.end,
        flags: i.flags,
        peak: anomaly(i.peak),
        direction: i.direction,
        methods: i.methods,
      })),
    });
  }
  return out;
}

/** History points the report draws before a forecast: twelve horizons, at least 90. */
const RECENT_POINTS = (horizon: number) => Math.max(90, 12 * horizon);

function recentHistory(
  d: DiscoveredSeries,
  points: number,
): { date: string; value: number | null }[] {
  const s = d.series;
  const from = Math.max(0, s.values.length - points);
  return s.dates.slice(from).map((date, i) => ({
    date,
    value: s.observed[from + i] ? round(s.values[from + i]!) : null,
  }));
}

function facts(
  discovery: SeriesDiscovery,
  d: DiscoveredSeries,
  period: number,
  notes: string[],
): SeriesFacts {
  const s = d.series;
  return {
    dataset: discovery.dataset,
    ...(d.column !== undefined ? { column: d.column } : {}),
    aggregation: d.aggregation,
    series: d.name,
    timeColumn: discovery.timeColumn,
    frequency: s.frequency,
    period,
    points: s.values.length,
    first: s.dates[0]!,
    last: s.dates[s.dates.length - 1]!,
    filled: s.filled.length,
    notes,
  };
}

function errors(m: BacktestMetrics | undefined): ForecastErrors {
  return {
    mase: m?.mase ?? null,
    smape: m?.smape ?? null,
    coverage80: m?.coverage80 ?? null,
    coverage95: m?.coverage95 ?? null,
  };
}

const round = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : x);
