import type { OutlierExample, OutlierFinding } from './findings.ts';
import { cell, formatNumber, formatShare, plural } from './format.ts';
import type { DatasetSection, ReportModel } from './model.ts';
import { headlines } from './narrative/markdown.ts';

/** The first line of the executive summary: what was analysed and what was left out. */
export function coverageLine(datasets: DatasetSection[]): string {
  const read = sum(datasets.map((d) => d.rowsRead));
  const quarantined = sum(datasets.map((d) => d.rowsQuarantined));
  const analyzed = sum(datasets.map((d) => d.rowsAnalyzed));
  return (
    `Analysed ${plural(datasets.length, 'dataset')} with ${plural(analyzed, 'valid row')}; ` +
    (quarantined > 0
      ? `${plural(quarantined, 'row')} of ${formatNumber(read)} read (${formatShare(quarantined / read)}) ${quarantined === 1 ? 'was' : 'were'} quarantined with reasons (see Data analyzed).`
      : 'no row was quarantined.')
  );
}

/**
 * The executive summary as plain text (report.json, the email): the coverage line, then each
 * headline narrative's title, priority and main sentence.
 */
export function executiveSummary(m: Pick<ReportModel, 'datasets' | 'narratives'>): string[] {
  return [
    coverageLine(m.datasets),
    ...headlines(m.narratives).map((n) => `${n.title} (${n.priority} priority): ${n.summary}`),
  ];
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
