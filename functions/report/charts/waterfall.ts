import { formatNumber } from '#report/format.ts';
import { BAR_FILLS, ChartInputError, finite, type Chart, type ChartBase } from './svg.ts';
import { horizontalRows, listRows, type Row } from './bar.ts';

/** One signed step of a waterfall: a category's contribution to the change. */
export interface WaterfallStep {
  label: string;
  value: number;
  /** The step's tooltip. @default '<label>: <signed value>' */
  note?: string;
}

export interface WaterfallSpec extends ChartBase {
  /** The total the steps start from (last year's revenue). */
  start: { label: string; value: number };
  /** Drawn top to bottom in this order; each bar floats from the running total. */
  steps: readonly WaterfallStep[];
  /** The end total is always start + the sum of the steps. @default 'End' */
  endLabel?: string;
  /** How values and ticks print; steps get a sign. @default formatNumber */
  format?: (value: number) => string;
  valueLabel?: string;
  /** @default 720 */
  width?: number;
}

/**
 * A horizontal waterfall: the start total, each signed step floating from the running total
 * (right for a rise, left for a fall, joined by connectors), and the end total. Totals are
 * grey, rises blue, falls orange. Throws `ChartInputError` when the start or a step is not a
 * finite number; no steps draws the two totals.
 * @example waterfallChart({ id: 'w', title: 'Revenue bridge', start: { label: '2023', value: 100 }, steps: [{ label: 'web', value: 12 }] })
 */
export function waterfallChart(spec: WaterfallSpec): Chart {
  const format = spec.format ?? formatNumber;
  const start = finite(spec.start.value);
  const bad = spec.steps.find((s) => finite(s.value) === null);
  if (start === null || bad) {
    const what = start === null ? `the start "${spec.start.label}"` : `the step "${bad?.label}"`;
    throw new ChartInputError(`Chart ${spec.id}: ${what} has no finite value`, spec.id);
  }
  const signed = (value: number): string => (value > 0 ? `+${format(value)}` : format(value));
  const rows: Row[] = [
    {
      label: spec.start.label,
      from: 0,
      to: start,
      fill: BAR_FILLS.total,
      text: format(start),
      tip: `${spec.start.label}: ${format(start)}`,
      kind: 'total',
    },
  ];
  let running = start;
  for (const step of spec.steps) {
    const text = signed(step.value);
    rows.push({
      label: step.label,
      from: running,
      to: running + step.value,
      fill: step.value < 0 ? BAR_FILLS.negative : BAR_FILLS.positive,
      text,
      tip: step.note ?? `${step.label}: ${text}`,
      kind: 'step',
    });
    running += step.value;
  }
  const endLabel = spec.endLabel ?? 'End';
  rows.push({
    label: endLabel,
    from: 0,
    to: running,
    fill: BAR_FILLS.total,
    text: format(running),
    tip: `${endLabel}: ${format(running)}`,
    kind: 'total',
  });
  return horizontalRows({
    spec,
    kind: 'waterfall',
    rows,
    format,
    valueLabel: spec.valueLabel,
    description: spec.description ?? `Waterfall chart. ${listRows(rows)}`,
    connectors: true,
  });
}
