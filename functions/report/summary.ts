import type { OutlierExample, OutlierFinding, TrendFinding } from './findings.ts';
import { cell, formatChange, formatNumber, formatShare, normalRange, plural } from './format.ts';
import type { DatasetSection } from './model.ts';

/**
 * The executive summary: a few sentences, each built from computed numbers. The most
 * extreme outliers and the largest year-over-year moves come first.
 */
export function executiveSummary(
  datasets: DatasetSection[],
  outliers: OutlierFinding[],
  trends: TrendFinding[],
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
