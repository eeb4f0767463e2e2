import { describe, expect, it } from 'vitest';
import { once } from '#handlers/middleware.ts';

describe('once', () => {
  it('builds once and reuses what it built', async () => {
    let builds = 0;
    const get = once(async () => ++builds);
    expect([await get(), await get()]).toEqual([1, 1]);
  });

  it('tries again after a failed build', async () => {
    let builds = 0;
    const get = once(async () => {
      builds += 1;
      if (builds === 1) throw new Error('throttled');
      return builds;
    });
    await expect(get()).rejects.toThrow('throttled');
    expect(await get()).toBe(2);
    expect(await get()).toBe(2);
  });
});
