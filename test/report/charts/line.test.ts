import { describe, expect, it } from 'vitest';
import { lineChart, type LineChartSpec } from '#report/charts/line.ts';
import { ChartInputError } from '#report/charts/svg.ts';
import { assertWellFormed, attr, tags, texts } from './svg-helpers.ts';

const DAY = 86_400_000;
const day = (i: number): string =>
  new Date(Date.UTC(2022, 0, 1) + i * DAY).toISOString().slice(0, 10);

/** 1,095 days of history (like the demo's daily sales), 7 days of forecast with intervals. */
function forecastSpec(): LineChartSpec {
  const history = Array.from({ length: 1095 }, (_, i) => ({
    date: day(i),
    value: 40_000 + 20 * i + 8_000 * Math.sin((2 * Math.PI * i) / 7),
  }));
  const steps = Array.from({ length: 7 }, (_, h) => ({
    date: day(1095 + h),
    yhat: 62_000 + 100 * h,
  }));
  return {
    id: 'forecast:shop:revenue',
    title: 'Revenue with a 7-day forecast',
    yLabel: 'revenue',
    lines: [
      { name: 'revenue', points: history },
      { name: 'forecast', points: steps.map((s) => ({ date: s.date, value: s.yhat })) },
    ],
    bands: [
      {
        name: '95% interval',
        points: steps.map((s) => ({ date: s.date, low: s.yhat - 9_000, high: s.yhat + 9_000 })),
      },
      {
        name: '80% interval',
        points: steps.map((s) => ({ date: s.date, low: s.yhat - 5_000, high: s.yhat + 5_000 })),
      },
    ],
    markers: {
      name: 'Anomaly',
      points: [
        { date: day(666), value: 142_577, label: '2023-10-29: 142,577 (expected 44,655)' },
        { date: day(100), value: 12_000 },
        { date: day(30), value: 60_000 },
      ],
    },
    forecastStart: day(1095),
  };
}

describe('lineChart structure', () => {
  it('draws one path per line and band and one circle per marker, and counts them', () => {
    const chart = lineChart(forecastSpec());
    assertWellFormed(chart.svg);
    expect(tags(chart.svg, 'path', 'line')).toHaveLength(2);
    expect(tags(chart.svg, 'path', 'band')).toHaveLength(2);
    expect(tags(chart.svg, 'circle', 'point')).toHaveLength(3);
    expect(chart.marks).toBe(7);
    expect(tags(chart.svg, 'path', 'mark').length + tags(chart.svg, 'circle', 'mark').length).toBe(
      7,
    );
    expect(chart.svg).toContain('data-marks="7"');
    expect(chart.svg).toMatch(/^<svg [^>]*class="chart chart-line"[^>]*role="img"/);
  });

  it('keeps a long history light: one subpath, coordinates to one decimal', () => {
    const chart = lineChart(forecastSpec());
    const d = attr(tags(chart.svg, 'path', 'line')[0] as string, 'd');
    expect(d.match(/M/g)).toHaveLength(1);
    const numbers = d.match(/-?\d+(?:\.\d+)?/g) ?? [];
    expect(numbers).toHaveLength(2 * 1095);
    for (const n of numbers) expect(n).toMatch(/^-?\d+(\.\d)?$/);
    expect(chart.svg).not.toMatch(/NaN|Infinity|undefined/);
    expect(chart.svg.length).toBeLessThan(40_000);
  });

  it('breaks a line at a null, and draws a lone value as a dot', () => {
    const chart = lineChart({
      id: 'gaps',
      title: 'gaps',
      lines: [
        {
          name: 'x',
          points: [
            { date: '2024-03-01', value: 1 },
            { date: '2024-03-02', value: 2 },
            { date: '2024-03-03', value: null },
            { date: '2024-03-04', value: 3 },
            { date: '2024-03-05', value: 4 },
          ],
        },
        {
          name: 'y',
          points: [
            { date: '2024-03-01', value: 1 },
            { date: '2024-03-02', value: Number.NaN },
            { date: '2024-03-03', value: 2 },
          ],
        },
      ],
    });
    const [x, y] = tags(chart.svg, 'path', 'line').map((a) => attr(a, 'd'));
    expect(x?.match(/M/g)).toHaveLength(2);
    expect(x).toMatch(/^M[\d.]+,[\d.]+L[\d.]+,[\d.]+M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/);
    // NaN is a gap too; each lone value is a zero-length subpath that round caps show as a dot.
    expect(y?.match(/M/g)).toHaveLength(2);
    expect(y?.match(/h0/g)).toHaveLength(2);
    expect(chart.marks).toBe(2);
  });

  it('breaks a band where a bound is missing, and shows a one-step band', () => {
    const chart = lineChart({
      id: 'band',
      title: 'band',
      lines: [{ name: 'x', points: [{ date: '2024-01-01', value: 5 }] }],
      bands: [
        {
          name: '80%',
          points: [
            { date: '2024-01-02', low: 4, high: 6 },
            { date: '2024-01-03', low: 4, high: 7 },
            { date: '2024-01-04', low: null, high: 7 },
            { date: '2024-01-05', low: 3, high: 8 },
          ],
        },
      ],
    });
    const d = attr(tags(chart.svg, 'path', 'band')[0] as string, 'd');
    expect(d.match(/M/g)).toHaveLength(2);
    expect(d.match(/Z/g)).toHaveLength(2);
  });

  it('draws the forecast rule only inside the dates drawn', () => {
    const spec = forecastSpec();
    const inside = lineChart(spec).svg;
    expect(inside).toContain('class="forecast-start"');
    expect(texts(inside)).toContain('Forecast');
    const outside = lineChart({ ...spec, forecastStart: '2030-01-01' }).svg;
    expect(outside).not.toContain('forecast-start');
    expect(() => lineChart({ ...spec, forecastStart: 'tomorrow' })).toThrow(ChartInputError);
  });

  it('labels the axes: month starts and the report number format', () => {
    const labels = texts(lineChart(forecastSpec()).svg);
    expect(labels).toEqual(
      expect.arrayContaining(['Jan 2022', 'Jul', 'Jan 2023', 'Jan 2024', 'Jan 2025']),
    );
    expect(labels).toEqual(expect.arrayContaining(['20,000', '140,000', '160,000']));
    expect(labels).toEqual(
      expect.arrayContaining(['revenue', 'forecast', '95% interval', 'Anomaly']),
    );
  });

  it('gives each marker its tooltip, a default one when no label is given', () => {
    const svg = lineChart(forecastSpec()).svg;
    expect(svg).toContain('<title>2023-10-29: 142,577 (expected 44,655)</title></circle>');
    expect(svg).toContain(`<title>${day(100)}: 12,000</title></circle>`);
  });

  it('reaches zero when asked', () => {
    const spec: LineChartSpec = {
      id: 'z',
      title: 'z',
      lines: [
        {
          name: 'x',
          points: [
            { date: '2024-01', value: 50 },
            { date: '2024-02', value: 60 },
          ],
        },
      ],
    };
    expect(texts(lineChart(spec).svg)).not.toContain('0');
    expect(texts(lineChart({ ...spec, includeZero: true }).svg)).toContain('0');
  });

  it('describes the data for screen readers unless told', () => {
    const svg = lineChart(forecastSpec()).svg;
    expect(svg).toMatch(
      /<desc [^>]*>Line chart of revenue, forecast from 2022-01-01 to 2025-01-06, values [\d,]+ to 142,577\. Shaded: 95% interval, 80% interval\. Forecast from 2024-12-31\. Anomaly: 3 marked\.<\/desc>/,
    );
    expect(lineChart({ ...forecastSpec(), description: 'Told.' }).svg).toContain('>Told.</desc>');
  });
});

describe('lineChart escaping', () => {
  it('escapes every text from data', () => {
    const evil = '<script>alert(1)</script>';
    const quote = '"><img src=x onerror=alert(1)>';
    const chart = lineChart({
      id: evil,
      title: evil,
      description: quote,
      yLabel: quote,
      lines: [
        {
          name: evil,
          points: [
            { date: '2024-01-01', value: 1 },
            { date: '2024-01-02', value: 2 },
          ],
        },
      ],
      bands: [
        {
          name: quote,
          points: [
            { date: '2024-01-01', low: 0, high: 3 },
            { date: '2024-01-02', low: 0, high: 3 },
          ],
        },
      ],
      markers: { name: quote, points: [{ date: '2024-01-02', value: 2, label: evil }] },
      forecastStart: '2024-01-02',
      forecastLabel: quote,
    });
    assertWellFormed(chart.svg);
    expect(chart.svg).not.toContain(evil);
    expect(chart.svg).not.toContain(quote);
    expect(chart.svg).not.toContain('<script');
    expect(chart.svg).not.toContain('<img');
    expect(chart.svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(chart.svg).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('needs no style attribute or element, so a strict CSP keeps its look', () => {
    const svg = lineChart(forecastSpec()).svg;
    expect(svg).not.toMatch(/<style|\sstyle=|<script|\son\w+=|href=/);
  });
});

describe('lineChart input', () => {
  it('is deterministic', () => {
    expect(lineChart(forecastSpec()).svg).toBe(lineChart(forecastSpec()).svg);
  });

  it('refuses a chart with nothing to draw, naming it', () => {
    expect(() => lineChart({ id: 'none', title: 't', lines: [] })).toThrow(ChartInputError);
    expect(() =>
      lineChart({
        id: 'nulls',
        title: 't',
        lines: [{ name: 'x', points: [{ date: '2024-01-01', value: null }] }],
      }),
    ).toThrow(/Chart nulls: nothing to draw/);
  });

  it('refuses dates that are not ISO or out of order', () => {
    const line = (dates: string[]): LineChartSpec => ({
      id: 'd',
      title: 't',
      lines: [{ name: 'x', points: dates.map((date, i) => ({ date, value: i })) }],
    });
    expect(() => lineChart(line(['2024-01-01', '01/02/2024']))).toThrow(
      /line "x" has the date "01\/02\/2024"/,
    );
    expect(() => lineChart(line(['2024-01-02', '2024-01-01']))).toThrow(
      /not in date order at 2024-01-01/,
    );
    expect(lineChart(line(['2024-01-01', '2024-01-01'])).marks).toBe(1);
  });

  it('draws a single point on a two-day axis', () => {
    const chart = lineChart({
      id: 'one',
      title: 't',
      lines: [{ name: 'x', points: [{ date: '2024-05-05', value: 3 }] }],
    });
    expect(chart.marks).toBe(1);
    expect(attr(tags(chart.svg, 'path', 'line')[0] as string, 'd')).toMatch(/^M[\d.]+,[\d.]+h0$/);
    expect(texts(chart.svg)).toContain('May 5');
  });

  it('draws markers alone when every line is empty', () => {
    const chart = lineChart({
      id: 'm',
      title: 't',
      lines: [{ name: 'x', points: [] }],
      markers: {
        name: 'Anomaly',
        points: [
          { date: '2024-01-01', value: 1 },
          { date: '2024-01-09', value: Infinity },
        ],
      },
    });
    expect(chart.marks).toBe(1);
  });
});
