import type { ForecastFinding, SeriesAnomalyFinding, SeriesIncident } from '../findings.ts';
import { formatChange, formatNumber, formatShare, plural } from '../format.ts';
import {
  forecastFindings,
  kpiFindings,
  seriesAnomalyFindings,
  type ReportModel,
} from '../model.ts';
import { clamp01, listing, type NarrativeDraft } from './draft.ts';
import { driversSentence } from './drivers-sentence.ts';

const PERIODS_PER_YEAR = { daily: 365, weekly: 52, monthly: 12 } as const;

/**
 * One narrative per dataset with time-series incidents: the day furthest from its expected
 * value first, with every series flagged that day. Impact: the gap as a share of a year of
 * the series at its expected level; strength: the score over three times the threshold.
 */
export function anomalyNarratives(model: ReportModel): NarrativeDraft[] {
  const byDataset = new Map<string, SeriesAnomalyFinding[]>();
  for (const f of seriesAnomalyFindings(model)) {
    if (f.incidents.length) byDataset.set(f.dataset, [...(byDataset.get(f.dataset) ?? []), f]);
  }
  return [...byDataset].map(([dataset, findings]) => {
    const incidents = findings.flatMap((f) => f.incidents.map((i) => ({ f, i })));
    const top = [...incidents].sort(
      (a, b) => Math.abs(b.i.peak.score) - Math.abs(a.i.peak.score) || a.f.id.localeCompare(b.f.id),
    )[0]!;
    const latest = [...incidents].sort(
      (a, b) => b.i.peak.date.localeCompare(a.i.peak.date) || a.f.id.localeCompare(b.f.id),
    )[0]!;
    const days = new Set(incidents.map(({ i }) => i.peak.date));
    const p = top.i.peak;
    const sameDay = findings
      .filter((o) => o !== top.f && o.anomalies.some((a) => a.date === p.date))
      .map((o) => o.series);
    const first = [...days].sort()[0]!;
    const last = [...days].sort().at(-1)!;
    const drops = incidents.filter(({ i }) => i.direction === 'low').length;
    const details = [
      `Across ${plural(findings.length, 'series', 'series')} of ${dataset}, ${plural(incidents.length, 'incident')} peaked on ${plural(days.size, 'day')} between ${first} and ${last}: ${formatNumber(drops)} drops and ${formatNumber(incidents.length - drops)} rises.`,
    ];
    if (top.i.drivers)
      details.push(`Against ${weekBefore(top.i)}: ${driversSentence(top.i.drivers)}`);
    if (latest.i.peak.date !== p.date) {
      details.push(`The most recent: ${gapSentence(latest.f, latest.i)}.`);
      if (latest.i.drivers) details.push(driversSentence(latest.i.drivers));
    }
    const gap = Math.abs(p.value - p.expected);
    const yearly = Math.abs(p.expected) * PERIODS_PER_YEAR[top.f.frequency];
    return {
      id: `anomalies:${dataset}`,
      theme: 'anomalies' as const,
      findingIds: findings.map((f) => f.id),
      title:
        findings.length > 1
          ? `${dataset}: ${top.f.series} and ${plural(findings.length - 1, 'other series', 'other series')} left their usual range on ${plural(days.size, 'day')}`
          : `${dataset}: ${top.f.series} left its usual range on ${plural(days.size, 'day')}`,
      summary:
        `${upperFirst(gapSentence(top.f, top.i))}` +
        (sameDay.length
          ? `; ${listing(sameDay)} ${sameDay.length === 1 ? 'was' : 'were'} flagged the same day`
          : '') +
        '.',
      details,
      confidence: `Robust score ${formatNumber(p.score)} against a flagging threshold of ${formatNumber(top.f.threshold)}, set for a 5% chance of any false flag in the ${formatNumber(top.f.tests)} tests of the series.`,
      atStake: {
        amount: gap,
        unit: 'value',
        label: `${top.f.series} ${p.direction === 'high' ? 'above' : 'below'} expected on ${p.date}`,
      },
      asOf: last,
      impactShare: yearly > 0 ? gap / yearly : 0,
      strength: clamp01(Math.abs(p.score) / (3 * top.f.threshold)),
      recommendations: [
        {
          key: 'investigate-anomalies',
          title: `Find the cause of the ${p.date} ${p.direction === 'high' ? 'spike' : 'drop'} in ${top.f.series} and watch for the next one`,
          action: `Check orders, outages and data feeds on ${listing([...new Set([p.date, ...[...days].sort().slice(-2)])])}; the scheduled run flags the next such day in its report.`,
          rationale: `${dataset} had ${plural(incidents.length, 'incident')}, the largest ${formatNumber(gap)} ${p.direction === 'high' ? 'above' : 'below'} the expected ${formatNumber(p.expected)}.`,
          area: 'Operations',
          urgency: 'Medium',
          timeframe: '0-3 months',
        },
      ],
    };
  });
}

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `the same day 7 days before (2023-11-23)`: the reference an incident's drivers compare with. */
function weekBefore(i: SeriesIncident): string {
  const { reference: r, target: t } = i.drivers!;
  const back = Math.round((Date.parse(t.from) - Date.parse(r.from)) / 86_400_000);
  const single = Date.parse(r.to) - Date.parse(r.from) === 86_400_000;
  return single
    ? `the same day ${back} days before (${r.from})`
    : `the same days ${back} days before (from ${r.from})`;
}

/** `in shop, revenue on 2023-06-07 was -2,619, 117% below the expected 15,665 (usual range ...)`. */
function gapSentence(f: SeriesAnomalyFinding, i: SeriesIncident): string {
  const p = i.peak;
  const relative =
    p.expected !== 0
      ? `${formatShare(Math.abs(p.value - p.expected) / Math.abs(p.expected))} `
      : '';
  return (
    `in ${f.dataset}, ${f.series} on ${p.date} was ${formatNumber(p.value)}, ` +
    `${relative}${p.direction === 'high' ? 'above' : 'below'} the expected ${formatNumber(p.expected)} ` +
    `(usual range ${formatNumber(p.lower)} to ${formatNumber(p.upper)})`
  );
}

/**
 * One narrative per dataset with forecasts, led by its revenue: the KPIs' value column, or
 * a series named revenue, else the first. Impact: the forecast's change on the last
 * horizon of history; strength: how far the backtest beat seasonal naive.
 */
export function forecastNarratives(model: ReportModel): NarrativeDraft[] {
  const byDataset = new Map<string, ForecastFinding[]>();
  for (const f of forecastFindings(model))
    byDataset.set(f.dataset, [...(byDataset.get(f.dataset) ?? []), f]);
  const valueColumns = new Set(kpiFindings(model).map((k) => `${k.dataset}.${k.valueColumn}`));
  return [...byDataset].flatMap(([dataset, findings]) => {
    const lead =
      findings.find((f) => f.aggregation === 'sum' && valueColumns.has(`${dataset}.${f.column}`)) ??
      findings.find((f) => /revenue|sales/i.test(f.column ?? '')) ??
      findings[0]!;
    const h = lead.forecast.length;
    const recent = lead.recent.slice(-h).map((r) => r.value);
    if (h === 0 || recent.length < h || recent.some((v) => v === null)) return [];
    const ahead = sum(lead.forecast.map((s) => s.yhat));
    const behind = sum(recent as number[]);
    const change = behind !== 0 ? (ahead - behind) / Math.abs(behind) : undefined;
    const tested = findings.filter((f) => f.backtest);
    const better = tested.filter((f) => f.backtest!.mase! < f.backtest!.baseline.mase!);
    const unit =
      lead.frequency === 'daily' ? 'day' : lead.frequency === 'weekly' ? 'week' : 'month';
    const bt = lead.backtest;
    const skill = bt?.mase != null && bt.baseline.mase ? 1 - bt.mase / bt.baseline.mase : 0;
    const details = [
      `Its first ${unit}, ${lead.forecast[0]!.ds}, is forecast at ${formatNumber(lead.forecast[0]!.yhat)} with a 95% interval of ${formatNumber(lead.forecast[0]!.lo95)} to ${formatNumber(lead.forecast[0]!.hi95)}.`,
    ];
    if (tested.length)
      details.push(
        `In backtests the chosen models beat seasonal naive on ${formatNumber(better.length)} of ${plural(tested.length, 'series', 'series')} of ${dataset}.`,
      );
    return [
      {
        id: `forecast:${dataset}`,
        theme: 'forecast' as const,
        findingIds: findings.map((f) => f.id),
        title: `${dataset}: ${lead.series} over the next ${plural(h, unit)}`,
        summary: `In ${dataset}, ${lead.series} is forecast at ${formatNumber(ahead)} over the next ${plural(h, unit)} (${lead.model}), ${formatChange(change)} on the last ${plural(h, unit)}.`,
        details,
        confidence: bt
          ? `Backtest over ${plural(bt.origins, 'origin')}: MASE ${formatNumber(bt.mase)} against seasonal naive's ${formatNumber(bt.baseline.mase)}; ${bt.coverage95 == null ? 'n/a' : formatShare(bt.coverage95)} of held-out points fell inside the 95% interval.`
          : `No backtest: the history is too short for one origin, so the forecast's accuracy is unknown.`,
        atStake: {
          amount: Math.abs(ahead - behind),
          unit: 'value',
          label: `${lead.series}, next ${plural(h, unit)} against the last`,
        },
        asOf: lead.last,
        // A change the models cannot forecast better than seasonal naive puts nothing at stake.
        impactShare: change === undefined ? 0 : Math.abs(change) * clamp01(skill * 4),
        strength: clamp01(skill * 4),
        recommendations: [
          {
            key: 'plan-on-forecast',
            title: `Plan the next ${plural(h, unit)} on the forecast of ${lead.series}`,
            action: `Staff and stock for ${formatNumber(ahead)} of ${lead.series} over the next ${plural(h, unit)}, and for the 95% interval's ends on each ${unit}, not the point alone.`,
            rationale: `The forecast ${change !== undefined && change < 0 ? 'falls' : 'rises'} ${formatChange(change)} on the last ${plural(h, unit)} of ${dataset}.`,
            area: 'Operations',
            urgency: 'High',
            timeframe: '0-3 months',
          },
        ],
      },
    ];
  });
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
