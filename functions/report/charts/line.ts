import { formatNumber } from '#report/format.ts';
import {
  ChartInputError,
  FONT_SIZE,
  INK,
  MARKER,
  bandFill,
  coord,
  escapeXml,
  finite,
  legend,
  legendHeight,
  niceTicks,
  seriesStyle,
  svgRoot,
  textWidth,
  tickLabel,
  type Chart,
  type ChartBase,
  type LegendItem,
} from './svg.ts';
import { DAY_MS, isoDate, parseIsoDate, timeTicks } from './time-axis.ts';

/** A value at an ISO date; null (or a non-finite number) is a gap that breaks the line. */
export interface DatedValue {
  date: string;
  value: number | null;
}

/** One line, its points in date order (equal dates allowed). */
export interface LineSeries {
  /** Legend name (escaped): `revenue`, `forecast`. */
  name: string;
  points: readonly DatedValue[];
}

/** A shaded interval (80% or 95%): one polygon, broken where a bound is missing. */
export interface IntervalBand {
  name: string;
  points: readonly { date: string; low: number | null; high: number | null }[];
}

/** Point marks (anomalies), each with a tooltip; in any order. */
export interface PointMarks {
  /** Legend name: `Anomaly`. */
  name: string;
  points: readonly { date: string; value: number; label?: string }[];
}

export interface LineChartSpec extends ChartBase {
  /**
   * Drawn in order, styled by position in the palette: the first solid (history), the second
   * dashed (forecast). A date missing from a series is bridged: give it a null to break the line.
   */
  lines: readonly LineSeries[];
  /** Drawn in order, each over the one before: pass the widest (95%) first. */
  bands?: readonly IntervalBand[];
  markers?: PointMarks;
  /** A dashed vertical rule at this ISO date (the first forecast period), if inside the dates drawn. */
  forecastStart?: string;
  /** @default 'Forecast' */
  forecastLabel?: string;
  /** The measure and its unit, written above the y axis. */
  yLabel?: string;
  /** Stretch the y axis to 0 (amounts compared with nothing). @default false */
  includeZero?: boolean;
  /** @default 720 */
  width?: number;
  /** @default 320 */
  height?: number;
}

const RIGHT = 30;
const TICK_LABEL_GAP = 6;
const MIN_PLOT_HEIGHT = 120;
const LINE_WIDTH = 1.75;

interface Parsed {
  times: number[];
  values: (number | null)[];
}

function parseDate(spec: LineChartSpec, date: string, where: string): number {
  const time = parseIsoDate(date);
  if (time === null) {
    throw new ChartInputError(
      `Chart ${spec.id}: ${where} has the date "${date}", not an ISO date (YYYY-MM-DD)`,
      spec.id,
    );
  }
  return time;
}

/** The dates of a line or band as times, checked to be in order. */
function parseTimes(
  spec: LineChartSpec,
  points: readonly { date: string }[],
  where: string,
): number[] {
  const times: number[] = new Array(points.length);
  let previous = -Infinity;
  for (let i = 0; i < points.length; i++) {
    const date = (points[i] as { date: string }).date;
    const time = parseDate(spec, date, where);
    if (time < previous) {
      throw new ChartInputError(
        `Chart ${spec.id}: ${where} is not in date order at ${date}`,
        spec.id,
      );
    }
    previous = time;
    times[i] = time;
  }
  return times;
}

/** One path for a whole series: a subpath for each run of values, a dot for a lone one. */
function linePath(
  parsed: Parsed,
  x: (time: number) => number,
  y: (value: number) => number,
): string {
  const parts: string[] = [];
  let run = 0;
  for (let i = 0; i < parsed.times.length; i++) {
    const value = parsed.values[i];
    if (value === null || value === undefined) {
      if (run === 1) parts.push('h0');
      run = 0;
      continue;
    }
    const point = `${coord(x(parsed.times[i] as number))},${coord(y(value))}`;
    parts.push(run === 0 ? `M${point}` : run === 1 ? `L${point}` : ` ${point}`);
    run += 1;
  }
  if (run === 1) parts.push('h0');
  return parts.join('');
}

/** One path for a band: a closed polygon for each run where both bounds are known. */
function bandPath(
  times: readonly number[],
  lows: readonly (number | null)[],
  highs: readonly (number | null)[],
  x: (time: number) => number,
  y: (value: number) => number,
): string {
  const parts: string[] = [];
  let start = 0;
  const close = (end: number): void => {
    if (end <= start) return;
    if (end - start === 1) {
      // A single step: a narrow bar, so a one-period forecast still shows its interval.
      const cx = x(times[start] as number);
      const top = coord(y(highs[start] as number));
      const bottom = coord(y(lows[start] as number));
      parts.push(`M${coord(cx - 2)},${top}H${coord(cx + 2)}V${bottom}H${coord(cx - 2)}Z`);
      return;
    }
    const upper: string[] = [];
    for (let i = start; i < end; i++) {
      upper.push(`${coord(x(times[i] as number))},${coord(y(highs[i] as number))}`);
    }
    const lower: string[] = [];
    for (let i = end - 1; i >= start; i--) {
      lower.push(`${coord(x(times[i] as number))},${coord(y(lows[i] as number))}`);
    }
    parts.push(`M${upper.join(' ')}L${lower.join(' ')}Z`);
  };
  for (let i = 0; i < times.length; i++) {
    if (lows[i] === null || highs[i] === null) {
      close(i);
      start = i + 1;
    }
  }
  close(times.length);
  return parts.join('');
}

/**
 * A time series with its forecast: lines (one path each, 1-decimal coordinates, broken at
 * nulls), shaded interval bands, point marks with tooltips, and a rule where the forecast
 * starts. Dates are ISO (`YYYY-MM-DD`), daily, weekly or monthly, placed by time; x ticks
 * fall on calendar boundaries. Throws `ChartInputError` when there is nothing to draw (no
 * finite value anywhere), a date is not ISO, or a series or band is out of date order.
 * @example lineChart({ id: 'forecast:shop:revenue', title: 'Revenue', lines: [{ name: 'revenue', points: [{ date: '2024-01-01', value: 5 }] }] })
 */
export function lineChart(spec: LineChartSpec): Chart {
  const width = spec.width ?? 720;
  const bandsIn = spec.bands ?? [];
  const markersIn = spec.markers?.points ?? [];

  // Parse everything once, collecting the x and y domains.
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  const seeTime = (times: readonly number[]): void => {
    if (times.length === 0) return;
    xMin = Math.min(xMin, times[0] as number);
    xMax = Math.max(xMax, times[times.length - 1] as number);
  };
  const seeValue = (value: number | null): void => {
    if (value === null) return;
    if (value < yMin) yMin = value;
    if (value > yMax) yMax = value;
  };
  const lines: Parsed[] = spec.lines.map((series) => {
    const times = parseTimes(spec, series.points, `line "${series.name}"`);
    const values = series.points.map((p) => finite(p.value));
    seeTime(times);
    values.forEach(seeValue);
    return { times, values };
  });
  const bands = bandsIn.map((band) => {
    const times = parseTimes(spec, band.points, `band "${band.name}"`);
    const lows: (number | null)[] = new Array(band.points.length);
    const highs: (number | null)[] = new Array(band.points.length);
    band.points.forEach((p, i) => {
      const low = finite(p.low);
      const high = finite(p.high);
      const known = low !== null && high !== null;
      lows[i] = known ? Math.min(low, high) : null;
      highs[i] = known ? Math.max(low, high) : null;
    });
    seeTime(times);
    lows.forEach(seeValue);
    highs.forEach(seeValue);
    return { times, lows, highs };
  });
  const markers: { time: number; value: number; label: string }[] = [];
  for (const point of markersIn) {
    const value = finite(point.value);
    if (value === null) continue;
    const time = parseDate(spec, point.date, `marker at ${point.date}`);
    seeTime([time]);
    seeValue(value);
    markers.push({ time, value, label: point.label ?? `${point.date}: ${formatNumber(value)}` });
  }
  if (!Number.isFinite(yMin)) {
    throw new ChartInputError(
      `Chart ${spec.id}: nothing to draw (no line, band or marker has a finite value)`,
      spec.id,
    );
  }
  const data = { xMin, xMax, yMin, yMax };
  if (spec.includeZero) {
    yMin = Math.min(yMin, 0);
    yMax = Math.max(yMax, 0);
  }
  if (xMin === xMax) {
    xMin -= DAY_MS;
    xMax += DAY_MS;
  }

  // Layout: y label on top, plot, x tick labels, legend.
  const yTicks = niceTicks(yMin, yMax, 5);
  const yLo = yTicks[0] as number;
  const yHi = yTicks[yTicks.length - 1] as number;
  const yLabels = yTicks.map(tickLabel);
  const left = Math.max(40, Math.ceil(Math.max(...yLabels.map((l) => textWidth(l)))) + 14);
  const legendItems: LegendItem[] = [
    ...bandsIn.map((b, i) => ({ kind: 'swatch' as const, name: b.name, fill: bandFill(i) })),
    ...spec.lines.map((l, i) => ({ kind: 'line' as const, name: l.name, style: seriesStyle(i) })),
    ...(markers.length > 0 && spec.markers
      ? [{ kind: 'marker' as const, name: spec.markers.name }]
      : []),
  ];
  const legendWidth = width - left - RIGHT;
  const legendH = legendHeight(legendItems, legendWidth);
  const top = spec.yLabel ? 24 : 12;
  const bottom = 28 + (legendH > 0 ? legendH + 8 : 0);
  const height = Math.max(spec.height ?? 320, top + bottom + MIN_PLOT_HEIGHT);
  const x0 = left;
  const x1 = width - RIGHT;
  const y0 = top;
  const y1 = height - bottom;
  const x = (time: number): number => x0 + ((time - xMin) / (xMax - xMin)) * (x1 - x0);
  const y = (value: number): number => y1 - ((value - yLo) / (yHi - yLo)) * (y1 - y0);

  const body: string[] = [];
  if (spec.yLabel) {
    body.push(
      `<text class="axis-label" x="${coord(x0)}" y="${coord(top - 10)}" fill="${INK.muted}">${escapeXml(spec.yLabel)}</text>`,
    );
  }

  // Grid and y axis labels.
  const grid: string[] = [];
  const yText: string[] = [];
  yTicks.forEach((tick, i) => {
    const ty = coord(y(tick));
    grid.push(`M${coord(x0)},${ty}H${coord(x1)}`);
    yText.push(
      `<text x="${coord(x0 - TICK_LABEL_GAP)}" y="${ty}" dominant-baseline="central">${escapeXml(yLabels[i] as string)}</text>`,
    );
  });
  body.push(`<path class="grid" d="${grid.join('')}" stroke="${INK.grid}" fill="none"/>`);
  body.push(`<g class="axis axis-y" fill="${INK.text}" text-anchor="end">${yText.join('')}</g>`);

  // Bands.
  let marks = 0;
  const bandPaths: string[] = [];
  bands.forEach((band, i) => {
    const d = bandPath(band.times, band.lows, band.highs, x, y);
    if (!d) return;
    marks += 1;
    bandPaths.push(
      `<path class="mark band" d="${d}" fill="${bandFill(i)}"><title>${escapeXml((bandsIn[i] as IntervalBand).name)}</title></path>`,
    );
  });
  if (bandPaths.length > 0) body.push(`<g class="bands">${bandPaths.join('')}</g>`);

  // X axis: the baseline (or zero), ticks and labels.
  const xTicks = timeTicks(xMin, xMax, (x1 - x0) / 70);
  const xAxis: string[] = [
    `<path d="M${coord(x0)},${coord(y1)}H${coord(x1)}" stroke="${INK.axis}"/>`,
  ];
  if (yLo < 0 && yHi > 0) {
    xAxis.push(
      `<path class="zero" d="M${coord(x0)},${coord(y(0))}H${coord(x1)}" stroke="${INK.axis}"/>`,
    );
  }
  const tickMarks = xTicks.map((t) => `M${coord(x(t.time))},${coord(y1)}v4`).join('');
  if (tickMarks) xAxis.push(`<path d="${tickMarks}" stroke="${INK.axis}"/>`);
  for (const t of xTicks) {
    // A label that would run off the chart is anchored at its tick's end instead.
    const tx = x(t.time);
    const half = textWidth(t.label) / 2;
    const anchor = tx + half > width - 2 ? 'end' : tx - half < 2 ? 'start' : 'middle';
    xAxis.push(
      `<text x="${coord(tx)}" y="${coord(y1 + 20)}" text-anchor="${anchor}">${escapeXml(t.label)}</text>`,
    );
  }
  body.push(`<g class="axis axis-x" fill="${INK.text}">${xAxis.join('')}</g>`);

  // The rule where the forecast starts.
  if (spec.forecastStart !== undefined) {
    const time = parseDate(spec, spec.forecastStart, 'forecastStart');
    if (time >= xMin && time <= xMax) {
      const rx = x(time);
      const text = escapeXml(spec.forecastLabel ?? 'Forecast');
      const atEnd = rx > x1 - 70;
      body.push(
        `<g class="forecast-start"><path d="M${coord(rx)},${coord(y0)}V${coord(y1)}" stroke="${INK.rule}" stroke-dasharray="3 3"/>` +
          `<text x="${coord(atEnd ? rx - 4 : rx + 4)}" y="${coord(y0 + FONT_SIZE)}" fill="${INK.muted}" text-anchor="${atEnd ? 'end' : 'start'}">${text}</text></g>`,
      );
    }
  }

  // Lines.
  const linePaths: string[] = [];
  lines.forEach((parsed, i) => {
    const d = linePath(parsed, x, y);
    if (!d) return;
    marks += 1;
    const style = seriesStyle(i);
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    linePaths.push(
      `<path class="mark line" d="${d}" stroke="${style.colour}"${dash}><title>${escapeXml((spec.lines[i] as LineSeries).name)}</title></path>`,
    );
  });
  if (linePaths.length > 0) {
    body.push(
      `<g class="lines" fill="none" stroke-width="${LINE_WIDTH}" stroke-linejoin="round" stroke-linecap="round">${linePaths.join('')}</g>`,
    );
  }

  // Point marks.
  if (markers.length > 0) {
    marks += markers.length;
    const circles = markers.map(
      (m) =>
        `<circle class="mark point" cx="${coord(x(m.time))}" cy="${coord(y(m.value))}" r="${MARKER.radius}"><title>${escapeXml(m.label)}</title></circle>`,
    );
    body.push(
      `<g class="markers" fill="${MARKER.fill}" stroke="${MARKER.stroke}" stroke-width="${MARKER.strokeWidth}">${circles.join('')}</g>`,
    );
  }

  if (legendItems.length > 0) body.push(legend(legendItems, x0, y1 + 34, legendWidth));

  return {
    svg: svgRoot({
      id: spec.id,
      kind: 'line',
      width,
      height,
      title: spec.title,
      description: spec.description ?? describe(spec, data, markers.length),
      marks,
      body: body.join(''),
    }),
    marks,
  };
}

/** The data in a sentence, for screen readers. */
function describe(
  spec: LineChartSpec,
  data: { xMin: number; xMax: number; yMin: number; yMax: number },
  markerCount: number,
): string {
  const { xMin, xMax, yMin, yMax } = data;
  const names = spec.lines.map((l) => l.name).join(', ');
  const parts = [
    `Line chart of ${names || 'values'} from ${isoDate(xMin)} to ${isoDate(xMax)}, values ${formatNumber(yMin)} to ${formatNumber(yMax)}.`,
  ];
  if (spec.bands && spec.bands.length > 0) {
    parts.push(`Shaded: ${spec.bands.map((b) => b.name).join(', ')}.`);
  }
  if (spec.forecastStart)
    parts.push(`${spec.forecastLabel ?? 'Forecast'} from ${spec.forecastStart}.`);
  if (markerCount > 0 && spec.markers) parts.push(`${spec.markers.name}: ${markerCount} marked.`);
  return parts.join(' ');
}
