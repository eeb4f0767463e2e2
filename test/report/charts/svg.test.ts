import { describe, expect, it } from 'vitest';
import { chartDomId, coord, escapeXml, niceTicks, PALETTE, svgRoot } from '#report/charts/svg.ts';
import { assertWellFormed } from './svg-helpers.ts';

describe('escapeXml', () => {
  it('escapes the five XML specials and nothing else', () => {
    expect(escapeXml(`a & b < c > d " e ' f`)).toBe('a &amp; b &lt; c &gt; d &quot; e &#39; f');
    expect(escapeXml('&amp;')).toBe('&amp;amp;');
    expect(escapeXml('Café – 10%')).toBe('Café – 10%');
  });
});

describe('niceTicks', () => {
  it('covers 0..97 in steps of 20', () => {
    expect(niceTicks(0, 97, 5)).toEqual([0, 20, 40, 60, 80, 100]);
  });

  it('steps by 1, 2 or 5 times a power of ten and covers the range', () => {
    const ranges: [number, number][] = [
      [0, 1],
      [3, 7],
      [-42, 17],
      [0.001, 0.0172],
      [27_638, 142_577],
      [-1e9, -3e8],
      [0.1, 0.35],
      [1234.5, 1234.9],
    ];
    for (const [min, max] of ranges) {
      const ticks = niceTicks(min, max, 5);
      expect(ticks[0]).toBeLessThanOrEqual(min);
      expect(ticks.at(-1)).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks.length).toBeLessThanOrEqual(5 * 1.5 + 3);
      const step = Number(((ticks[1] as number) - (ticks[0] as number)).toPrecision(6));
      const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6));
      expect([1, 2, 5]).toContain(mantissa);
      // Multiples of the step with no floating point residue (0.30000000000000004).
      for (const t of ticks) expect(String(t).length).toBeLessThanOrEqual(12);
    }
  });

  it('prints decimal steps cleanly', () => {
    expect(niceTicks(0.1, 0.35, 5)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3, 0.35]);
  });

  it('gives a single value a range around it, and refuses non-finite bounds', () => {
    expect(niceTicks(0, 0, 5)).toEqual([-1, -0.5, 0, 0.5, 1]);
    const around = niceTicks(50, 50, 5);
    expect(around[0]).toBeLessThan(50);
    expect(around.at(-1)).toBeGreaterThan(50);
    expect(niceTicks(10, 0, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(() => niceTicks(0, Number.NaN, 5)).toThrow(RangeError);
    expect(() => niceTicks(-Infinity, 1, 5)).toThrow(RangeError);
  });

  it('never returns -0', () => {
    expect(
      Object.is(
        niceTicks(-3, 7, 5).find((t) => t === 0),
        0,
      ),
    ).toBe(true);
  });
});

describe('svg pieces', () => {
  it('rounds coordinates to one decimal', () => {
    expect(coord(12.345)).toBe('12.3');
    expect(coord(12.35 + 1e-9)).toBe('12.4');
    expect(coord(7)).toBe('7');
    expect(coord(-0.01)).toBe('0');
  });

  it('makes ids valid and distinct, the same every time', () => {
    expect(chartDomId('forecast:shop:revenue')).toMatch(/^chart-forecast-shop-revenue-[0-9a-z]+$/);
    expect(chartDomId('forecast:shop:revenue')).toBe(chartDomId('forecast:shop:revenue'));
    expect(chartDomId('a:b')).not.toBe(chartDomId('a-b'));
    expect(chartDomId('"><script>')).toMatch(/^chart-script-[0-9a-z]+$/);
  });

  it('names the root by its title and desc, escaped', () => {
    const svg = svgRoot({
      id: 'x',
      kind: 'line',
      width: 100,
      height: 50,
      title: 'Sales <b>',
      description: 'A & B',
      marks: 3,
      body: '',
    });
    assertWellFormed(svg);
    const id = chartDomId('x');
    expect(svg).toContain(`aria-labelledby="${id}-title ${id}-desc"`);
    expect(svg).toContain(`<title id="${id}-title">Sales &lt;b&gt;</title>`);
    expect(svg).toContain(`<desc id="${id}-desc">A &amp; B</desc>`);
    expect(svg).toContain('class="chart chart-line"');
    expect(svg).toContain('data-marks="3"');
    expect(svg).toContain('viewBox="0 0 100 50"');
    expect(svg).not.toMatch(/\b(width|height)="[^"]*"[^>]*viewBox/);
  });

  it('tells series apart without colour: every style has its own dash pattern', () => {
    const dashes = PALETTE.map((s) => s.dash ?? 'solid');
    expect(new Set(dashes).size).toBe(PALETTE.length);
    expect(new Set(PALETTE.map((s) => s.colour)).size).toBe(PALETTE.length);
  });
});

describe('assertWellFormed (the tests rely on it to catch broken markup)', () => {
  it('accepts escaped text and refuses raw markup, unbalanced tags and bare quotes', () => {
    expect(() =>
      assertWellFormed('<svg a="1"><text>a &amp; b &lt;</text><path d="M0,0"/></svg>'),
    ).not.toThrow();
    expect(() => assertWellFormed('<svg><text>a < b</text></svg>')).toThrow();
    expect(() => assertWellFormed('<svg><text>a & b</text></svg>')).toThrow();
    expect(() => assertWellFormed('<svg><text></svg>')).toThrow();
    expect(() => assertWellFormed('<svg a=""><img src=x onerror=alert(1)>"/></svg>')).toThrow();
  });
});
