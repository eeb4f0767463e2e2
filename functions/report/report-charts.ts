import { barChart } from './charts/bar.ts';
import { waterfallChart } from './charts/waterfall.ts';
import { lineChart } from './charts/line.ts';
import type { Chart } from './charts/svg.ts';
import { kpiHeading } from './kpi-markdown.ts';
import { explainedChanges, label as driverLabel } from './drivers-markdown.ts';
import { dimensionLabel } from './narrative/drivers-sentence.ts';
import { seriesTitle } from './series-markdown.ts';
import { formatShare } from './format.ts';
import { escapeHtml } from './html.ts';
import type { ForecastFinding } from './findings.ts';
import {
  customerFindings,
  forecastFindings,
  groupDifferenceFindings,
  kpiFindings,
  seriesAnomalyFindings,
  trendFindings,
  type ReportModel,
} from './model.ts';

/**
 * The charts of report.html, keyed by the report.md heading line they follow: each forecast
 * with its recent history, interval bands and anomaly marks; monthly revenue and revenue by
 * dimension beside the KPIs, with a bridge of its change over the year by each dimension's
 * values; segment sizes and values; lifetime value by industry (the
 * dimension of each significant group test). Each is a figure with a caption.
 */
export function reportCharts(model: ReportModel): Map<string, string[]> {
  const charts = new Map<string, string[]>();
  const add = (heading: string, caption: string, chart: Chart) =>
    charts.set(heading, [
      ...(charts.get(heading) ?? []),
      `${chart.svg}<figcaption>${escapeHtml(caption)}</figcaption>`,
    ]);

  for (const f of forecastFindings(model)) {
    add(
      `### ${seriesTitle(f)}`,
      `${f.dataset}: ${f.series}, the last ${f.recent.length} ${unit(f)} and the forecast with its 80% and 95% intervals`,
      forecastChart(f, model),
    );
  }

  for (const k of kpiFindings(model)) {
    const trend = trendFindings(model).find(
      (t) => t.dataset === k.dataset && t.column === k.valueColumn,
    );
    const heading = `### ${kpiHeading(k)}`;
    if (trend && trend.months.length >= 2)
      add(
        heading,
        `Revenue (${k.valueColumn}) per month; partial months are left out`,
        lineChart({
          id: `revenue-${k.dataset}`,
          title: `${k.dataset}: revenue per month`,
          lines: [
            {
              name: 'revenue',
              points: trend.months.map((m) => ({
                date: m.month,
                value: m.partial ? null : m.value,
              })),
            },
          ],
          includeZero: true,
          yLabel: k.valueColumn ?? 'revenue',
        }),
      );
    for (const d of k.byDimension) {
      const name = d.entity ? `${d.column} (of ${d.entity})` : d.column;
      const moved = d.values.filter((v) => v.recent !== undefined && v.prior !== undefined);
      if (k.windows && moved.length >= 2)
        add(
          heading,
          `Revenue from the twelve months before ${k.windows.recentFrom} to the twelve after, by ${name}: what each value added or lost`,
          waterfallChart({
            id: `revenue-bridge-${k.dataset}-${d.entity ?? ''}-${d.column}`,
            title: `${k.dataset}: revenue change by ${name}`,
            start: { label: 'prior 12 months', value: sum(moved.map((v) => v.prior!)) },
            steps: [...moved]
              .sort((a, b) => Math.abs(b.recent! - b.prior!) - Math.abs(a.recent! - a.prior!))
              .map((v) => ({ label: v.value ?? '(empty)', value: v.recent! - v.prior! })),
            endLabel: 'last 12 months',
            valueLabel: k.valueColumn ?? 'revenue',
          }),
        );
      add(
        heading,
        `Revenue by ${name}`,
        barChart({
          id: `revenue-by-${k.dataset}-${d.entity ?? ''}-${d.column}`,
          title: `${k.dataset}: revenue by ${name}`,
          bars: d.values.map((v) => ({ label: v.value ?? '(empty)', value: v.total })),
          valueLabel: k.valueColumn ?? 'revenue',
        }),
      );
    }
  }

  for (const { heading, drivers } of explainedChanges(model)) {
    const best = drivers.dimensions[0];
    if (!best) continue;
    add(
      heading,
      `${drivers.measure} from ${drivers.reference.from} to ${drivers.target.from}: what each ${dimensionLabel(best)} added or lost`,
      waterfallChart({
        id: `drivers-${heading.slice(4)}`,
        title: `${drivers.measure}: change by ${dimensionLabel(best)}`,
        start: { label: `from ${drivers.reference.from}`, value: drivers.referenceValue },
        steps: best.values.map((v) => ({ label: driverLabel(v), value: v.change })),
        endLabel: `to ${drivers.target.from}`,
        valueLabel: drivers.measure,
      }),
    );
  }

  for (const c of customerFindings(model)) {
    add(
      '#### Segments',
      `${c.dataset}: share of customers and of value by segment`,
      barChart({
        id: `segments-${c.dataset}`,
        title: `${c.dataset}: segments`,
        bars: c.segments.flatMap((s) => [
          { label: `${s.name}: customers`, value: s.shareOfCustomers },
          { label: `${s.name}: value`, value: s.shareOfValue },
        ]),
        format: formatShare,
        valueLabel: 'share',
      }),
    );
  }

  const groups = groupDifferenceFindings(model)[0];
  for (const t of groups?.tests.filter((x) => x.qValue < groups.qThreshold) ?? []) {
    const name = t.entity ? `${t.dimension} (of ${t.entity})` : t.dimension;
    add(
      '## Group differences',
      `${t.dataset}: median ${t.measure} by ${name}`,
      barChart({
        id: `groups-${t.dataset}-${t.measure}-${t.entity ?? ''}-${t.dimension}`,
        title: `${t.dataset}: median ${t.measure} by ${name}`,
        bars: [...t.groups]
          .sort((a, b) => b.median - a.median)
          .map((g) => ({ label: g.value, value: g.median, note: `${g.n} values` })),
        valueLabel: `median ${t.measure}`,
      }),
    );
  }
  return charts;
}

function forecastChart(f: ForecastFinding, model: ReportModel): Chart {
  const from = f.recent[0]?.date ?? f.first;
  const flags = seriesAnomalyFindings(model)
    .find((a) => a.dataset === f.dataset && a.series === f.series)
    ?.anomalies.filter((a) => a.date >= from);
  const last = f.recent[f.recent.length - 1];
  return lineChart({
    id: `forecast-${f.dataset}-${f.series}`,
    title: `${f.dataset}: ${f.series}, forecast by ${f.model}`,
    lines: [
      { name: 'history', points: f.recent },
      {
        name: `forecast (${f.model})`,
        // From the last observed point, so the forecast line joins the history.
        points: [
          ...(last && last.value !== null ? [last] : []),
          ...f.forecast.map((r) => ({ date: r.ds, value: r.yhat })),
        ],
      },
    ],
    bands: [
      {
        name: '95% interval',
        points: f.forecast.map((r) => ({ date: r.ds, low: r.lo95, high: r.hi95 })),
      },
      {
        name: '80% interval',
        points: f.forecast.map((r) => ({ date: r.ds, low: r.lo80, high: r.hi80 })),
      },
    ],
    ...(flags?.length
      ? {
          markers: {
            name: 'anomaly',
            points: flags.map((a) => ({
              date: a.date,
              value: a.value,
              label: `${a.date}: ${a.value} (expected ${a.expected})`,
            })),
          },
        }
      : {}),
    forecastStart: f.forecast[0]?.ds ?? f.last,
    yLabel: f.series,
  });
}

const unit = (f: ForecastFinding) =>
  f.frequency === 'daily' ? 'days' : f.frequency === 'weekly' ? 'weeks' : 'months';

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
