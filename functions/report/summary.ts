import type {
  OutlierExample,
  OutlierFinding,
  SeriesAnomalyFinding,
  TrendFinding,
} from './findings.ts';
import { cell, formatChange, formatNumber, formatShare, normalRange, plural } from './format.ts';
import type { DatasetSection } from './model.ts';

/**
 * The executive summary: a few sentences, each built from computed numbers. The most
 * extreme outliers, the largest time-series anomaly and the largest year-over-year moves.
 */
export function executiveSummary(
  datasets: DatasetSection[],
  outliers: OutlierFinding[],
  trends: TrendFinding[],
  seriesAnomalies: SeriesAnomalyFinding[] = [],
): string[] {
  const lines: string[] = [];
  const read = sum(datasets.map((d) => d.rowsRead));
  const quarantined = sum(datasets.map((d) => d.rowsQuarantined));
  const analyzed = sum(datasets.map((d) => d.rowsAnalyzed));
  lines.push(
    `Analysed ${plural(datasets.length, 'dataset')} with ${plural(analyzed, 'valid row')}; ` +
      (quarantined > 0
        ? `${plural(quarantined, 'row')} of ${formatNumber(read)} read (${formatShare(quarantined / read)}) ${quarantined === 1 ? 'was' : 'were'} quarantined with reasons (see Data analyzed).`
        : 'no row was quarantined.'),
  );

  // The most extreme row of each column, grouped by row: one sentence per unusual row,
  // naming every column in which it stands out, the three most extreme rows first.
  const rows = new Map<
    string,
    { dataset: string; e: OutlierExample; parts: string[]; distance: number }
  >();
  for (const f of outliers) {
    const [e] = [...f.examples].sort((a, b) => robustDistance(f, b) - robustDistance(f, a));
    if (!e) continue;
    const key = `${f.dataset}\u0000${e.id ?? ''}\u0000${e.date ?? ''}`;
    const row = rows.get(key) ?? { dataset: f.dataset, e, parts: [], distance: 0 };
    row.parts.push(
      `${f.column} ${formatNumber(e.value)} (median ${formatNumber(f.median)}, normal range ${normalRange(f)})`,
    );
    row.distance = Math.max(row.distance, robustDistance(f, e));
    rows.set(key, row);
  }
  const extremes = [...rows.values()]
    .sort((a, b) => b.distance - a.distance || a.dataset.localeCompare(b.dataset))
    .slice(0, 3);
  for (const { dataset, e, parts } of extremes) {
    lines.push(`Unusual ${dataset} row${where(e)}: ${parts.join('; ')}.`);
  }

  const largest = largestIncident(seriesAnomalies);
  if (largest) lines.push(largest);

  const moves = trends
    .filter((t) => t.aggregation === 'sum' && t.yearOverYear?.change !== undefined)
    .sort(
      (a, b) =>
        Math.abs(b.yearOverYear!.change!) - Math.abs(a.yearOverYear!.change!) ||
        a.id.localeCompare(b.id),
    )
    .slice(0, 3);
  for (const t of moves) {
    const yoy = t.yearOverYear!;
    const mom = t.monthOverMonth
      ? ` and ${formatChange(t.monthOverMonth.change)} on ${t.monthOverMonth.from}`
      : '';
    lines.push(
      `${t.dataset}.${t.column} totalled ${formatNumber(yoy.toValue)} in ${yoy.to}, ` +
        `${formatChange(yoy.change)} on ${yoy.from} (${formatNumber(yoy.fromValue)})${mom}.`,
    );
  }
  return lines;
}

/**
 * The incident whose peak lies furthest from its expected value, as a sentence, with the
 * other series of its dataset flagged on the same date.
 */
function largestIncident(findings: SeriesAnomalyFinding[]): string | undefined {
  const all = findings.flatMap((f) => f.incidents.map((i) => ({ f, i })));
  const top = all.sort(
    (a, b) => Math.abs(b.i.peak.score) - Math.abs(a.i.peak.score) || a.f.id.localeCompare(b.f.id),
  )[0];
  if (!top) return undefined;
  const { f, i } = top;
  const p = i.peak;
  const same = findings
    .filter((o) => o !== f && o.dataset === f.dataset)
    .filter((o) => o.anomalies.some((a) => a.date === p.date))
    .map((o) => o.series);
  const span =
    i.start === i.end ? '' : ` (incident ${i.start} to ${i.end}, ${plural(i.flags, 'flag')})`;
  return (
    `Largest time-series anomaly: ${f.dataset} ${f.series} on ${p.date} was ${formatNumber(p.value)}, ` +
    `${p.direction === 'high' ? 'above' : 'below'} the ${formatNumber(p.expected)} expected ` +
    `(usual range ${formatNumber(p.lower)} to ${formatNumber(p.upper)}; robust score ${formatNumber(p.score)})${span}` +
    `${same.length ? `; ${same.join(', ')} ${same.length === 1 ? 'is' : 'are'} also flagged that day` : ''}.`
  );
}

/** How many interquartile ranges a value lies beyond the median. */
export function robustDistance(f: OutlierFinding, e: OutlierExample): number {
  const iqr = f.q3 - f.q1;
  return iqr > 0 ? Math.abs(e.value - f.median) / iqr : 0;
}

export function where(e: OutlierExample): string {
  const parts = [e.date ? `on ${cell(e.date)}` : '', e.id ? `(${cell(e.id)})` : ''].filter(Boolean);
  return parts.length ? ` ${parts.join(' ')}` : '';
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
