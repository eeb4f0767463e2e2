import type { RelationshipFinding, RelationshipPair } from './findings.ts';
import { cell, formatNumber, formatPValue as pValue, plural, table } from './format.ts';

/**
 * The predictive relationships section: exactly the pairs it counts (q below the threshold),
 * each with its lag, F test, p and q, direction and size, and how many pairs were tested.
 * Called predictive, never causal: a Granger test says one series' past helps forecast
 * another's, not why.
 */
export function relationshipsSection(findings: RelationshipFinding[]): string | undefined {
  const f = findings[0];
  if (!f) return undefined;
  const listed = f.pairs.filter((p) => p.qValue < f.qThreshold);
  const intro =
    `Whether one series' past helps forecast another's beyond that series' own past (Granger tests between the series of each dataset, on stationary versions of them). ` +
    `${plural(f.tested, 'ordered pair')} tested; ${plural(listed.length, 'predictive relationship')} with a false discovery rate below ${formatNumber(f.qThreshold * 100)}% (Benjamini-Hochberg q over all ${formatNumber(f.tested)}), listed here and counted nowhere else. ` +
    'Predictive is not causal: a common driver, or a link the data does not hold, can make one series lead another.';
  const rows = listed.map((p) => [
    cell(p.dataset),
    cell(p.cause),
    cell(p.effect),
    `${p.lag}`,
    `F(${p.dfNum}, ${p.dfDenom}) = ${formatNumber(p.f)}`,
    pValue(p.pValue),
    pValue(p.qValue),
    direction(p),
    `${formatNumber(p.partialR2 * 100)}%`,
  ]);
  const prepared = f.datasets.map((d) => {
    const differenced = d.series.filter((s) => s.differenced).map((s) => cell(s.name));
    const season = d.seasonalPeriod
      ? `each ${d.seasonalPeriod}-period cycle's phase means removed`
      : 'no calendar cycle removed (too short)';
    const identities = d.identities.map(
      (x) =>
        ` ${cell(x.name)} is determined by ${x.parts.map((p) => cell(p)).join(' and ')} on the same day (R² ${x.r2.toFixed(4)}): not tested on its own, its relationships are those of its parts.`,
    );
    return `- ${cell(d.dataset)}: ${formatNumber(d.points)} ${d.frequency} points; lags up to ${d.maxLag}, chosen by AIC per pair; ${season}; ${differenced.length ? `differenced once (a unit root not rejected by the ADF test at 5%): ${differenced.join(', ')}` : 'every series stationary by the ADF test'}.${identities.join('')}`;
  });
  return [
    '## Predictive relationships',
    '',
    intro,
    '',
    ...(rows.length
      ? [
          table(
            ['Dataset', 'Cause', 'Effect', 'Lag', 'F test', 'p', 'q', 'Direction', 'Size'],
            rows,
            ['l', 'l', 'l', 'r', 'l', 'r', 'r', 'l', 'r'],
          ),
          '',
          'Lag: how many periods of the cause the test uses. Direction: the sign of the sum of its lag coefficients where that sum is significant at 5%, else mixed, with the lag whose coefficient is most significant. Size: the share of the variance its own past leaves unexplained in the effect that the cause explains (partial R²).',
          '',
        ]
      : ['No pair reaches that false discovery rate.', '']),
    ...prepared,
  ].join('\n');
}

function direction(p: RelationshipPair): string {
  if (p.direction !== 'mixed')
    return p.direction === 'positive' ? 'rises with it' : 'falls as it rises';
  const s = p.strongestLag;
  return `mixed; strongest at lag ${s.lag} (${s.coefficient >= 0 ? 'rises' : 'falls'})`;
}
