import { describe, expect, it } from 'vitest';
import { iqrFences } from '#analysis/iqr.ts';

describe('iqrFences', () => {
  it('puts the fences 1.5 IQR outside the quartiles', () => {
    expect(iqrFences(10, 20)).toEqual({ low: -5, high: 35, iqr: 10 });
  });

  it('takes another multiplier', () => {
    expect(iqrFences(10, 20, 3)).toEqual({ low: -20, high: 50, iqr: 10 });
  });

  it('rejects quartiles that are not finite or out of order', () => {
    expect(() => iqrFences(Number.NaN, 1)).toThrow(RangeError);
    expect(() => iqrFences(5, 1)).toThrow(/q1 <= q3/);
  });
});
