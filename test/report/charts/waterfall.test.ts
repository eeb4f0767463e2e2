import { describe, expect, it } from 'vitest';
import { ChartInputError } from '#report/charts/svg.ts';
import { waterfallChart, type WaterfallSpec } from '#report/charts/waterfall.ts';
import { assertWellFormed, attr, tags, texts } from './svg-helpers.ts';

const bridge: WaterfallSpec = {
  id: 'bridge',
  title: 'Revenue, 2023 to 2024, by channel',
  start: { label: '2023', value: 1_200_000 },
  steps: [
    { label: 'web', value: 150_000 },
    { label: 'store', value: -80_000 },
    { label: 'mobile', value: 40_000 },
    { label: 'partner', value: -210_000 },
  ],
  endLabel: '2024',
};

const bars = (svg: string): { x: number; right: number; classes: string }[] =>
  tags(svg, 'rect', 'bar').map((a) => {
    const x = Number(attr(a, 'x'));
    return { x, right: x + Number(attr(a, 'width')), classes: attr(a, 'class') };
  });

describe('waterfallChart', () => {
  it('draws the start, every step and the end, and counts them', () => {
    const chart = waterfallChart(bridge);
    assertWellFormed(chart.svg);
    expect(chart.marks).toBe(6);
    expect(chart.svg).toContain('data-marks="6"');
    expect(bars(chart.svg).map((b) => b.classes)).toEqual([
      'mark bar total',
      'mark bar step',
      'mark bar step',
      'mark bar step',
      'mark bar step',
      'mark bar total',
    ]);
  });

  it('floats each step from the running total and ends at start + steps', () => {
    const svg = waterfallChart(bridge).svg;
    const [start, web, store, mobile, partner, end] = bars(svg);
    expect(web!.x).toBeCloseTo(start!.right, 0);
    expect(store!.right).toBeCloseTo(web!.right, 0);
    expect(mobile!.x).toBeCloseTo(store!.x, 0);
    expect(partner!.right).toBeCloseTo(mobile!.right, 0);
    expect(end!.right).toBeCloseTo(partner!.x, 0);
    expect(texts(svg)).toEqual(
      expect.arrayContaining(['1,200,000', '+150,000', '-80,000', '1,100,000', '2024']),
    );
  });

  it('draws two totals when there are no steps, and refuses a step with no value', () => {
    expect(waterfallChart({ ...bridge, steps: [] }).marks).toBe(2);
    expect(() =>
      waterfallChart({ ...bridge, steps: [{ label: '<b>', value: Number.NaN }] }),
    ).toThrow(new ChartInputError('Chart bridge: the step "<b>" has no finite value', 'bridge'));
  });

  it('escapes labels', () => {
    const svg = waterfallChart({
      ...bridge,
      steps: [{ label: '<script>alert(1)</script>', value: 5 }],
    }).svg;
    assertWellFormed(svg);
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});
