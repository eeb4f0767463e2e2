import type { ChangeDrivers, DriverDimension, DriverValue } from './findings.ts';
import { cell, formatChange, formatNumber, formatShare, table } from './format.ts';
import { kpiFindings, seriesAnomalyFindings, type ReportModel } from './model.ts';
import { dimensionLabel, driversSentence } from './narrative/drivers-sentence.ts';

/** A change the run explained: what it is, and its drivers. */
export interface ExplainedChange {
  /** The `###` heading of its subsection (report-charts.ts hangs its waterfall there). */
  heading: string;
  drivers: ChangeDrivers;
}

/**
 * Every change the run split by dimension: the KPIs' month-over-month and year-over-year
 * revenue changes large enough to ask about, then each time-series incident of a summed or
 * averaged measure, in date order.
 */
export function explainedChanges(model: ReportModel): ExplainedChange[] {
  const changes: ExplainedChange[] = [];
  for (const k of kpiFindings(model)) {
    for (const [what, g] of [
      ['month over month', k.growth?.monthOverMonth],
      ['year over year', k.growth?.yearOverYear],
    ] as const) {
      if (g?.drivers)
        changes.push({
          heading: `### ${k.dataset}: ${g.drivers.measure} ${what}, ${g.from} to ${g.to} (${formatChange(g.change)})`,
          drivers: g.drivers,
        });
    }
  }
  const incidents = seriesAnomalyFindings(model).flatMap((f) =>
    f.incidents.flatMap((i) => (i.drivers ? [{ f, i, drivers: i.drivers }] : [])),
  );
  incidents.sort((a, b) => a.i.start.localeCompare(b.i.start) || a.f.id.localeCompare(b.f.id));
  for (const { f, i, drivers } of incidents) {
    const when = i.start === i.end ? i.start : `${i.start} to ${i.end}`;
    changes.push({
      heading: `### ${f.dataset}: ${f.series} on ${when} (${i.direction === 'low' ? 'drop' : i.direction === 'high' ? 'rise' : 'swing'})`,
      drivers,
    });
  }
  return changes;
}

/** `## What drove the changes`: per explained change, its sentence and its split by dimension. */
export function driversSection(model: ReportModel): string | undefined {
  const changes = explainedChanges(model);
  if (changes.length === 0) return undefined;
  const parts = [
    '## What drove the changes',
    'Each change is split across the values of the dimensions of its rows (their own, and those of the customers and products they join): ' +
      "a value's part is what it added or lost, and the parts add up to the change. Volume is the part from more or fewer rows at the value's " +
      'usual amount per row, rate the part from its amount per row moving (for an average: mix, the share of rows moving, and rate). ' +
      'Dimensions are ranked by how few values carry two thirds of the change and how far those moved from their usual share (after Adtributor). ' +
      'Revenue changes are explained from 10% either way; incidents against the same days one season before.',
  ];
  for (const { heading, drivers } of changes) {
    parts.push(heading);
    parts.push(
      cell(
        `${formatNumber(drivers.referenceValue)} (${range(drivers.reference)}) to ${formatNumber(drivers.targetValue)} (${range(drivers.target)}). ${driversSentence(drivers)}`,
      ),
    );
    for (const d of drivers.dimensions.slice(0, 1)) parts.push(dimensionTable(d));
    if (drivers.drill?.dimensions[0])
      parts.push(
        cell(`Within ${dimensionLabel(drivers.drill)} ${drivers.drill.value ?? '(none)'}:`),
        dimensionTable(drivers.drill.dimensions[0]),
      );
  }
  return parts.join('\n\n');
}

function dimensionTable(d: DriverDimension): string {
  return table(
    [dimensionLabel(d), 'change', 'share of change', 'volume / mix', 'rate', 'driver'],
    d.values.map((v) => [
      cell(label(v)),
      formatNumber(v.change),
      v.share === null ? '' : formatShare(v.share),
      formatNumber(v.mix),
      formatNumber(v.rate),
      v.driver ? 'yes' : '',
    ]),
    ['l', 'r', 'r', 'r', 'r', 'l'],
  );
}

export const label = (v: DriverValue) =>
  v.other ? `${v.other} other values` : v.value === null ? '(none)' : v.value;

/** `[from, to)` as `2024-03-01..2024-03-31`, or one day. */
function range(r: { from: string; to: string }): string {
  const last = new Date(Date.parse(r.to) - 86_400_000).toISOString().slice(0, 10);
  return last === r.from ? r.from : `${r.from}..${last}`;
}
