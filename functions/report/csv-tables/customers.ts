import type { CsvValue } from '#platform/csv-export.ts';
import type { CustomerFinding, ValueDriver } from '../findings.ts';
import { customerFindings, type ReportModel } from '../model.ts';
import { opt, reportTable, type ReportTable } from './table.ts';

/** The customers section: value and its models, segments, holdout check, value drivers, top customers. */
export function customerTables(m: ReportModel): ReportTable[] {
  const findings = customerFindings(m);
  return [
    customerValue(findings),
    segments(findings),
    segmentTopValues(findings),
    holdout(findings),
    valueDrivers(findings),
    topCustomers(findings),
  ];
}

/**
 * The figures the report gives in prose, one per row: historical value, the predicted
 * lifetime value and the fitted parameters (per customer base, not per group: the model
 * holds no lifetime value per segment).
 */
function customerValue(findings: CustomerFinding[]): ReportTable {
  return reportTable(
    'customer-value',
    'Customer value: historical, predicted lifetime value and the fitted models',
    ['dataset', 'figure', 'value', 'definition'],
    findings.flatMap((f) => figures(f).map((row) => [f.dataset, ...row])),
  );
}

function figures(f: CustomerFinding): CsvValue[][] {
  const h = f.historical;
  const rows: CsvValue[][] = [
    ['Customers', f.customers, `distinct ${f.customerColumn}, ${f.first} to ${f.last}`],
    ['Historical value, total', h.total, `sum of ${f.valueColumn ?? 'orders'} over all customers`],
    ['Historical value, median', h.median, 'per customer'],
    ['Historical value, mean', h.mean, 'per customer'],
    ['Top 10% share', h.top10Share, 'share of the value held by the top 10% of customers'],
  ];
  const l = f.lifetimeValue;
  if (l) {
    const over = `over the next ${l.horizonDays} days`;
    const unit = `time in ${l.unit}`;
    rows.push(
      ['Predicted value, total', l.total, `${over}, ${l.customers} customers`],
      ['Predicted value, median', l.median, `${over}, per customer`],
      ['Likely lapsed', l.likelyLapsed, 'customers whose probability of still buying is below 0.5'],
      ['BG/NBD r', l.bgnbd.r, 'purchase rate shape'],
      ['BG/NBD alpha', l.bgnbd.alpha, `purchase rate scale, ${unit}`],
      ['BG/NBD a', l.bgnbd.a, 'drop-out shape'],
      ['BG/NBD b', l.bgnbd.b, 'drop-out shape'],
      ['BG/NBD log-likelihood', l.bgnbd.logLikelihood, 'at the maximum likelihood'],
      ['BG/NBD converged', l.bgnbd.converged, 'false: the fit ran to the edge of the parameters'],
      ['Gamma-Gamma p', l.gammaGamma.p, 'spend per purchase shape'],
      ['Gamma-Gamma q', l.gammaGamma.q, 'spend per purchase shape'],
      ['Gamma-Gamma gamma', l.gammaGamma.gamma, 'spend per purchase scale'],
      ['Gamma-Gamma log-likelihood', l.gammaGamma.logLikelihood, 'at the maximum likelihood'],
      ['Gamma-Gamma customers', l.gammaGamma.customers, 'customers with repeat purchases'],
      [
        'Frequency-spend correlation',
        l.gammaGamma.frequencySpendCorrelation,
        'the Gamma-Gamma model assumes none',
      ],
    );
  }
  const o = f.holdout;
  if (o) {
    const window = `repeat purchase days from ${o.calibrationEnd} to ${o.holdoutEnd}`;
    rows.push(
      ['Holdout customers', o.customers, `customers known on ${o.calibrationEnd}`],
      [
        'Holdout new customers',
        o.newInHoldout,
        `first bought after ${o.calibrationEnd}, not predicted`,
      ],
      ['Holdout predicted', o.totalPredicted, window],
      ['Holdout actual', o.totalActual, window],
      ['Holdout mean absolute error', o.meanAbsoluteError, 'purchases off per customer'],
    );
  }
  return rows;
}

/** Medians in original units; the centre in standardised units of log(1 + x) (0: the average customer). */
function segments(findings: CustomerFinding[]): ReportTable {
  return reportTable(
    'segments',
    'Customer segments: size, value and median behaviour',
    [
      'dataset',
      'segment',
      'customers',
      'share of customers',
      'value',
      'share of value',
      'median value',
      'median purchase days',
      'median days since last purchase',
      'median days as customer',
      'centre recency',
      'centre frequency',
      'centre monetary',
      'centre tenure',
    ],
    findings.flatMap((f) =>
      f.segments.map((s) => [
        f.dataset,
        s.name,
        s.customers,
        s.shareOfCustomers,
        s.value,
        s.shareOfValue,
        s.medianValue,
        s.medianFrequency,
        s.medianRecencyDays,
        s.medianTenureDays,
        s.centre.recency,
        s.centre.frequency,
        s.centre.monetary,
        s.centre.tenure,
      ]),
    ),
  );
}

/** The report's "Mainly buys through" column, one row per segment, dimension and value. */
function segmentTopValues(findings: CustomerFinding[]): ReportTable {
  return reportTable(
    'segment-top-values',
    'What the customers of each segment mainly buy through: share of its customers per value',
    ['dataset', 'segment', 'dimension', 'entity', 'value', 'share'],
    findings.flatMap((f) =>
      f.segments.flatMap((s) =>
        s.top.flatMap((t) =>
          t.values.map((v) => [f.dataset, s.name, t.column, opt(t.entity), v.value, v.share]),
        ),
      ),
    ),
  );
}

function holdout(findings: CustomerFinding[]): ReportTable {
  return reportTable(
    'lifetime-value-holdout',
    'Holdout check of the purchase model: repeat purchases per customer, predicted and actual, by purchases before the calibration end',
    [
      'dataset',
      'calibration end',
      'holdout end',
      'repeat purchases before',
      'customers',
      'predicted per customer',
      'actual per customer',
    ],
    findings.flatMap((f) => {
      const h = f.holdout;
      if (!h) return [];
      return h.byFrequency.map((g) => [
        f.dataset,
        h.calibrationEnd,
        h.holdoutEnd,
        g.x,
        g.customers,
        g.predicted,
        g.actual,
      ]);
    }),
  );
}

/** Group tests and correlations in one table: effect size is eta squared or Spearman's rho. */
function valueDrivers(findings: CustomerFinding[]): ReportTable {
  return reportTable(
    'value-drivers',
    'What goes with higher customer value (associations, not causes), strongest first',
    [
      'dataset',
      'trait',
      'entity',
      'test',
      'statistic',
      'df1',
      'df2',
      'p',
      'effect size',
      'effect measure',
      'customers',
    ],
    findings.flatMap((f) => f.drivers.map((d) => [f.dataset, ...driverRow(d)])),
  );
}

function driverRow(d: ValueDriver): CsvValue[] {
  if (d.kind === 'correlation')
    return [
      d.column,
      opt(d.entity),
      'spearman',
      null,
      null,
      null,
      d.pValue,
      d.rho,
      'rho',
      d.customers,
    ];
  return [
    d.column,
    opt(d.entity),
    d.test,
    d.statistic,
    d.df[0],
    opt(d.df[1]),
    d.pValue,
    d.etaSquared,
    'eta squared',
    null,
  ];
}

/**
 * The customers worth most, with their traits as extra columns (the union over datasets).
 * A trait named like a fixed column gets ` (trait)`, so no header appears twice.
 */
function topCustomers(findings: CustomerFinding[]): ReportTable {
  const fixed = [
    'dataset',
    'customer',
    'value',
    'purchase days',
    'last purchase',
    'segment',
    'predicted value',
    'probability active',
  ];
  const traits = [...new Set(findings.flatMap((f) => f.top.flatMap((t) => Object.keys(t.traits))))];
  return reportTable(
    'top-customers',
    'The customers worth most, with their predicted value over the lifetime-value horizon',
    [...fixed, ...traits.map((t) => (fixed.includes(t) ? `${t} (trait)` : t))],
    findings.flatMap((f) =>
      f.top.map((t) => [
        f.dataset,
        t.customer,
        t.value,
        t.purchaseDays,
        t.lastPurchase,
        t.segment,
        t.predictedValue,
        t.probabilityAlive,
        ...traits.map((k) => t.traits[k] ?? null),
      ]),
    ),
  );
}
