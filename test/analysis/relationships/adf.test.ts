import { describe, expect, it } from 'vitest';
import { adfTest, mackinnonCritical, mackinnonP } from '#analysis/relationships/adf.ts';
import { NotComputableError } from '#analysis/relationships/ols.ts';
import { InputRejectedError } from '#platform/errors.ts';
import { P_REL, STAT_REL, close, golden } from './golden.ts';

function seriesOf(name: string): number[] {
  if (name === 'diff(random_walk)') {
    const w = golden.series['random_walk']!;
    return w.slice(1).map((v, i) => v - w[i]!);
  }
  return golden.series[name]!;
}

describe('ADF against statsmodels adfuller', () => {
  for (const g of golden.adf) {
    const label = `${g.series}, regression '${g.regression}', ${g.autolag ? `autolag ${g.autolag}` : `maxlag ${g.maxlag}`}`;
    it(label, () => {
      const r = adfTest(seriesOf(g.series), {
        regression: g.regression,
        autolag: g.autolag,
        ...(g.maxlag === null ? {} : { maxLag: g.maxlag }),
      });
      expect(r.usedLag).toBe(g.usedLag);
      expect(r.nobs).toBe(g.nobs);
      close(r.statistic, g.statistic, STAT_REL, 'statistic');
      close(r.pValue, g.pValue, P_REL, 'p-value');
      close(r.criticalValues['1%'], g.critical[0], STAT_REL, '1%');
      close(r.criticalValues['5%'], g.critical[1], STAT_REL, '5%');
      close(r.criticalValues['10%'], g.critical[2], STAT_REL, '10%');
      if (g.icBest === null) expect(r.icBest).toBeNull();
      else close(r.icBest!, g.icBest, STAT_REL, 'icbest');
    });
  }

  it("MacKinnon's p-value surface, both branches and beyond its range", () => {
    for (const regression of ['c', 'ct'] as const)
      for (const [stat, p] of golden.mackinnonp[regression])
        close(mackinnonP(stat, regression), p, P_REL, `mackinnonp(${stat}, '${regression}')`);
  });

  it("MacKinnon's critical values by sample size", () => {
    for (const regression of ['c', 'ct'] as const)
      for (const [nobs, cv] of golden.mackinnoncrit[regression]) {
        const ours = mackinnonCritical(nobs, regression);
        close(ours['1%'], cv[0], 1e-12, `1% at ${nobs}`);
        close(ours['5%'], cv[1], 1e-12, `5% at ${nobs}`);
        close(ours['10%'], cv[2], 1e-12, `10% at ${nobs}`);
      }
    expect(mackinnonCritical(Infinity, 'c')['5%']).toBe(-2.86154);
  });

  it('decides the edges', () => {
    expect(() => adfTest(new Array(50).fill(3))).toThrow(NotComputableError);
    expect(() => adfTest(Array.from({ length: 50 }, (_, i) => 2 * i + 1))).toThrow(
      NotComputableError,
    );
    expect(() => adfTest([1, 2, 3])).toThrow(InputRejectedError);
    expect(() => adfTest(golden.series['ar1']!, { maxLag: 199 })).toThrow(InputRejectedError);
    expect(() => adfTest([1, 2, NaN, 4, 5, 6, 7, 8])).toThrow(InputRejectedError);
  });
});
