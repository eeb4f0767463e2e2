import { formatNumber } from '#report/format.ts';
import {
  BAR_FILLS,
  ChartInputError,
  INK,
  coord,
  escapeXml,
  finite,
  niceTicks,
  svgRoot,
  textWidth,
  truncate,
  type Chart,
  type ChartBase,
} from './svg.ts';

/** One category and its value; null (or a non-finite number) prints "n/a" and draws no bar. */
export interface Bar {
  /** The category (escaped; cut at 32 characters, the full label in its tooltip). */
  label: string;
  value: number | null;
  /** The bar's tooltip. @default '<label>: <formatted value>' */
  note?: string;
}

export interface BarChartSpec extends ChartBase {
  /** Drawn top to bottom in this order (sort before if a ranking is meant). */
  bars: readonly Bar[];
  /** How values, and the axis ticks, print: `formatShare` for shares. @default formatNumber */
  format?: (value: number) => string;
  /** The measure and its unit, written above the bars. */
  valueLabel?: string;
  /** @default 720 */
  width?: number;
}

/** A row of a horizontal bar or waterfall chart: a bar from `from` to `to` (null: none). */
export interface Row {
  label: string;
  from: number;
  to: number | null;
  fill: string;
  /** Printed at the bar's far end. */
  text: string;
  tip: string;
  /** Class added to the rect beside `mark bar` (`total`, `step`). */
  kind?: string;
}

export const ROW_HEIGHT = 26;
const BAR_HEIGHT = 18;
const LABEL_MAX = 32;
const GAP = 8;

/**
 * Rows of horizontal bars with category labels on the left, values at the bar ends (right of
 * a bar that grows to the right, left of one that grows to the left), a value axis at the
 * bottom and a line at zero; `connectors` joins each bar's end to the next row (waterfalls).
 * Shared by `barChart` and `waterfallChart`.
 */
export function horizontalRows(options: {
  spec: ChartBase;
  kind: string;
  rows: readonly Row[];
  format: (value: number) => string;
  valueLabel?: string;
  description: string;
  connectors?: boolean;
}): Chart {
  const { spec, rows, format } = options;
  const width = spec.width ?? 720;
  let lo = 0;
  let hi = 0;
  let leftward = false;
  for (const row of rows) {
    lo = Math.min(lo, row.from, row.to ?? 0);
    hi = Math.max(hi, row.from, row.to ?? 0);
    if (row.to !== null && row.to < row.from) leftward = true;
  }
  if (lo === 0 && hi === 0) hi = 1;

  const shownLabels = rows.map((r) => truncate(r.label, LABEL_MAX));
  const labelWidth =
    Math.min(width * 0.4, Math.max(...shownLabels.map((l) => textWidth(l)))) + 2 * GAP;
  const valueWidth = Math.max(...rows.map((r) => textWidth(r.text))) + GAP;
  const x0 = labelWidth + (leftward ? valueWidth : 0);
  const x1 = width - valueWidth - GAP;
  const ticks = niceTicks(lo, hi, Math.max(2, Math.min(6, Math.floor((x1 - x0) / 90))));
  const dLo = ticks[0] as number;
  const dHi = ticks[ticks.length - 1] as number;
  const x = (value: number): number => x0 + ((value - dLo) / (dHi - dLo)) * (x1 - x0);
  const top = options.valueLabel ? 24 : 8;
  const y1 = top + rows.length * ROW_HEIGHT;
  const height = y1 + 24;

  const body: string[] = [];
  if (options.valueLabel) {
    body.push(
      `<text class="axis-label" x="${coord(x0)}" y="${coord(top - 10)}" fill="${INK.muted}">${escapeXml(options.valueLabel)}</text>`,
    );
  }
  const grid = ticks.map((t) => `M${coord(x(t))},${coord(top)}V${coord(y1)}`).join('');
  body.push(`<path class="grid" d="${grid}" stroke="${INK.grid}" fill="none"/>`);
  const tickText = ticks.map(
    (t) => `<text x="${coord(x(t))}" y="${coord(y1 + 16)}">${escapeXml(format(t))}</text>`,
  );
  body.push(
    `<g class="axis axis-x" fill="${INK.text}" text-anchor="middle">` +
      `<path d="M${coord(x0)},${coord(y1)}H${coord(x1)}" stroke="${INK.axis}"/>${tickText.join('')}</g>`,
  );

  let marks = 0;
  const rects: string[] = [];
  const values: string[] = [];
  const labels: string[] = [];
  const links: string[] = [];
  rows.forEach((row, i) => {
    const rowTop = top + i * ROW_HEIGHT;
    const mid = coord(rowTop + ROW_HEIGHT / 2);
    const shown = shownLabels[i] as string;
    const tip = shown === row.label ? '' : `<title>${escapeXml(row.label)}</title>`;
    labels.push(
      `<text x="${coord(labelWidth - GAP)}" y="${mid}" dominant-baseline="central">${tip}${escapeXml(shown)}</text>`,
    );
    const from = x(row.from);
    if (row.to === null) {
      values.push(
        `<text x="${coord(from + 4)}" y="${mid}" dominant-baseline="central" fill="${INK.muted}">${escapeXml(row.text)}</text>`,
      );
      return;
    }
    const to = x(row.to);
    marks += 1;
    const kind = row.kind ? ` ${row.kind}` : '';
    rects.push(
      `<rect class="mark bar${kind}" x="${coord(Math.min(from, to))}" y="${coord(rowTop + (ROW_HEIGHT - BAR_HEIGHT) / 2)}" ` +
        `width="${coord(Math.abs(to - from))}" height="${BAR_HEIGHT}" fill="${row.fill}"><title>${escapeXml(row.tip)}</title></rect>`,
    );
    const back = row.to < row.from;
    values.push(
      `<text x="${coord(back ? to - 4 : to + 4)}" y="${mid}" dominant-baseline="central" text-anchor="${back ? 'end' : 'start'}">${escapeXml(row.text)}</text>`,
    );
    const next = rows[i + 1];
    if (options.connectors && next) {
      const barBottom = rowTop + (ROW_HEIGHT + BAR_HEIGHT) / 2;
      links.push(`M${coord(to)},${coord(barBottom)}v${ROW_HEIGHT - BAR_HEIGHT}`);
    }
  });
  body.push(`<g class="bars">${rects.join('')}</g>`);
  if (links.length > 0) {
    body.push(`<path class="connectors" d="${links.join('')}" stroke="${INK.axis}" fill="none"/>`);
  }
  body.push(
    `<path class="zero" d="M${coord(x(0))},${coord(top)}V${coord(y1)}" stroke="${INK.rule}"/>`,
  );
  body.push(`<g class="values" fill="${INK.text}">${values.join('')}</g>`);
  body.push(`<g class="labels" fill="${INK.text}" text-anchor="end">${labels.join('')}</g>`);

  return {
    svg: svgRoot({
      id: spec.id,
      kind: options.kind,
      width,
      height,
      title: spec.title,
      description: options.description,
      marks,
      body: body.join(''),
    }),
    marks,
  };
}

/** "a: 1; b: 2; and 3 more." for screen readers. */
export function listRows(rows: readonly { label: string; text: string }[], max = 20): string {
  const listed = rows.slice(0, max).map((r) => `${r.label}: ${r.text}`);
  const more = rows.length > max ? `; and ${rows.length - max} more` : '';
  return `${listed.join('; ')}${more}.`;
}

/**
 * Horizontal bars for categories (revenue by channel, segment sizes, median value by
 * industry): labels escaped, values printed at the bar ends, negative values to the left of
 * zero. The value axis always includes zero. Throws `ChartInputError` when there are no bars
 * or no bar has a finite value.
 * @example barChart({ id: 'kpis:sales:channel', title: 'Revenue by channel', bars: [{ label: 'web', value: 549661.67 }] })
 */
export function barChart(spec: BarChartSpec): Chart {
  const format = spec.format ?? formatNumber;
  if (!spec.bars.some((b) => finite(b.value) !== null)) {
    throw new ChartInputError(
      `Chart ${spec.id}: nothing to draw (${spec.bars.length === 0 ? 'no bars' : 'no bar has a finite value'})`,
      spec.id,
    );
  }
  const rows: Row[] = spec.bars.map((bar) => {
    const value = finite(bar.value);
    const text = value === null ? 'n/a' : format(value);
    return {
      label: bar.label,
      from: 0,
      to: value,
      fill: value !== null && value < 0 ? BAR_FILLS.negative : BAR_FILLS.positive,
      text,
      tip: bar.note ?? `${bar.label}: ${text}`,
    };
  });
  return horizontalRows({
    spec,
    kind: 'bar',
    rows,
    format,
    valueLabel: spec.valueLabel,
    description: spec.description ?? `Bar chart. ${listRows(rows)}`,
  });
}
