import { describe, expect, it } from 'vitest';
import { barChart, type BarChartSpec } from '#report/charts/bar.ts';
import { ChartInputError } from '#report/charts/svg.ts';
import { formatShare } from '#report/format.ts';
import { assertWellFormed, attr, tags, texts } from './svg-helpers.ts';

/** Revenue by channel as the demo report's KPIs give it (the last bar a loss, one unknown). */
const channels: BarChartSpec = {
  id: 'kpis:sales_transactions:channel',
  title: 'Revenue by channel',
  valueLabel: 'net_amount',
  bars: [
    { label: 'web', value: 549_661.67 },
    { label: 'store', value: 412_326.3 },
    { label: 'mobile', value: 301_632.43 },
    { label: 'partner', value: -106_212.21 },
    { label: 'unknown', value: null },
  ],
};

const zeroX = (svg: string): number => {
  const zero = /<path class="zero" d="M([\d.]+),/.exec(svg);
  if (!zero) throw new Error('no zero line');
  return Number(zero[1]);
};

describe('barChart structure', () => {
  it('draws one rect per known value and counts it', () => {
    const chart = barChart(channels);
    assertWellFormed(chart.svg);
    expect(tags(chart.svg, 'rect', 'bar')).toHaveLength(4);
    expect(tags(chart.svg, 'rect', 'mark')).toHaveLength(4);
    expect(chart.marks).toBe(4);
    expect(chart.svg).toContain('data-marks="4"');
    expect(chart.svg).toMatch(/^<svg [^>]*class="chart chart-bar"/);
  });

  it('prints values at the bar ends, n/a for the unknown', () => {
    const labels = texts(barChart(channels).svg);
    expect(labels).toEqual(
      expect.arrayContaining([
        '549,662',
        '412,326',
        '301,632',
        '-106,212',
        'n/a',
        'web',
        'unknown',
        'net_amount',
      ]),
    );
  });

  it('grows positive bars right of zero and negative bars left of it, longer for larger values', () => {
    const svg = barChart(channels).svg;
    const zero = zeroX(svg);
    const rects = tags(svg, 'rect', 'bar').map((a) => ({
      x: Number(attr(a, 'x')),
      width: Number(attr(a, 'width')),
    }));
    const [web, store, mobile, partner] = rects;
    for (const r of [web, store, mobile]) expect(r?.x).toBeCloseTo(zero, 0);
    expect(web!.width).toBeGreaterThan(store!.width);
    expect(store!.width).toBeGreaterThan(mobile!.width);
    expect(partner!.x + partner!.width).toBeCloseTo(zero, 0);
    // Widths are proportional to the values.
    expect(web!.width / partner!.width).toBeCloseTo(549_661.67 / 106_212.21, 1);
  });

  it('puts a negative value left of its bar and a positive one right of it', () => {
    const svg = barChart(channels).svg;
    const value = (text: string): string => {
      const m = new RegExp(`<text ([^>]*)>${text}</text>`).exec(svg);
      if (!m) throw new Error(`no ${text}`);
      return m[1] as string;
    };
    expect(attr(value('-106,212'), 'text-anchor')).toBe('end');
    expect(attr(value('549,662'), 'text-anchor')).toBe('start');
  });

  it('prints shares with the format given, on the bars and the axis', () => {
    const svg = barChart({
      id: 'segments',
      title: 'Customers by segment',
      format: formatShare,
      bars: [
        { label: 'Champions', value: 0.12 },
        { label: 'At risk', value: 0.57 },
      ],
    }).svg;
    expect(texts(svg)).toEqual(expect.arrayContaining(['12%', '57%', '0%', '60%']));
  });

  it('draws a zero as a bar of no width and counts it', () => {
    const chart = barChart({ id: 'z', title: 'z', bars: [{ label: 'a', value: 0 }] });
    expect(chart.marks).toBe(1);
    expect(attr(tags(chart.svg, 'rect', 'bar')[0] as string, 'width')).toBe('0');
  });

  it('cuts a long label and keeps it whole in a tooltip', () => {
    const long = 'Middle East, North Africa and the Gulf Cooperation Council';
    const svg = barChart({ id: 'l', title: 'l', bars: [{ label: long, value: 3 }] }).svg;
    expect(texts(svg)).toContain('Middle East, North Africa and t\u2026');
    expect(svg).toContain(`<title>${long}</title>`);
  });

  it('is deterministic and describes its data', () => {
    expect(barChart(channels).svg).toBe(barChart(channels).svg);
    expect(barChart(channels).svg).toContain(
      '>Bar chart. web: 549,662; store: 412,326; mobile: 301,632; partner: -106,212; unknown: n/a.</desc>',
    );
  });
});

describe('barChart escaping and input', () => {
  it('escapes labels, notes and titles', () => {
    const evil = '<script>alert(1)</script>';
    const quote = '"><img src=x onerror=alert(1)>';
    const chart = barChart({
      id: quote,
      title: evil,
      valueLabel: evil,
      bars: [
        { label: quote, value: 1 },
        { label: evil, value: -2, note: quote },
        { label: `${quote}${quote}${quote}`, value: 3 },
      ],
    });
    assertWellFormed(chart.svg);
    expect(chart.svg).not.toContain(evil);
    expect(chart.svg).not.toContain(quote);
    expect(chart.svg).not.toMatch(/<script|<img|<[^>]*\son\w+=/);
    expect(chart.svg).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('refuses no bars, or no known value', () => {
    expect(() => barChart({ id: 'e', title: 'e', bars: [] })).toThrow(ChartInputError);
    expect(() => barChart({ id: 'e', title: 'e', bars: [] })).toThrow(
      'Chart e: nothing to draw (no bars)',
    );
    expect(() =>
      barChart({
        id: 'n',
        title: 'n',
        bars: [
          { label: 'a', value: null },
          { label: 'b', value: Number.NaN },
        ],
      }),
    ).toThrow('no bar has a finite value');
  });
});
