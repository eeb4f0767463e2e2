import { describe, expect, it } from 'vitest';
import type { ForecastFinding, SeriesAnomalyFinding } from '#report/findings.ts';
import { renderMarkdown } from '#report/markdown.ts';
import type { ReportModel } from '#report/model.ts';
import { redactModel } from '#report/redact.ts';
import { anomalyNarratives } from '#report/narrative/series-narratives.ts';
import { reportModel } from '../helpers/report-model.ts';

/** The Forecasts and Time-series anomalies sections, rendered from findings made by hand. */

const facts = {
  dataset: 'shop',
  timeColumn: 'day',
  frequency: 'daily' as const,
  period: 7,
  points: 730,
  first: '2023-01-01',
  last: '2024-12-30',
  filled: 2,
};

const revenue: ForecastFinding = {
  ...facts,
  id: 'forecast:shop:revenue',
  kind: 'forecast',
  column: 'revenue',
  aggregation: 'value',
  series: 'revenue',
  notes: ['2 missing daily value(s) filled by linear interpolation for the model (not scored)'],
  horizon: 3,
  model: 'theta',
  reason: 'theta: lowest mean backtest MASE over 5 origin(s) (0.712; snaive 0.954)',
  candidates: [
    { model: 'snaive', mase: 0.954, smape: 9.1, coverage80: 0.8, coverage95: 0.95 },
    { model: 'theta', mase: 0.712, smape: 7.3, coverage80: 0.77, coverage95: 0.94 },
  ],
  backtest: {
    origins: 5,
    scored: 15,
    models: ['theta', 'theta', 'snaive', 'theta', 'theta'],
    mase: 0.7345,
    smape: 7.81,
    coverage80: 0.8,
    coverage95: 0.9333,
    baseline: { model: 'snaive', mase: 1.0123, smape: 10.4, coverage80: 0.6, coverage95: 0.8 },
  },
  forecast: [
    { ds: '2024-12-31', yhat: 1523.4, lo80: 1400.2, hi80: 1650.9, lo95: 1333.3, hi95: 1712 },
    { ds: '2025-01-01', yhat: 1490, lo80: 1360, hi80: 1620, lo95: 1290, hi95: 1690 },
    { ds: '2025-01-02', yhat: 1502, lo80: 1370, hi80: 1634, lo95: 1300, hi95: 1704 },
  ],
  recent: [
    { date: '2024-12-29', value: 1480 },
    { date: '2024-12-30', value: 1510 },
  ],
};

/** A short series: forecast, but no backtest of the whole procedure. */
const events: ForecastFinding = {
  ...revenue,
  id: 'forecast:shop:events per day',
  column: undefined,
  aggregation: 'count',
  series: 'events per day',
  points: 25,
  filled: 0,
  notes: ['no backtest of the whole procedure: 25 points, need 29 (15 to fit the models)'],
  backtest: undefined,
};

const spike = {
  date: '2024-05-04',
  value: 9800,
  expected: 1510.5,
  lower: 0,
  upper: 2950.25,
  score: 22.41,
  direction: 'high' as const,
  method: 'seasonal-mad' as const,
};
const dip = { ...spike, date: '2024-05-06', value: 12, expected: 1490, score: -5.12 };
const anomalies: SeriesAnomalyFinding[] = [
  {
    ...facts,
    id: 'series-anomalies:shop:revenue',
    kind: 'series_anomalies',
    column: 'revenue',
    aggregation: 'value',
    series: 'revenue',
    notes: ['2 missing daily value(s) filled'],
    tests: 1440,
    threshold: 3.5,
    valueScale: 'log',
    anomalies: [spike, { ...dip, direction: 'low' }],
    incidents: [
      {
        start: spike.date,
        end: dip.date,
        flags: 2,
        peak: spike,
        direction: 'mixed',
        methods: ['seasonal-mad'],
      },
    ],
  },
  {
    ...facts,
    id: 'series-anomalies:shop:units',
    kind: 'series_anomalies',
    column: 'units',
    aggregation: 'value',
    series: 'units',
    notes: ['2 missing daily value(s) filled'],
    tests: 1440,
    threshold: 4.1,
    valueScale: 'linear',
    anomalies: [],
    incidents: [],
  },
];

const model = (findings: ReportModel['findings']): ReportModel => ({
  ...reportModel(),
  findings,
  notComputed: [
    {
      analysisId: 'forecast-shop',
      dataset: 'shop',
      reason: 'no forecast of returns: 12 points, need 22 (15 to fit the models)',
    },
  ],
});

const section = (md: string, heading: string) => {
  const start = md.indexOf(`\n${heading}\n`);
  expect(start, heading).toBeGreaterThanOrEqual(0);
  const end = md.indexOf('\n## ', start + 1);
  return md.slice(start, end < 0 ? undefined : end);
};

describe('the Forecasts section', () => {
  const md = renderMarkdown(model([revenue, events]));
  const forecasts = section(md, '## Forecasts');

  it('lists every series with its model, backtest error beside seasonal naive, and coverage', () => {
    expect(forecasts).toContain(
      '| shop | revenue | 730 daily | theta | 0.73 | 1.01 | 7.81% | 10.4% | 80% | 93% |',
    );
    expect(forecasts).toContain(
      '| shop | events per day | 25 daily | theta | n/a | n/a | n/a | n/a | n/a | n/a |',
    );
    expect(forecasts).toContain('forecast 3 periods after its last date');
  });

  it('gives each series the model and why, the nested backtest, coverage and the forecast table', () => {
    const block = forecasts.slice(forecasts.indexOf('### shop: revenue'));
    expect(block).toContain(
      '730 daily points of `day`, 2023-01-01 to 2024-12-30; seasonal period 7; 2 gaps filled.',
    );
    expect(block).toContain(`- Model: ${revenue.reason}.`);
    expect(block).toContain(
      "- Backtest of the whole procedure, 5 origins of 3 days (model chosen at each: theta ×4, snaive ×1): MASE 0.73 against seasonal naive's 1.01, sMAPE 7.81% against 10.4%.",
    );
    expect(block).toContain(
      '- Intervals: the 80% interval held 80% and the 95% interval 93% of the 15 actual values of the backtest.',
    );
    expect(block).toContain('| Date | Forecast | 80% interval | 95% interval |');
    expect(block).toContain('| 2024-12-31 | 1,523 | 1,400 to 1,651 | 1,333 to 1,712 |');
    expect(block).toContain('| 2025-01-02 | 1,502 | 1,370 to 1,634 | 1,300 to 1,704 |');
  });

  it('says why a short series has no backtest, and what was not computed', () => {
    const block = forecasts.slice(forecasts.indexOf('### shop: events per day'));
    expect(block).toContain(`- Note: ${events.notes[0]}.`);
    expect(block).not.toContain('Backtest of the whole procedure');
    expect(section(md, '## Not computed')).toContain(
      '- forecast-shop (shop): no forecast of returns: 12 points, need 22',
    );
    expect(md).not.toMatch(/NaN|undefined|Infinity/);
  });
});

describe('the Time-series anomalies section', () => {
  const md = renderMarkdown(model(anomalies));
  const part = section(md, '## Time-series anomalies');

  it('says how many tests were run and lists each flag with date, value, expected, range and score', () => {
    expect(part).toContain(
      "and the starts of lasting level shifts: a point is flagged when its robust z-score passes its series' threshold (see Methodology). 2,880 tests over 2 series: 2 flags in 1 incident",
    );
    expect(part).toContain('| shop | revenue | 730 | log scale | 3.50 | 1,440 | 2 | 1 |');
    expect(part).toContain('| shop | units | 730 | own scale | 4.10 | 1,440 | 0 | 0 |');
    expect(part).toContain(
      '| 2024-05-04 | revenue | 9,800 | 1,511 | 0 to 2,950 | +22.41 | high | seasonal-mad |',
    );
    expect(part).toContain(
      '| 2024-05-06 | revenue | 12 | 1,490 | 0 to 2,950 | -5.12 | low | seasonal-mad |',
    );
  });

  it('groups nearby flags into incidents and says a note shared by several series once', () => {
    expect(part).toContain(
      '| shop | revenue | 2024-05-04 | 2024-05-06 | 2 | 2024-05-04 | 9,800 | 1,511 | +22.41 | seasonal-mad |',
    );
    expect(part).toContain('- shop (revenue, units): 2 missing daily value(s) filled.');
  });

  it('tells the largest incident as a narrative, with the series flagged the same day', () => {
    const [told] = anomalyNarratives(model(anomalies));
    expect(told!.summary).toBe(
      'In shop, revenue on 2024-05-04 was 9,800, 549% above the expected 1,511 (usual range 0 to 2,950).',
    );
    expect(told!.recommendations[0]!.title).toBe(
      'Find the cause of the 2024-05-04 spike in revenue and watch for the next one',
    );
  });
});

describe('masking', () => {
  it('keeps the time-series findings and scrubs contact details from their free text', () => {
    const noted = { ...revenue, notes: ['ask ann@shop.example about 2024-05-04'] };
    const masked = redactModel(model([noted, ...anomalies]), []);
    expect(masked.findings).toHaveLength(3);
    const [f] = masked.findings as ForecastFinding[];
    expect(f!.notes).toEqual(['ask a•••@s•••.example about 2024-05-04']);
    expect(f!.forecast).toEqual(revenue.forecast);
  });
});
