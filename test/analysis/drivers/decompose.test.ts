import { describe, expect, it } from 'vitest';
import { decompose, type Cell } from '#analysis/drivers/decompose.ts';
import { rankDimensions } from '#analysis/drivers/rank.ts';

/**
 * A small fixed table, its decomposition worked out by hand below.
 *
 *            reference            target
 *   web      30 orders, 600       20 orders, 300     rate 20 -> 15
 *   store    10 orders, 400       10 orders, 500     rate 40 -> 50
 *   app       0 orders,   0        5 orders, 100     new: rate 20 in both (taken from target)
 *   all      40 orders, 1000      35 orders, 900
 */
const CHANNELS: Cell[] = [
  { value: 'web', reference: { sum: 600, count: 30 }, target: { sum: 300, count: 20 } },
  { value: 'store', reference: { sum: 400, count: 10 }, target: { sum: 500, count: 10 } },
  { value: 'app', reference: { sum: 0, count: 0 }, target: { sum: 100, count: 5 } },
];

const byValue = (d: ReturnType<typeof decompose>) =>
  Object.fromEntries(d.contributions.map((c) => [c.value, c]));

describe('decomposing a change across a dimension (golden: by hand)', () => {
  it('revenue (a sum): each value its own change, split into volume and rate', () => {
    const d = decompose('channel', CHANNELS, 'sum');
    expect([d.reference, d.target, d.change]).toEqual([1000, 900, -100]);
    const c = byValue(d);
    // web: -10 orders at the mean rate (20 + 15) / 2 = -175; -5 per order over the mean
    // volume (30 + 20) / 2 = -125; together -300, three times the total drop.
    expect(c['web']).toMatchObject({ change: -300, mix: -175, rate: -125, share: 3 });
    // store: same orders, +10 per order over 10 orders.
    expect(c['store']).toMatchObject({ change: 100, mix: 0, rate: 100, share: -1 });
    // app: new, all volume: 5 orders at 20.
    expect(c['app']).toMatchObject({ change: 100, mix: 100, rate: 0, share: -1 });
    expect(d.contributions.map((x) => x.value)).toEqual(['web', 'app', 'store']);
    expect(d.contributions.reduce((n, x) => n + x.change, 0)).toBe(d.change);
  });

  it('average order value: mix (shares of orders moving) and rate (own averages moving)', () => {
    const d = decompose('channel', CHANNELS, 'average');
    // 1000 / 40 = 25 -> 900 / 35 = 25 5/7: up 5/7 though two of three channels cheapened.
    expect(d.reference).toBe(25);
    expect(d.target).toBeCloseTo(900 / 35, 12);
    expect(d.change).toBeCloseTo(5 / 7, 12);
    const c = byValue(d);
    // Mean overall average m = (25 + 900/35) / 2 = 355/14.
    // web: shares 30/40 -> 20/35, Δw = -5/28; mix = Δw·(17.5 - m) = 275/196;
    //      rate = -5·(0.75 + 4/7)/2 = -185/56; change = -745/392.
    expect(c['web']!.mix).toBeCloseTo(275 / 196, 12);
    expect(c['web']!.rate).toBeCloseTo(-185 / 56, 12);
    expect(c['web']!.change).toBeCloseTo(-745 / 392, 12);
    // store: Δw = 2/7 - 1/4 = 1/28; mix = (1/28)·(45 - m) = 275/392; rate = 10·(15/56) = 75/28.
    expect(c['store']!.mix).toBeCloseTo(275 / 392, 12);
    expect(c['store']!.rate).toBeCloseTo(75 / 28, 12);
    expect(c['store']!.change).toBeCloseTo(1325 / 392, 12);
    // app: Δw = 1/7 at 20, below the mean: mix = (1/7)·(20 - m) = -75/98; no rate of its own.
    expect(c['app']!.mix).toBeCloseTo(-75 / 98, 12);
    expect(c['app']!.rate).toBe(0);
    expect(c['store']!.share).toBeCloseTo(1325 / 392 / (5 / 7), 12);
    const total = d.contributions.reduce((n, x) => n + x.change, 0);
    expect(total).toBeCloseTo(d.change, 12);
    expect(d.contributions.reduce((n, x) => n + x.share!, 0)).toBeCloseTo(1, 12);
  });

  it('says nothing moved when nothing did, and refuses a sum that is not a number', () => {
    const same = CHANNELS.map((c) => ({ ...c, target: c.reference }));
    const d = decompose('channel', same, 'sum');
    expect(d.change).toBe(0);
    expect(d.contributions.every((c) => c.change === 0 && c.share === null)).toBe(true);
    expect(() =>
      decompose(
        'channel',
        [{ value: 'x', reference: { sum: NaN, count: 1 }, target: { sum: 1, count: 1 } }],
        'sum',
      ),
    ).toThrow('Value "x" of channel has a sum or count that is not a finite number');
  });
});

describe('choosing the dimensions that explain a change', () => {
  // Revenue 1000 -> 800: the web channel lost 180 of the 200; regions each lost a little.
  const channel = decompose(
    'channel',
    [
      { value: 'web', reference: { sum: 500, count: 50 }, target: { sum: 320, count: 32 } },
      { value: 'store', reference: { sum: 500, count: 50 }, target: { sum: 480, count: 48 } },
    ],
    'sum',
  );
  const region = decompose(
    'region',
    ['north', 'south', 'east', 'west'].map((value) => ({
      value,
      reference: { sum: 250, count: 25 },
      target: { sum: 200, count: 20 },
    })),
    'sum',
  );

  it('puts first the dimension where one value carries the change, and names it', () => {
    const [first, second] = rankDimensions([region, channel]);
    expect(first!.dimension).toBe('channel');
    expect(first!.drivers.map((d) => d.value)).toEqual(['web']);
    expect(first!.explainedShare).toBeCloseTo(0.9, 12);
    expect(first!.succinct).toBe(true);
    // Every region carries a quarter and none moved its share: no succinct explanation.
    expect(second!.dimension).toBe('region');
    expect(second!.surprise).toBe(0);
    expect(second!.succinct).toBe(false);
  });
});
