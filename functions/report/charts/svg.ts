import { formatNumber } from '#report/format.ts';

/**
 * The shared pieces of the report's charts: inline SVG strings built at render time, so the
 * HTML report makes no request and runs no script under a strict Content-Security-Policy.
 * Styling is done with SVG presentation attributes (`fill`, `stroke`, `stroke-dasharray`),
 * never with `style` attributes or `<style>` elements, which a CSP without
 * `'unsafe-inline'` would drop. Every piece of text that comes from data goes through
 * `escapeXml`.
 */

/** The input cannot be drawn: no data, a date that is not ISO, dates out of order. */
export class ChartInputError extends Error {
  override readonly name = 'ChartInputError';
  constructor(
    message: string,
    /** The `id` of the chart asked for. */
    readonly chart: string,
  ) {
    super(message);
  }
}

/** What every chart builder returns: the markup, and how many data marks it drew (never 0). */
export interface Chart {
  svg: string;
  /** Bars, line paths, band paths and point markers drawn; also the root's `data-marks`. */
  marks: number;
}

/** What every chart spec has. */
export interface ChartBase {
  /**
   * Unique on the page (a finding id such as `forecast:shop:revenue` is fine): the `<title>`
   * and `<desc>` ids derive from it.
   */
  id: string;
  /** Read by screen readers and shown as the chart's tooltip; not drawn (use a figcaption). */
  title: string;
  /** A sentence for screen readers; a summary of the data is written when absent. */
  description?: string;
  /** Width of the viewBox in user units; the chart scales to its container. */
  width?: number;
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text safe inside an SVG or HTML element or a quoted attribute.
 * @example escapeXml('a < b & "c"') // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/**
 * Round numbers covering [min, max] at a step of 1, 2 or 5 times a power of ten: about
 * `count` intervals (between count / 2 and 1.5 count + 2), the first tick at or below min and
 * the last at or above max. A single value gets a range around it (10% either side; 0 gets -1 to 1).
 * @example niceTicks(0, 97, 5) // [0, 20, 40, 60, 80, 100]
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) {
    throw new RangeError(`niceTicks needs finite bounds, got ${min} and ${max}`);
  }
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  // A range within rounding of its values (1e20 and 1e20 + 16384) is one value: steps below
  // the values' resolution would number beyond 2^53, where i++ stands still.
  if (hi - lo <= Math.max(Math.abs(lo), Math.abs(hi)) * 1e-12) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const raw = (hi - lo) / Math.max(1, Math.floor(count));
  // Values within 1e-300 of each other (and of 0: no larger value is so close to another)
  // have no round step a double holds (10^-324 is 0): they are drawn on -1 to 1.
  if (!(raw >= 1e-300)) return niceTicks(-1, 1, count);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const ratio = raw / magnitude;
  // The nearest of 1, 2, 5 and 10 on a log scale (cut at sqrt(2), sqrt(10), sqrt(50)).
  const step = (ratio < 1.4142 ? 1 : ratio < 3.1623 ? 2 : ratio < 7.0711 ? 5 : 10) * magnitude;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  // The tolerance keeps 0.3 / 0.1 = 2.9999999999999996 from adding a tick below the range.
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const ticks: number[] = [];
  // Multiples of the step, rounded to its decimals so that 0.1 * 3 reads 0.3; `+ 0` drops -0.
  // (toFixed takes at most 100 decimals: a step below 1e-100 keeps its multiples as they are.)
  const round = (x: number) => (decimals <= 100 ? Number(x.toFixed(decimals)) : x) + 0;
  for (let i = first; i <= last; i++) ticks.push(round(i * step));
  return ticks;
}

/** A tick's label: the report's number format. */
export function tickLabel(value: number): string {
  return formatNumber(value);
}

/** A coordinate rounded to one decimal, as short as it gets ("12", "12.5"). */
export function coord(value: number): string {
  return String(Math.round(value * 10) / 10 + 0);
}

export const FONT_SIZE = 12;
const FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/** Rough width of a text in user units (no font metrics at build time): 0.62 em a character. */
export function textWidth(text: string, fontSize = FONT_SIZE): number {
  return text.length * fontSize * 0.62;
}

/** The text cut to `max` characters with an ellipsis; the full text belongs in a `<title>`. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}\u2026`;
}

/** Colours of the chart furniture. */
export const INK = {
  text: '#333333',
  muted: '#666666',
  axis: '#8c8c8c',
  grid: '#e4e4e4',
  rule: '#555555',
  background: '#ffffff',
} as const;

/** How one series is drawn: colour, and a dash pattern so that grey prints still tell them apart. */
export interface SeriesStyle {
  colour: string;
  /** `stroke-dasharray`; null for a solid line. */
  dash: string | null;
}

/**
 * Series styles in order (they repeat after the fifth). Colours differ in lightness as well as
 * hue, and each has its own dash pattern: the first is solid (history), the second dashed
 * (forecast).
 */
export const PALETTE: readonly SeriesStyle[] = [
  { colour: '#1f3b73', dash: null },
  { colour: '#c05a00', dash: '6 4' },
  { colour: '#4d7f1e', dash: '2 3' },
  { colour: '#7b3294', dash: '9 3 2 3' },
  { colour: '#5f5f5f', dash: '12 4' },
];

export function seriesStyle(index: number): SeriesStyle {
  return PALETTE[index % PALETTE.length] as SeriesStyle;
}

/** Interval bands, the first (widest, 95%) lightest; opaque, so they print as two greys. */
export const BAND_FILLS: readonly string[] = ['#dce6f2', '#b3c8e2', '#8fadd4'];

export function bandFill(index: number): string {
  return BAND_FILLS[Math.min(index, BAND_FILLS.length - 1)] as string;
}

/** Point markers (anomalies): a white disc in a thick dark red ring, unlike any line in grey. */
export const MARKER = { fill: '#ffffff', stroke: '#b0171f', radius: 4, strokeWidth: 2 } as const;

/** Bars: positive dark blue, negative orange (the side of zero says the sign too). */
export const BAR_FILLS = { positive: '#3d6aa8', negative: '#d07a2c', total: '#5f5f5f' } as const;

/** One entry of a legend. */
export type LegendItem =
  | { kind: 'line'; name: string; style: SeriesStyle }
  | { kind: 'swatch'; name: string; fill: string }
  | { kind: 'marker'; name: string };

const LEGEND_ROW = 18;
const LEGEND_SWATCH = 22;
const LEGEND_NAME_MAX = 40;

function legendItemWidth(item: LegendItem): number {
  return LEGEND_SWATCH + 6 + textWidth(truncate(item.name, LEGEND_NAME_MAX)) + 16;
}

/** Rows the legend takes in `width`, for the layout before drawing. */
export function legendRows(items: readonly LegendItem[], width: number): number {
  if (items.length === 0) return 0;
  let rows = 1;
  let x = 0;
  for (const item of items) {
    const w = legendItemWidth(item);
    if (x > 0 && x + w > width) {
      rows += 1;
      x = 0;
    }
    x += w;
  }
  return rows;
}

export function legendHeight(items: readonly LegendItem[], width: number): number {
  return legendRows(items, width) * LEGEND_ROW;
}

/** The legend from (x, y), wrapped in `width`; names escaped, long ones cut (full in a tooltip). */
export function legend(
  items: readonly LegendItem[],
  x0: number,
  y0: number,
  width: number,
): string {
  const parts: string[] = [];
  let x = 0;
  let y = y0 + LEGEND_ROW / 2;
  for (const item of items) {
    const w = legendItemWidth(item);
    if (x > 0 && x + w > width) {
      x = 0;
      y += LEGEND_ROW;
    }
    const sx = x0 + x;
    let swatch: string;
    if (item.kind === 'line') {
      const dash = item.style.dash ? ` stroke-dasharray="${item.style.dash}"` : '';
      swatch = `<path d="M${coord(sx)},${coord(y)}h${LEGEND_SWATCH}" stroke="${item.style.colour}" stroke-width="2"${dash}/>`;
    } else if (item.kind === 'swatch') {
      swatch = `<rect x="${coord(sx)}" y="${coord(y - 6)}" width="${LEGEND_SWATCH}" height="12" fill="${item.fill}"/>`;
    } else {
      swatch = `<circle cx="${coord(sx + LEGEND_SWATCH / 2)}" cy="${coord(y)}" r="${MARKER.radius}" fill="${MARKER.fill}" stroke="${MARKER.stroke}" stroke-width="${MARKER.strokeWidth}"/>`;
    }
    const shown = truncate(item.name, LEGEND_NAME_MAX);
    const tip = shown === item.name ? '' : `<title>${escapeXml(item.name)}</title>`;
    parts.push(
      `<g class="legend-item">${swatch}<text x="${coord(sx + LEGEND_SWATCH + 6)}" y="${coord(y)}" dominant-baseline="central">${tip}${escapeXml(shown)}</text></g>`,
    );
    x += w;
  }
  return `<g class="legend" fill="${INK.text}">${parts.join('')}</g>`;
}

/** 32-bit FNV-1a, in base 36: a short stable suffix that keeps sanitised ids distinct. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

/** An HTML id from any chart id: `forecast:shop:revenue` -> `chart-forecast-shop-revenue-1x2y3z`. */
export function chartDomId(id: string): string {
  const slug = id
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `chart-${slug ? `${slug}-` : ''}${hash(id)}`;
}

/**
 * The root element: responsive (a viewBox, no width or height: CSS sizes it), an image for
 * assistive technology, named by its `<title>` and described by its `<desc>`.
 */
export function svgRoot(options: {
  id: string;
  /** `line`, `bar`, `waterfall`: adds the class `chart-<kind>`. */
  kind: string;
  width: number;
  height: number;
  title: string;
  description: string;
  marks: number;
  body: string;
}): string {
  const dom = chartDomId(options.id);
  const w = coord(options.width);
  const h = coord(options.height);
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" id="${dom}" class="chart chart-${options.kind}" ` +
    `viewBox="0 0 ${w} ${h}" role="img" aria-labelledby="${dom}-title ${dom}-desc" ` +
    `data-marks="${options.marks}" font-family="${FONT_FAMILY}" font-size="${FONT_SIZE}">` +
    `<title id="${dom}-title">${escapeXml(options.title)}</title>` +
    `<desc id="${dom}-desc">${escapeXml(options.description)}</desc>` +
    `<rect class="chart-background" width="${w}" height="${h}" fill="${INK.background}"/>` +
    options.body +
    `</svg>`
  );
}

/** A finite number, or null (null, undefined, NaN and infinities are all "no value"). */
export function finite(value: number | null | undefined): number | null {
  return value !== null && value !== undefined && Number.isFinite(value) ? value : null;
}
