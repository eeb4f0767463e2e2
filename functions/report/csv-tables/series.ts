import type { ForecastErrors, ForecastFinding, SeriesAnomalyFinding } from '../findings.ts';
import { forecastFindings, seriesAnomalyFindings, type ReportModel } from '../model.ts';
import { reportTable, type ReportTable } from './table.ts';

/** The time-series findings: forecasts and their accuracy, anomalies and incidents. */
export function seriesTables(m: ReportModel): ReportTable[] {
  const forecasts = forecastFindings(m);
  const anomalies = seriesAnomalyFindings(m);
  return [
    forecastTable(forecasts),
    forecastAccuracy(forecasts),
    forecastCandidates(forecasts),
    anomalySeries(anomalies),
    anomalyTable(anomalies),
    anomalyIncidents(anomalies),
  ];
}

function forecastTable(findings: ForecastFinding[]): ReportTable {
  return reportTable(
    'forecasts',
    'Forecasts after the last date of each series, with 80% and 95% prediction intervals',
    ['dataset', 'series', 'date', 'forecast', 'lo80', 'hi80', 'lo95', 'hi95'],
    findings.flatMap((f) =>
      f.forecast.map((s) => [f.dataset, f.series, s.ds, s.yhat, s.lo80, s.hi80, s.lo95, s.hi95]),
    ),
  );
}

/** MASE, sMAPE (percent, 0 to 200) and interval coverage (share, 0 to 1), as `ForecastErrors`. */
const ERRORS = ['MASE', 'sMAPE (%)', 'coverage80', 'coverage95'];
const errors = (e: ForecastErrors | undefined) => [
  e?.mase ?? null,
  e?.smape ?? null,
  e?.coverage80 ?? null,
  e?.coverage95 ?? null,
];

/**
 * The rolling-origin backtest of the whole procedure (the model chosen afresh at each
 * origin) beside seasonal naive on the same origins; empty where the history was too short.
 */
function forecastAccuracy(findings: ForecastFinding[]): ReportTable {
  return reportTable(
    'forecast-accuracy',
    'Forecast accuracy: backtest of the whole procedure against seasonal naive (sMAPE in percent, coverage as a share)',
    [
      'dataset',
      'series',
      'frequency',
      'points',
      'model',
      'origins',
      'scored',
      ...ERRORS,
      'baseline model',
      ...ERRORS.map((e) => `baseline ${e}`),
    ],
    findings.map((f) => [
      f.dataset,
      f.series,
      f.frequency,
      f.points,
      f.model,
      f.backtest?.origins ?? null,
      f.backtest?.scored ?? null,
      ...errors(f.backtest),
      f.backtest?.baseline.model ?? null,
      ...errors(f.backtest?.baseline),
    ]),
  );
}

/** Each candidate's backtest on the history: the evidence the model was chosen on. */
function forecastCandidates(findings: ForecastFinding[]): ReportTable {
  return reportTable(
    'forecast-candidates',
    'Forecast models tried on each series, and their backtest errors (the lowest mean MASE is chosen)',
    ['dataset', 'series', 'model', 'chosen', ...ERRORS],
    findings.flatMap((f) =>
      f.candidates.map((c) => [f.dataset, f.series, c.model, c.model === f.model, ...errors(c)]),
    ),
  );
}

function anomalySeries(findings: SeriesAnomalyFinding[]): ReportTable {
  return reportTable(
    'anomaly-series',
    'Series checked for anomalies: scale, threshold, tests run, flags and incidents',
    [
      'dataset',
      'series',
      'frequency',
      'points',
      'value scale',
      'threshold',
      'tests',
      'flags',
      'incidents',
    ],
    findings.map((f) => [
      f.dataset,
      f.series,
      f.frequency,
      f.points,
      f.valueScale,
      f.threshold,
      f.tests,
      f.anomalies.length,
      f.incidents.length,
    ]),
  );
}

/** Every flag (the report shows the largest 40 per dataset; report.json and this table hold all). */
function anomalyTable(findings: SeriesAnomalyFinding[]): ReportTable {
  return reportTable(
    'anomalies',
    'Time-series anomalies: each flagged point with its expected value, usual range and robust z-score',
    [
      'dataset',
      'series',
      'date',
      'value',
      'expected',
      'lower',
      'upper',
      'score',
      'direction',
      'method',
    ],
    findings.flatMap((f) =>
      f.anomalies.map((a) => [
        f.dataset,
        f.series,
        a.date,
        a.value,
        a.expected,
        a.lower,
        a.upper,
        a.score,
        a.direction,
        a.method,
      ]),
    ),
  );
}

function anomalyIncidents(findings: SeriesAnomalyFinding[]): ReportTable {
  return reportTable(
    'anomaly-incidents',
    'Anomaly incidents: nearby flags of one series, with the flag furthest from its expected value',
    [
      'dataset',
      'series',
      'start',
      'end',
      'flags',
      'direction',
      'methods',
      'peak date',
      'peak value',
      'peak expected',
      'peak score',
    ],
    findings.flatMap((f) =>
      f.incidents.map((i) => [
        f.dataset,
        f.series,
        i.start,
        i.end,
        i.flags,
        i.direction,
        i.methods.join('; '),
        i.peak.date,
        i.peak.value,
        i.peak.expected,
        i.peak.score,
      ]),
    ),
  );
}
