import { describe, expect, it } from 'vitest';
import type { KpiFinding, SeriesAnomalyFinding } from '#report/findings.ts';
import { mixShiftNarratives } from '#report/narrative/business-narratives.ts';
import type { DatasetSection, ReportModel } from '#report/model.ts';
import { narrate, priorityOf, scoreOf } from '#report/narrative/rank.ts';
import { reportModel } from '../helpers/report-model.ts';

/** Ranking and recommendations, on findings made by hand. */

const dataset = (name: string, last: string): DatasetSection => ({
  dataset: name,
  kind: 'time_series',
  contractVersion: 1,
  timeColumn: 'day',
  coverage: { first: '2024-01-01', last },
  files: [],
  rowsRead: 100,
  rowsCurated: 100,
  rowsQuarantined: 0,
  rowsAnalyzed: 100,
  rejections: [],
  quarantineSamples: [],
  columns: [],
});

/** One series of `shop` or `web` with one incident: a day at `value` against 100 expected. */
const incident = (
  name: string,
  date: string,
  value: number,
  score: number,
): SeriesAnomalyFinding => {
  const peak = {
    date,
    value,
    expected: 100,
    lower: 80,
    upper: 120,
    score,
    direction: value > 100 ? ('high' as const) : ('low' as const),
    method: 'seasonal-mad' as const,
  };
  return {
    id: `series_anomalies:${name}:revenue`,
    kind: 'series_anomalies',
    dataset: name,
    column: 'revenue',
    aggregation: 'value',
    series: 'revenue',
    timeColumn: 'day',
    frequency: 'daily',
    period: 7,
    points: 365,
    first: '2024-01-01',
    last: '2024-12-31',
    filled: 0,
    notes: [],
    tests: 365,
    threshold: 4,
    valueScale: 'linear',
    anomalies: [peak],
    incidents: [
      { start: date, end: date, flags: 1, peak, direction: peak.direction, methods: [peak.method] },
    ],
  };
};

const model = (findings: ReportModel['findings']): ReportModel =>
  reportModel({
    datasets: [dataset('shop', '2024-12-31'), dataset('web', '2024-12-31')],
    findings,
  });

describe('the score of a narrative', () => {
  it('weighs impact, strength and recency 0.5, 0.3 and 0.2, impact full at half the business', () => {
    expect(scoreOf({ impactShare: 0.25, strength: 0.5, asOf: '2024-12-31' }, '2024-12-31')).toEqual(
      {
        impact: 0.5,
        strength: 0.5,
        recency: 1,
        total: 0.6,
      },
    );
  });

  it('halves recency every 90 days before the end of the data, and caps each part at 1', () => {
    const s = scoreOf({ impactShare: 3, strength: 7, asOf: '2024-10-02' }, '2024-12-31');
    expect(s).toEqual({ impact: 1, strength: 1, recency: 0.5, total: 0.9 });
  });

  it('gives High from 0.6 and Medium from 0.4', () => {
    expect([0.6, 0.599, 0.4, 0.399].map(priorityOf)).toEqual(['High', 'Medium', 'Medium', 'Low']);
  });
});

describe('narrate', () => {
  it('ranks a recent, larger incident first and tells it with its numbers', () => {
    const { narratives } = narrate(
      model([incident('shop', '2024-03-01', 20, -9), incident('web', '2024-12-30', 400, 12)]),
    );
    expect(narratives.map((n) => [n.rank, n.id])).toEqual([
      [1, 'anomalies:web'],
      [2, 'anomalies:shop'],
    ]);
    expect(narratives[0]!.summary).toBe(
      'In web, revenue on 2024-12-30 was 400, 300% above the expected 100 (usual range 80 to 120).',
    );
    expect(narratives[1]!.score.recency).toBeLessThan(narratives[0]!.score.recency);
  });

  it('breaks ties by id, whatever the order of the findings', () => {
    const a = incident('web', '2024-12-30', 400, 12);
    const b = incident('shop', '2024-12-30', 400, 12);
    const first = narrate(model([a, b]));
    const second = narrate(model([b, a]));
    expect(first).toEqual(second);
    expect(first.narratives.map((n) => n.id)).toEqual(['anomalies:shop', 'anomalies:web']);
  });

  it('merges the action two narratives call for into one recommendation that cites both', () => {
    const { narratives, recommendations } = narrate(
      model([incident('shop', '2024-12-29', 20, -9), incident('web', '2024-12-30', 400, 12)]),
    );
    expect(recommendations).toHaveLength(1);
    const [r] = recommendations;
    expect(r!.id).toBe('investigate-anomalies');
    expect(r!.narrativeIds).toEqual(narratives.map((n) => n.id));
    expect(r!.findingIds).toEqual([
      'series_anomalies:web:revenue',
      'series_anomalies:shop:revenue',
    ]);
    // The best narrative's wording, and its priority as the impact.
    expect(r!.title).toBe(
      'Find the cause of the 2024-12-30 spike in revenue and watch for the next one',
    );
    expect(r!.impact).toBe(narratives[0]!.priority);
    expect(r!.rank).toBe(1);
  });

  it('tells nothing when the run found nothing', () => {
    expect(narrate(model([]))).toEqual({ narratives: [], recommendations: [] });
  });
});

describe('the revenue mix by a dimension', () => {
  const kpis = (values: { value: string; prior: number; recent: number }[]): KpiFinding => ({
    id: 'kpis:shop',
    kind: 'kpis',
    dataset: 'shop',
    timeColumn: 'day',
    first: '2023-01-01',
    last: '2024-12-31',
    valueColumn: 'amount',
    transactions: 100,
    revenue: 1000,
    averageTransactionValue: 10,
    averageItemsPerTransaction: null,
    customers: null,
    repeatCustomers: null,
    repeatPurchaseRate: null,
    retention: [],
    windows: { priorFrom: '2023-01-01', recentFrom: '2024-01-01', recentTo: '2025-01-01' },
    byDimension: [
      {
        column: 'channel',
        values: values.map((v) => ({
          value: v.value,
          rows: 10,
          total: v.prior + v.recent,
          share: null,
          prior: v.prior,
          recent: v.recent,
          change: (v.recent - v.prior) / v.prior,
        })),
      },
    ],
  });

  it('names the value that fell most and the one that rose most, with the larger move at stake', () => {
    const [told] = mixShiftNarratives(
      reportModel({
        findings: [
          kpis([
            { value: 'web', prior: 400, recent: 200 },
            { value: 'store', prior: 100, recent: 250 },
            { value: 'mobile', prior: 100, recent: 110 },
          ]),
        ],
      }),
    );
    expect(told!.summary).toBe(
      'In the twelve months from 2024-01-01 to 2024-12-31, revenue by channel moved: web fell 50% to 200 and store rose 150% to 250, against the twelve months before.',
    );
    expect(told!.atStake).toEqual({
      amount: 200,
      unit: 'money',
      label: 'web revenue, year on year',
    });
    // 200 of the 560 of the last twelve months.
    expect(told!.impactShare).toBeCloseTo(200 / 560, 12);
    expect(told!.recommendations.map((r) => r.key)).toEqual(['mix:channel']);
    expect(told!.recommendations[0]!.title).toBe('Find out why channel web lost revenue');
  });

  it('tells nothing when no value moved by 5% of revenue', () => {
    const steady = kpis([
      { value: 'web', prior: 500, recent: 510 },
      { value: 'store', prior: 500, recent: 495 },
    ]);
    expect(mixShiftNarratives(reportModel({ findings: [steady] }))).toEqual([]);
  });
});
