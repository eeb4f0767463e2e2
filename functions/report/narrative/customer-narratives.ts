import type { CustomerFinding, CustomerSegment, ValueDriver } from '../findings.ts';
import { formatChange, formatNumber, formatPValue, formatShare, plural } from '../format.ts';
import { customerFindings, kpiFindings, type ReportModel } from '../model.ts';
import {
  clamp01,
  listing,
  testedStrength,
  type NarrativeDraft,
  type RecommendationDraft,
} from './draft.ts';

/**
 * Associations (drivers, relationships, group differences) explain variance; they do not
 * prove a lever moves value. Their impact is the share of variance explained times this.
 */
export const ASSOCIATION_DISCOUNT = 0.25;

/** Narratives of each customers finding: concentration, segments, drivers, lifetime value. */
export function customerNarratives(model: ReportModel): NarrativeDraft[] {
  return customerFindings(model).flatMap((c) => [
    ...concentration(c),
    ...c.segments.flatMap((s) => segment(c, s, churnOf(model, c))),
    ...drivers(c),
    ...lifetimeValue(c),
  ]);
}

/**
 * How much of the value the ten customers worth most hold. Impact: that share; strength:
 * how far it exceeds the share ten customers would hold if value were even.
 */
function concentration(c: CustomerFinding): NarrativeDraft[] {
  const [first] = c.top;
  if (!first || c.customers < 20 || c.historical.total <= 0) return [];
  const even = 10 / c.customers;
  const share = c.historical.top10Share;
  return [
    {
      id: `concentration:${c.dataset}`,
      theme: 'concentration',
      findingIds: [c.id],
      title: `The top 10 customers hold ${formatShare(share)} of value`,
      summary: `The 10 customers worth most brought ${formatShare(share)} of the ${formatNumber(c.historical.total)} from ${formatNumber(c.customers)} customers of ${c.dataset}; the largest, ${first.customer} (${first.segment}), brought ${formatNumber(first.value)}.`,
      details: [
        `The median customer brought ${formatNumber(c.historical.median)}, against a mean of ${formatNumber(c.historical.mean)}: a few large accounts pull the mean up.`,
      ],
      confidence: `Exact totals of ${c.first} to ${c.last}; ten customers would hold ${formatShare(even)} if value were spread evenly.`,
      atStake: {
        amount: share * c.historical.total,
        unit: 'money',
        label: 'value of the top 10 customers',
      },
      asOf: c.last,
      impactShare: share,
      strength: clamp01((share - even) / (1 - even)),
      recommendations: [
        {
          key: 'protect-top-accounts',
          title: 'Give each of the top 10 customers an owner',
          action: `Assign an account owner to each of the 10 customers in the top-customers table, starting with ${first.customer}, and review their orders monthly.`,
          rationale:
            c.historical.median > 0
              ? `Losing the largest would cost what ${formatNumber(Math.round(first.value / c.historical.median))} median customers bring (${formatNumber(first.value)} against ${formatNumber(c.historical.median)}).`
              : `The largest alone brought ${formatNumber(first.value)}.`,
          area: 'Customer experience',
          urgency: share >= 0.5 ? 'High' : 'Medium',
          timeframe: '0-3 months',
        },
      ],
    },
  ];
}

/** What each kind of segment calls for; segments of other kinds get no narrative of their own. */
const SEGMENT_ACTIONS: Record<
  string,
  (c: CustomerFinding, s: CustomerSegment) => RecommendationDraft
> = {
  Lapsed: (c, s) => ({
    key: 'win-back',
    title: `Win back the ${formatNumber(s.customers)} lapsed customers`,
    action: `Send the ${s.name} segment a win-back offer sized to their past value (median ${formatNumber(s.medianValue)}), and stop paid retargeting of those who do not answer within a month.`,
    rationale: `They last bought a median ${formatNumber(s.medianRecencyDays)} days before ${c.last}.`,
    area: 'Marketing strategy',
    urgency: 'High',
    timeframe: '0-3 months',
  }),
  'At-risk high spenders': (c, s) => ({
    key: 'save-at-risk',
    title: `Call the ${formatNumber(s.customers)} high spenders who stopped buying`,
    action: `Have account owners call each of the ${s.name} personally and ask what changed.`,
    rationale: `They spent a median ${formatNumber(s.medianValue)} but last bought a median ${formatNumber(s.medianRecencyDays)} days before ${c.last}.`,
    area: 'Customer experience',
    urgency: 'High',
    timeframe: '0-3 months',
  }),
  'New customers': (_c, s) => ({
    key: 'second-purchase',
    title: `Bring the ${formatNumber(s.customers)} new customers to their next purchase`,
    action: `Welcome the ${s.name} segment with an onboarding sequence and a timed reason to come back.`,
    rationale: `They have made a median ${formatNumber(s.medianFrequency)} purchases in ${formatNumber(s.medianTenureDays)} days.`,
    area: 'Customer experience',
    urgency: 'Medium',
    timeframe: '0-3 months',
  }),
  'High-value loyalists': (_c, s) => ({
    key: 'loyalty-programme',
    title: `Reward the ${formatNumber(s.customers)} high-value loyalists`,
    action: `Offer the ${s.name} segment a loyalty tier with service benefits rather than discounts, and measure their retention against the rest.`,
    rationale: `They buy a median ${formatNumber(s.medianFrequency)} times and hold ${s.shareOfValue === null ? 'most' : formatShare(s.shareOfValue)} of value.`,
    area: 'Customer experience',
    urgency: 'Medium',
    timeframe: '3-6 months',
  }),
};

/** Segments whose whole value is at stake: they are leaving. */
const LEAVING = new Set(['Lapsed', 'At-risk high spenders']);

/**
 * A segment that calls for action. Impact: its share of value for a segment that is
 * leaving; for the others, the part of it that leaves at the customers' last quarterly
 * churn (1 - retention). Strength: the segmentation's silhouette.
 */
function segment(c: CustomerFinding, s: CustomerSegment, churn: number): NarrativeDraft[] {
  const kind = Object.keys(SEGMENT_ACTIONS).find(
    (k) => s.name === k || s.name.startsWith(`${k} (`),
  );
  if (!kind) return [];
  const silhouette =
    c.segmentChoice.candidates.find((k) => k.k === c.segmentChoice.k)?.silhouette ?? 0;
  const buys = s.top[0]?.values[0];
  return [
    {
      id: `segment:${c.dataset}:${s.name}`,
      theme: 'segment',
      findingIds: [c.id],
      title: `${s.name}: ${plural(s.customers, 'customer')}, ${s.shareOfValue === null ? 'n/a' : formatShare(s.shareOfValue)} of value`,
      summary: `${plural(s.customers, 'customer')} of ${c.dataset} (${formatShare(s.shareOfCustomers)}) form the ${s.name} segment: a median ${formatNumber(s.medianFrequency)} purchases worth ${formatNumber(s.medianValue)}, the last a median ${formatNumber(s.medianRecencyDays)} days before ${c.last}.`,
      details: buys
        ? [
            `Most of them buy mainly through ${s.top[0]!.column} ${buys.value} (${formatShare(buys.share)}).`,
          ]
        : [],
      confidence: `${s.name} is one of ${formatNumber(c.segmentChoice.k)} segments chosen by silhouette (${formatNumber(silhouette)}; 1 would be perfectly separated).`,
      atStake: { amount: s.value, unit: 'money', label: `value of the ${s.name} segment` },
      asOf: c.last,
      impactShare: (s.shareOfValue ?? s.shareOfCustomers) * (LEAVING.has(kind) ? 1 : churn),
      strength: clamp01(silhouette * 2),
      recommendations: [SEGMENT_ACTIONS[kind]!(c, s)],
    },
  ];
}

/** The strongest significant driver of value; the others join its details. */
function drivers(c: CustomerFinding): NarrativeDraft[] {
  const effect = (d: ValueDriver) => (d.kind === 'correlation' ? d.rho * d.rho : d.etaSquared);
  const significant = c.drivers
    .filter((d) => d.pValue < 0.05)
    .sort((a, b) => effect(b) - effect(a) || a.column.localeCompare(b.column));
  const [top, ...rest] = significant;
  if (!top) return [];
  const about = (d: ValueDriver) =>
    d.kind === 'correlation'
      ? `${d.column} (Spearman rho ${formatNumber(d.rho)})`
      : `${d.column} (eta² ${formatNumber(d.etaSquared)})`;
  const frequency = top.column === 'frequency';
  return [
    {
      id: `value-drivers:${c.dataset}`,
      theme: 'value_drivers',
      findingIds: [c.id],
      title: `Customer value goes with ${top.column}`,
      summary:
        top.kind === 'correlation'
          ? `Among ${formatNumber(top.customers)} customers of ${c.dataset}, value ${top.rho >= 0 ? 'rises' : 'falls'} with ${top.column} (Spearman rho ${formatNumber(top.rho)}, p ${formatPValue(top.pValue)}).`
          : `Customer value of ${c.dataset} differs by ${top.column}: ${top.test} ${formatNumber(top.statistic)}, p ${formatPValue(top.pValue)}, eta² ${formatNumber(top.etaSquared)}.`,
      details: rest.length
        ? [`Also linked to value, at p below 5%: ${listing(rest.slice(0, 4).map(about))}.`]
        : [],
      confidence: `${plural(c.drivers.length, 'trait')} tested; an association, not proof that changing ${top.column} changes value.`,
      asOf: c.last,
      impactShare: effect(top) * ASSOCIATION_DISCOUNT,
      strength: testedStrength(top.pValue, Math.sqrt(effect(top))),
      recommendations: frequency
        ? [
            {
              key: 'raise-frequency',
              title: 'Give customers reasons to buy more often',
              action:
                'Test replenishment reminders or a subscription on the products bought most often, against a control group.',
              rationale: `Purchase frequency is the trait most closely tied to value (rho ${formatNumber((top as { rho: number }).rho)}).`,
              area: 'Marketing strategy',
              urgency: 'Medium',
              timeframe: '3-6 months',
            },
          ]
        : [],
    },
  ];
}

/** Predicted value over the horizon, with the holdout check that says how far to trust it. */
function lifetimeValue(c: CustomerFinding): NarrativeDraft[] {
  const ltv = c.lifetimeValue;
  if (!ltv) return [];
  const h = c.holdout;
  const error =
    h && h.totalActual > 0 ? (h.totalPredicted - h.totalActual) / h.totalActual : undefined;
  const yearly = c.historical.total * (365 / Math.max(1, daysBetween(c.first, c.last) + 1));
  const details = [
    `The median customer is worth ${formatNumber(ltv.median)} over that horizon; ${formatNumber(ltv.likelyLapsed)} customers are more likely lapsed than not.`,
  ];
  return [
    {
      id: `lifetime-value:${c.dataset}`,
      theme: 'lifetime_value',
      findingIds: [c.id],
      title: `Customers are predicted to bring ${formatNumber(ltv.total)} over the next ${formatNumber(ltv.horizonDays)} days`,
      summary: `The ${formatNumber(ltv.customers)} customers of ${c.dataset} are predicted to bring ${formatNumber(ltv.total)} over the next ${formatNumber(ltv.horizonDays)} days (BG/NBD and Gamma-Gamma), against ${formatNumber(yearly)} a year so far.`,
      details,
      confidence: h
        ? `Holdout ${h.calibrationEnd} to ${h.holdoutEnd}: ${formatNumber(h.totalPredicted)} repeat purchase days predicted against ${formatNumber(h.totalActual)} actual (${formatChange(error)}).`
        : 'No holdout check: the history is too short to hold part of it out.',
      atStake: {
        amount: ltv.total,
        unit: 'money',
        label: `predicted value, next ${formatNumber(ltv.horizonDays)} days`,
      },
      asOf: c.last,
      impactShare: yearly > 0 ? Math.abs(ltv.total - yearly) / yearly : 0,
      strength: error === undefined ? 0.2 : clamp01(1 - Math.abs(error) * 2),
      recommendations: [
        {
          key: 'budget-by-value',
          title: 'Cap what you spend to win or keep a customer by their predicted value',
          action: `Set acquisition and retention budgets per customer below the predicted ${formatNumber(ltv.horizonDays)}-day value of the segment they resemble (median ${formatNumber(ltv.median)}).`,
          rationale: `The model's holdout error was ${formatChange(error)} on repeat purchases.`,
          area: 'Marketing strategy',
          urgency: 'Low',
          timeframe: '6+ months',
        },
      ],
    },
  ];
}

/** 1 - the last quarter's retention of the KPIs of the same dataset; one half when unknown. */
function churnOf(model: ReportModel, c: CustomerFinding): number {
  const k = kpiFindings(model).find((x) => x.dataset === c.dataset);
  const rate = k?.retention.filter((r) => r.rate !== null).at(-1)?.rate;
  return rate === undefined || rate === null ? 0.5 : 1 - rate;
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(to.slice(0, 10)) - Date.parse(from.slice(0, 10))) / 86_400_000);
}
