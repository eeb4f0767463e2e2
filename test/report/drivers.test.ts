import { describe, expect, it } from 'vitest';
import type { ChangeDrivers } from '#report/findings.ts';
import { driversSentence } from '#report/narrative/drivers-sentence.ts';

const drivers = (over: Partial<ChangeDrivers> = {}): ChangeDrivers => ({
  measure: 'net_amount',
  kind: 'sum',
  reference: { from: '2024-02-01', to: '2024-03-01' },
  target: { from: '2024-03-01', to: '2024-04-01' },
  referenceValue: 10_000,
  targetValue: 8_800,
  change: -1_200,
  dimensions: [
    {
      column: 'channel',
      succinct: true,
      explainedShare: 0.82,
      values: [
        { value: 'web', change: -984, share: 0.82, mix: -900, rate: -84, driver: true },
        { value: 'store', change: -300, share: 0.25, mix: -300, rate: 0, driver: false },
        { value: 'app', change: 84, share: -0.07, mix: 84, rate: 0, driver: false },
      ],
    },
  ],
  drill: {
    column: 'channel',
    value: 'web',
    dimensions: [
      {
        column: 'category',
        entity: 'product_information',
        succinct: true,
        explainedShare: 0.64,
        values: [
          { value: 'Electronics', change: -630, share: 0.64, mix: -630, rate: 0, driver: true },
          { value: 'Books', change: -354, share: 0.36, mix: -354, rate: 0, driver: false },
        ],
      },
    ],
  },
  ...over,
});

describe('the drivers line of a narrative', () => {
  it('names the value that carried the change, its share, the drill and whether it was volume', () => {
    expect(driversSentence(drivers())).toBe(
      '82% of the drop of 1,200 came from channel web; within web, category (product_information) Electronics carried 64% (web: more or fewer rows, not a different amount per row).',
    );
  });

  it('lists several drivers with the share they carry together', () => {
    const d = drivers({ change: 1_200, drill: undefined });
    d.dimensions[0]!.values[1]!.driver = true;
    d.dimensions[0]!.explainedShare = 1.07;
    expect(driversSentence(d)).toBe(
      'web (82%) and store (25%) in channel carried 107% of the rise of 1,200 (web: more or fewer rows, not a different amount per row).',
    );
  });

  it('says when no value explains it, and names the largest part', () => {
    const d = drivers({ drill: undefined });
    d.dimensions[0] = { ...d.dimensions[0]!, succinct: false };
    expect(driversSentence(d)).toBe(
      'No single value explains the drop of 1,200: the largest part by channel, web, carried 82%.',
    );
  });
});
