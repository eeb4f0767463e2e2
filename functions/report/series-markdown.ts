import { SERIES_FALSE_ALARM, thresholdFor } from '#analysis/anomaly/points.ts';
import { CHOOSER_ORIGINS } from '#analysis/forecast/auto.ts';
import type {
  ForecastErrors,
  ForecastFinding,
  SeriesAnomaly,
  SeriesAnomalyFinding,
  SeriesFacts,
} from './findings.ts';
import { cell, formatNumber, formatShare, plural, table } from './format.ts';

/**
 * The Markdown of the time-series findings: "Forecasts" (per series the model and why, the
 * backtest of the whole procedure against seasonal naive, interval coverage, the forecast
 * table) and "Time-series anomalies" (each flag with its date, value, expected value and
 * range, the incidents, and how many tests were run). Every number comes from the findings.
 */

/** Flags listed per dataset, largest |score| first when there are more; all are in report.json. */
const FLAGS_SHOWN = 40;
/** Incidents listed, largest peak first. */
const INCIDENTS_SHOWN = 15;

export function forecastsSection(findings: ForecastFinding[]): string | undefined {
  if (findings.length === 0) return undefined;
  const horizons = [...new Set(findings.map((f) => f.horizon))];
  const origins = Math.max(...findings.map((f) => f.backtest?.origins ?? 0));
  const overview = table(
    [
      'Dataset',
      'Series',
      'History',
      'Model',
      'Backtest MASE',
      'Seasonal naive MASE',
      'Backtest sMAPE',
      'Seasonal naive sMAPE',
      '80% coverage',
      '95% coverage',
    ],
    findings.map((f) => {
      const b = f.backtest;
      return [
        cell(f.dataset),
        cell(f.series),
        `${formatNumber(f.points)} ${f.frequency}`,
        cell(f.model),
        ratio(b?.mase),
        ratio(b?.baseline.mase),
        percent(b?.smape),
        percent(b?.baseline.smape),
        share(b?.coverage80),
        share(b?.coverage95),
      ];
    }),
    ['l', 'l', 'r', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
  );
  return [
    '## Forecasts',
    '',
    `Every regular time series (a time series dataset's measures; the daily totals of event data), forecast ${horizons.map((h) => formatNumber(h)).join(' or ')} periods after its last date with 80% and 95% prediction intervals, by the model with the lowest mean MASE in a rolling-origin backtest on its history. ` +
      `The backtest columns judge that whole procedure${origins > 0 ? ` over the last ${plural(origins, 'origin')}` : ''}: at each origin the model was chosen afresh from the data before it and scored on the periods after, beside seasonal naive (the value one season earlier) on the same origins. ` +
      'MASE is the mean absolute error in units of the in-sample seasonal naive error (below 1 is better); coverage is the share of actual values that fell inside the intervals.',
    '',
    overview,
    '',
    ...findings.flatMap((f) => [forecastBlock(f), '']),
  ]
    .join('\n')
    .trimEnd();
}

function forecastBlock(f: ForecastFinding): string {
  const b = f.backtest;
  const unit = UNIT[f.frequency];
  const lines = [`- Model: ${cell(f.reason)}.`];
  if (b) {
    lines.push(
      `- Backtest of the whole procedure, ${plural(b.origins, 'origin')} of ${plural(f.horizon, unit)} (${chosen(b.models)}): ` +
        `MASE ${ratio(b.mase)} against seasonal naive's ${ratio(b.baseline.mase)}, sMAPE ${percent(b.smape)} against ${percent(b.baseline.smape)}.`,
      `- Intervals: the 80% interval held ${share(b.coverage80)} and the 95% interval ${share(b.coverage95)} of the ${plural(b.scored, 'actual value')} of the backtest.`,
    );
  }
  lines.push(...f.notes.map((n) => `- Note: ${cell(n)}.`));
  const rows = f.forecast.map((s) => [
    s.ds,
    formatNumber(s.yhat),
    `${formatNumber(s.lo80)} to ${formatNumber(s.hi80)}`,
    `${formatNumber(s.lo95)} to ${formatNumber(s.hi95)}`,
  ]);
  return [
    `### ${seriesTitle(f)}`,
    '',
    `${history(f)}.`,
    '',
    ...lines,
    '',
    table(['Date', 'Forecast', '80% interval', '95% interval'], rows, ['l', 'r', 'r', 'r']),
  ].join('\n');
}

export function seriesAnomaliesSection(findings: SeriesAnomalyFinding[]): string | undefined {
  if (findings.length === 0) return undefined;
  const tests = findings.reduce((n, f) => n + f.tests, 0);
  const flags = findings.reduce((n, f) => n + f.anomalies.length, 0);
  const incidents = findings.flatMap((f) => f.incidents.map((i) => ({ f, i })));
  const overview = table(
    ['Dataset', 'Series', 'Points', 'Judged on', 'Threshold', 'Tests', 'Flags', 'Incidents'],
    findings.map((f) => [
      cell(f.dataset),
      cell(f.series),
      formatNumber(f.points),
      f.valueScale === 'log' ? 'log scale' : 'own scale',
      f.threshold.toFixed(2),
      formatNumber(f.tests),
      formatNumber(f.anomalies.length),
      formatNumber(f.incidents.length),
    ]),
    ['l', 'l', 'r', 'l', 'r', 'r', 'r', 'r'],
  );
  const top = incidents
    .sort((a, b) => Math.abs(b.i.peak.score) - Math.abs(a.i.peak.score))
    .slice(0, INCIDENTS_SHOWN);
  const incidentTable = table(
    ['Dataset', 'Series', 'From', 'To', 'Flags', 'Peak', 'Value', 'Expected', 'Score', 'Method'],
    top.map(({ f, i }) => [
      cell(f.dataset),
      cell(f.series),
      i.start,
      i.end,
      formatNumber(i.flags),
      i.peak.date,
      formatNumber(i.peak.value),
      formatNumber(i.peak.expected),
      signed(i.peak.score),
      i.methods.join(', '),
    ]),
    ['l', 'l', 'l', 'l', 'r', 'l', 'r', 'r', 'r', 'l'],
  );
  const byDataset = new Map<string, SeriesAnomalyFinding[]>();
  for (const f of findings) byDataset.set(f.dataset, [...(byDataset.get(f.dataset) ?? []), f]);
  const perDataset = [...byDataset].flatMap(([dataset, list]) => {
    const all = list.flatMap((f) => f.anomalies.map((a) => ({ f, a })));
    if (all.length === 0) return [];
    const shown = all
      .sort((x, y) => Math.abs(y.a.score) - Math.abs(x.a.score))
      .slice(0, FLAGS_SHOWN)
      .sort((x, y) => x.a.date.localeCompare(y.a.date) || list.indexOf(x.f) - list.indexOf(y.f));
    return [
      `### ${cell(dataset)}`,
      '',
      shown.length < all.length
        ? `The ${shown.length} flags furthest from their expected values, of ${formatNumber(all.length)} (report.json lists all), by date:`
        : `Every flag, by date:`,
      '',
      table(
        ['Date', 'Series', 'Value', 'Expected', 'Usual range', 'Score', 'Direction', 'Method'],
        shown.map(({ f, a }) => flagRow(f, a)),
        ['l', 'l', 'r', 'r', 'r', 'r', 'l', 'l'],
      ),
      '',
    ];
  });
  // A note several series of a dataset share (the same dates filled) is said once.
  const said = new Map<string, { dataset: string; note: string; series: string[] }>();
  for (const f of findings)
    for (const note of f.notes) {
      const key = `${f.dataset}\u0000${note}`;
      const seen = said.get(key) ?? { dataset: f.dataset, note, series: [] };
      seen.series.push(f.series);
      said.set(key, seen);
    }
  const notes = [...said.values()].map(
    (n) =>
      `- ${cell(n.dataset)} (${n.series.map((s) => cell(s)).join(', ')}): ${cell(n.note.replace(/\.$/, ''))}.`,
  );
  return [
    '## Time-series anomalies',
    '',
    `Points of each regular time series far from a robust seasonal baseline (seasonal medians and a running-median trend, each point judged from its neighbours), and the starts of lasting level shifts: a point is flagged when its robust z-score passes its series' threshold (see Methodology). ` +
      `${plural(tests, 'test')} over ${plural(findings.length, 'series', 'series')}: ${plural(flags, 'flag')} in ${plural(incidents.length, 'incident')} (nearby flags of one series form one incident). ` +
      'Expected is the baseline there; the usual range is what is not flagged.',
    '',
    overview,
    ...(top.length
      ? [
          '',
          top.length < incidents.length
            ? `The ${top.length} largest incidents of ${formatNumber(incidents.length)}:`
            : 'Incidents, largest first:',
          '',
          incidentTable,
        ]
      : []),
    '',
    ...perDataset,
    ...(notes.length ? ['How the series were made:', '', ...notes] : []),
  ]
    .join('\n')
    .trimEnd();
}

function flagRow(f: SeriesAnomalyFinding, a: SeriesAnomaly): string[] {
  return [
    a.date,
    cell(f.series),
    formatNumber(a.value),
    formatNumber(a.expected),
    `${formatNumber(a.lower)} to ${formatNumber(a.upper)}`,
    signed(a.score),
    a.direction,
    a.method,
  ];
}

/** Methodology lines for the time-series analyses, with the settings the findings used. */
export function seriesMethodology(
  forecasts: ForecastFinding[],
  anomalies: SeriesAnomalyFinding[],
): string[] {
  const lines: string[] = [];
  if (forecasts.length + anomalies.length > 0)
    lines.push(
      '- Time series: a time series dataset with one row per date gives each measure as it is; several rows per date, and event data, are totalled per day (averaged for levels such as prices) by the query engine, and events also give their number per day. Entities are never treated as time series. The spacing (daily, weekly, monthly) is detected; an irregular time column is refused with why; a period with no value is filled by linear interpolation for the models only, never scored, and said.',
    );
  if (anomalies.length > 0)
    lines.push(
      `- Time-series anomalies: each series is split into a weekly (or yearly) pattern of medians and a trend that is the running median of its neighbours over two seasons, leaving each point out of its own window, so a spike cannot pull its own expected value. Series positive on at least 99% of their points whose spread grows with their level (Guerrero's criterion for a Box-Cox transform, between the log and none) are judged on the log scale, by their ratio to that expected value; the scale continues through zero (asinh), so a rare value at or below zero is judged too, and said. The remainder is scored as a robust z-score: its distance from the median remainder in units of a robust standard deviation (Tukey's biweight, taken separately above and below the median, so skewed noise gets a wider band on its long side). For counts (whole numbers, never negative) the usual range is never narrower than that of independent events (Poisson: the expected count ± threshold × its square root), so a day one or two events off is never odd. The threshold is 3.5 (Iglewicz and Hoaglin), raised for a long series to the normal quantile that gives a series of pure noise a ${formatShare(SERIES_FALSE_ALARM)} chance of any false flag (Bonferroni over its points: ${thresholdFor(1095).toFixed(2)} for 1,095 daily points). A level shift is a change of the median between the 14 points before a date and the 14 from it (7 without seasonality), beyond the series' usual drift, scored in the same units against the same threshold. Flags at most two periods apart form one incident.`,
    );
  if (forecasts.length > 0) {
    const models = [...new Set(forecasts.flatMap((f) => f.candidates.map((c) => c.model)))];
    lines.push(
      `- Forecasts: the candidates (${models.join(', ')}) are each backtested on the history at up to ${CHOOSER_ORIGINS} rolling origins of the horizon (as many as the history allows); the one with the lowest mean MASE forecasts from all the history. The reported backtest repeats that whole choice at each outer origin from the data before it (nested), so its errors are those of the procedure, not of a model picked with hindsight. Intervals of series that are never negative are floored at 0.`,
    );
  }
  return lines;
}

/** The heading of a series' part of the report (also where its chart goes). */
export function seriesTitle(f: SeriesFacts): string {
  return `${cell(f.dataset)}: ${cell(f.series)}`;
}

function history(f: SeriesFacts): string {
  const season = f.period > 1 ? `seasonal period ${f.period}` : 'no seasonality modelled';
  const gaps = f.filled > 0 ? `${plural(f.filled, 'gap')} filled` : 'no gaps';
  return `${formatNumber(f.points)} ${f.frequency} points of \`${cell(f.timeColumn)}\`, ${f.first} to ${f.last}; ${season}; ${gaps}`;
}

function chosen(models: string[]): string {
  const counts = new Map<string, number>();
  for (const m of models) counts.set(m, (counts.get(m) ?? 0) + 1);
  return `model chosen at each: ${[...counts].map(([m, n]) => `${m} ×${n}`).join(', ')}`;
}

const UNIT: Record<SeriesFacts['frequency'], string> = {
  daily: 'day',
  weekly: 'week',
  monthly: 'month',
};

const ratio = (x: ForecastErrors['mase'] | undefined) =>
  x === null || x === undefined ? 'n/a' : x.toFixed(2);
const percent = (x: ForecastErrors['smape'] | undefined) =>
  x === null || x === undefined ? 'n/a' : `${formatNumber(x)}%`;
const share = (x: number | null | undefined) =>
  x === null || x === undefined ? 'n/a' : formatShare(x);
const signed = (x: number) => `${x > 0 ? '+' : ''}${formatNumber(x)}`;
