import type { CustomerFinding, ValueDriver } from './findings.ts';
import {
  cell,
  formatChange,
  formatNumber,
  formatPValue as pValue,
  formatShare,
  plural,
  table,
} from './format.ts';

/**
 * The customers section: segments and their profiles, predicted lifetime value and its
 * holdout check, what goes with higher value, and the customers worth most.
 */
export function customersSection(findings: CustomerFinding[]): string | undefined {
  if (findings.length === 0) return undefined;
  return [
    '## Customers: segments and lifetime value',
    '',
    ...findings.flatMap((f) => [datasetPart(f), '']),
  ]
    .join('\n')
    .trimEnd();
}

function datasetPart(f: CustomerFinding): string {
  const value = f.valueColumn ? `\`${cell(f.valueColumn)}\`` : 'orders';
  const who = f.entity
    ? `\`${cell(f.customerColumn)}\`, joined to ${cell(f.entity)}`
    : `\`${cell(f.customerColumn)}\``;
  const h = f.historical;
  const out = [
    `### ${cell(f.dataset)}: ${formatNumber(f.customers)} customers (${who}), ${f.first} to ${f.last}`,
    '',
    `Historical value (the sum of ${value} per customer): ${formatNumber(h.total)} in all, ${formatNumber(h.median)} for the median customer, ${formatNumber(h.mean)} on average; the top 10% of customers hold ${formatShare(h.top10Share)} of it.`,
    ...f.notes.map((n) => `- Note: ${cell(n)}.`),
    '',
    '#### Segments',
    '',
    segmentsIntro(f),
    '',
    table(
      [
        'Segment',
        'Customers',
        'Share',
        'Share of value',
        'Median value',
        'Median purchase days',
        'Median days since last',
        'Median days as customer',
        'Mainly buys through',
      ],
      f.segments.map((s) => [
        cell(s.name),
        formatNumber(s.customers),
        formatShare(s.shareOfCustomers),
        s.shareOfValue === null ? 'n/a' : formatShare(s.shareOfValue),
        formatNumber(s.medianValue),
        formatNumber(s.medianFrequency),
        formatNumber(s.medianRecencyDays),
        formatNumber(s.medianTenureDays),
        s.top
          .filter((t) => t.values.length > 0)
          .map(
            (t) =>
              `${cell(t.column)}: ${t.values.map((v) => `${cell(v.value)} ${formatShare(v.share)}`).join(', ')}`,
          )
          .join('; '),
      ]),
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
    ),
  ];
  if (f.lifetimeValue) out.push('', ...lifetimeValuePart(f));
  if (f.holdout) out.push('', ...holdoutPart(f));
  if (f.drivers.length) out.push('', ...driversPart(f));
  if (f.top.length) out.push('', ...topPart(f));
  return out.join('\n');
}

function segmentsIntro(f: CustomerFinding): string {
  const c = f.segmentChoice;
  const evidence = c.candidates.map((k) => `${k.k}: ${k.silhouette.toFixed(3)}`).join(', ');
  return (
    `Customers grouped by four behaviours: days since their last purchase, purchase days, value and days since their first purchase (each log(1 + x), standardised), by k-means with 10 k-means++ restarts. ` +
    `${plural(c.k, 'segment')}: the number with the highest mean silhouette of k = 2 to 8 (${evidence}${c.silhouetteRows < f.customers ? `; on a sample of ${formatNumber(c.silhouetteRows)} customers` : ''}). ` +
    'Each is named from its profile by stated rules (Methodology).'
  );
}

function lifetimeValuePart(f: CustomerFinding): string[] {
  const l = f.lifetimeValue!;
  const unit = l.unit === 'weeks' ? 'week' : 'day';
  const dropOut = l.bgnbd.a / (l.bgnbd.a + l.bgnbd.b);
  const lines = [
    '#### Predicted lifetime value, next 12 months',
    '',
    `Expected purchases from the BG/NBD model and expected spend per purchase from the Gamma-Gamma model, both fitted by maximum likelihood on each customer's repeat purchases, their timing and their age as of ${f.last} (times in ${unit}s): ` +
      `${formatNumber(l.total)} expected from the ${formatNumber(l.customers)} customers over the next ${formatNumber(l.horizonDays)} days, ${formatNumber(l.median)} for the median customer; ${formatNumber(l.likelyLapsed)} customers are more likely gone than active (probability alive below 50%).`,
    '',
    `- BG/NBD: r = ${formatNumber(l.bgnbd.r)}, alpha = ${formatNumber(l.bgnbd.alpha)} ${unit}s, a = ${fmt(l.bgnbd.a)}, b = ${fmt(l.bgnbd.b)}; log-likelihood ${formatNumber(l.bgnbd.logLikelihood)}. The average chance of dropping out after a purchase, a / (a + b), is ${fmt(dropOut)}.`,
  ];
  if (!l.bgnbd.converged || dropOut < 1e-3)
    lines.push(
      '  The fit ran to the edge of the parameters: in these data customers hardly ever stop buying, so the model predicts every customer goes on buying at their own rate.',
    );
  lines.push(
    `- Gamma-Gamma (on the ${formatNumber(l.gammaGamma.customers)} customers with repeat purchases): p = ${formatNumber(l.gammaGamma.p)}, q = ${formatNumber(l.gammaGamma.q)}, gamma = ${formatNumber(l.gammaGamma.gamma)}. It assumes spend per purchase does not depend on how often a customer buys; their correlation here is ${l.gammaGamma.frequencySpendCorrelation === null ? 'n/a' : l.gammaGamma.frequencySpendCorrelation.toFixed(2)}.`,
  );
  return lines;
}

function holdoutPart(f: CustomerFinding): string[] {
  const h = f.holdout!;
  const gap = h.totalActual !== 0 ? (h.totalPredicted - h.totalActual) / h.totalActual : null;
  return [
    '#### Holdout check',
    '',
    `The purchase model refitted on the data up to ${h.calibrationEnd} predicted ${formatNumber(h.totalPredicted)} repeat purchase days from ${h.calibrationEnd} to ${h.holdoutEnd} for the ${formatNumber(h.customers)} customers it knew; they made ${formatNumber(h.totalActual)} (${formatChange(gap)} against them), ${formatNumber(h.meanAbsoluteError)} purchases off per customer on average. ${formatNumber(h.newInHoldout)} customers who first bought in that period are not predicted. By purchases before ${h.calibrationEnd}:`,
    '',
    table(
      ['Repeat purchases before', 'Customers', 'Predicted per customer', 'Actual per customer'],
      h.byFrequency.map((g) => [
        g.x,
        formatNumber(g.customers),
        formatNumber(g.predicted),
        formatNumber(g.actual),
      ]),
      ['l', 'r', 'r', 'r'],
    ),
  ];
}

function driversPart(f: CustomerFinding): string[] {
  return [
    '#### What goes with higher value',
    '',
    'Each trait of the customers and each behaviour against their historical value, strongest first: traits with values (industry, region) by the group test the report trusts, with eta squared (the share of the variance of value between the groups); numbers by Spearman rank correlation. These are associations in the data, not causes.',
    '',
    table(
      ['Trait or behaviour', 'Effect size', 'Test', 'p', 'Detail'],
      f.drivers.map((d) => driverRow(d)),
      ['l', 'r', 'l', 'r', 'l'],
    ),
  ];
}

function driverRow(d: ValueDriver): string[] {
  const name = d.entity ? `${cell(d.column)} (${cell(d.entity)})` : cell(d.column);
  if (d.kind === 'correlation')
    return [
      name,
      `rho ${d.rho.toFixed(2)}`,
      'Spearman',
      pValue(d.pValue),
      `${formatNumber(d.customers)} customers`,
    ];
  const df = d.df.map((x) => formatNumber(x)).join(', ');
  const label =
    d.test === 'kruskal-wallis'
      ? `Kruskal-Wallis H(${df}) = ${formatNumber(d.statistic)}`
      : `${d.test === 'welch' ? "Welch's" : 'ANOVA'} F(${df}) = ${formatNumber(d.statistic)}`;
  const byMedian = [...d.groups].sort((a, b) => b.medianValue - a.medianValue);
  return [
    name,
    `eta² ${d.etaSquared.toFixed(3)}`,
    label,
    pValue(d.pValue),
    `median value: ${byMedian.map((g) => `${cell(g.value)} ${formatNumber(g.medianValue)}`).join(', ')}`,
  ];
}

function topPart(f: CustomerFinding): string[] {
  const traits = [...new Set(f.top.flatMap((t) => Object.keys(t.traits)))];
  return [
    `#### Top ${f.top.length} customers by value`,
    '',
    table(
      [
        'Customer',
        'Value',
        'Purchase days',
        'Last purchase',
        'Segment',
        'Predicted, next 12 months',
        'Probability active',
        ...traits.map((t) => cell(t)),
      ],
      f.top.map((t) => [
        cell(t.customer),
        formatNumber(t.value),
        formatNumber(t.purchaseDays),
        t.lastPurchase,
        cell(t.segment),
        formatNumber(t.predictedValue),
        t.probabilityAlive === null ? 'n/a' : formatShare(t.probabilityAlive),
        ...traits.map((k) => cell(t.traits[k] ?? '')),
      ]),
      ['l', 'r', 'r', 'l', 'l', 'r', 'r', ...traits.map(() => 'l' as const)],
    ),
  ];
}

/** A parameter that may be tiny or huge: three significant digits. */
const fmt = (x: number) =>
  Math.abs(x) >= 1e5 || (x !== 0 && Math.abs(x) < 1e-3) ? x.toExponential(2) : formatNumber(x);
