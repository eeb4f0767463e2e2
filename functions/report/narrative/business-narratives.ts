import { driversSentence } from './drivers-sentence.ts';
import type { DimensionKpi } from '../findings.ts';
import { formatChange, formatNumber, formatShare, plural } from '../format.ts';
import { kpiFindings, outlierFindings, type ReportModel } from '../model.ts';
import { robustDistance } from '../summary.ts';
import { clamp01, day, listing, type NarrativeDraft, type RecommendationDraft } from './draft.ts';

/** Changes below this share of revenue are not worth a narrative. */
const NOTABLE_SHARE = 0.05;

/**
 * Strength of a change between two totals: its size (a fifth or more is the most), at most
 * one half, since no test says whether it exceeds the ordinary variation from year to year.
 */
export const descriptiveStrength = (change: number | undefined) =>
  0.5 * clamp01(Math.abs(change ?? 0) / 0.2);

/** `56%` for a change of -0.564: the verb says the direction. */
const magnitude = (change: number | undefined) =>
  change === undefined ? 'n/a' : formatShare(Math.abs(change));

/** Revenue over the last twelve months against the twelve before. Impact: the change's size. */
export function revenueTrendNarratives(model: ReportModel): NarrativeDraft[] {
  return kpiFindings(model).flatMap((k) => {
    const t = k.growth?.trailingTwelve;
    if (k.revenue === null || !t || t.change === undefined) return [];
    const details: string[] = [];
    const yoy = k.growth?.yearOverYear;
    if (yoy)
      details.push(
        `${yoy.to} alone brought ${formatNumber(yoy.toValue)}, ${formatChange(yoy.change)} on ${yoy.from}.`,
      );
    // Each month-over-month or year-over-year change large enough to have been explained.
    for (const g of [k.growth?.monthOverMonth, yoy]) {
      if (g?.drivers)
        details.push(
          `${g.to} against ${g.from} (${formatChange(g.change)}): ${driversSentence(g.drivers)}`,
        );
    }
    const [before, last] = k.retention.filter((r) => r.rate !== null).slice(-2);
    if (last)
      details.push(
        `Of the ${formatNumber(last.active)} customers who bought in ${last.quarter}, ${formatShare(last.rate!)} bought again the next quarter` +
          (before ? ` (${formatShare(before.rate!)} for ${before.quarter}).` : '.'),
      );
    const grew = t.change >= 0;
    return [
      {
        id: `revenue-trend:${k.dataset}`,
        theme: 'revenue_trend' as const,
        findingIds: [k.id],
        title: `Revenue ${grew ? 'grew' : 'fell'} ${formatShare(Math.abs(t.change))} over the last twelve months`,
        summary: `Revenue (${k.dataset}) for the twelve months to ${k.growth!.lastFullMonth} was ${formatNumber(t.value)}, ${formatChange(t.change)} on the twelve months before (${formatNumber(t.previous)}).`,
        details,
        confidence: `Totals of all ${plural(k.transactions, 'valid transaction')}: no sample, so no sampling error; the change is not a forecast.`,
        atStake: {
          amount: Math.abs(t.value - t.previous),
          unit: 'money',
          label: 'revenue, last twelve months against the twelve before',
        },
        asOf: k.last,
        impactShare: Math.abs(t.change),
        strength: descriptiveStrength(t.change),
        recommendations: grew
          ? []
          : [
              {
                key: 'revenue-decline',
                title: 'Find where the lost revenue went',
                action: `Break the ${formatNumber(t.previous - t.value)} drop down by channel, category and customer segment, starting with the largest movers in this report.`,
                rationale: `Revenue fell ${formatChange(t.change)} year on year.`,
                area: 'Marketing strategy',
                urgency: 'High',
                timeframe: '0-3 months',
              },
            ],
      },
    ];
  });
}

/**
 * Per dimension of the KPIs (channel, category, region, industry): the value whose revenue
 * fell most over the last twelve months and the one that rose most. Impact: the larger move
 * as a share of the last twelve months' revenue.
 */
export function mixShiftNarratives(model: ReportModel): NarrativeDraft[] {
  return kpiFindings(model).flatMap((k) =>
    k.byDimension.flatMap((d) => {
      const moves = d.values
        .filter((v) => v.value !== null && v.recent !== undefined && v.prior !== undefined)
        .map((v) => ({
          name: v.value!,
          recent: v.recent!,
          prior: v.prior!,
          delta: v.recent! - v.prior!,
          change: v.change ?? undefined,
        }));
      const total = sum(moves.map((m) => m.recent));
      if (!k.windows || moves.length < 2 || total <= 0) return [];
      const fell = [...moves].sort((a, b) => a.delta - b.delta || a.name.localeCompare(b.name))[0]!;
      const rose = [...moves].sort((a, b) => b.delta - a.delta || a.name.localeCompare(b.name))[0]!;
      const largest = Math.max(Math.abs(fell.delta), Math.abs(rose.delta));
      if (largest / total < NOTABLE_SHARE) return [];
      const to = prevDay(k.windows.recentTo);
      const parts = [
        ...(fell.delta < 0
          ? [`${fell.name} fell ${magnitude(fell.change)} to ${formatNumber(fell.recent)}`]
          : []),
        ...(rose.delta > 0
          ? [`${rose.name} rose ${magnitude(rose.change)} to ${formatNumber(rose.recent)}`]
          : []),
      ];
      const where = d.entity ? `${d.column} (from ${d.entity})` : d.column;
      const subject = fell.delta < 0 && Math.abs(fell.delta) >= Math.abs(rose.delta) ? fell : rose;
      return [
        {
          id: `mix-shift:${k.dataset}:${d.column}`,
          theme: 'mix_shift' as const,
          findingIds: [k.id],
          title: `Revenue by ${d.column}: ${listing(parts.map((p) => p.split(' to ')[0]!))}`,
          summary: `In the twelve months from ${k.windows.recentFrom} to ${to}, revenue by ${where} moved: ${listing(parts)}, against the twelve months before.`,
          details: [
            `${subject.name} ${subject.delta < 0 ? 'lost' : 'gained'} ${formatNumber(Math.abs(subject.delta))}, ${formatShare(Math.abs(subject.delta) / total)} of the last twelve months' revenue.`,
          ],
          confidence: `Totals of every transaction over the ${formatNumber(moves.length)} values of ${d.column} (${formatNumber(total)} of revenue in the last twelve months); no test, as nothing was sampled.`,
          atStake: {
            amount: Math.abs(subject.delta),
            unit: 'money',
            label: `${subject.name} revenue, year on year`,
          },
          asOf: to,
          impactShare: largest / total,
          strength: descriptiveStrength(subject.change),
          recommendations: [mixRecommendation(d, subject)],
        },
      ];
    }),
  );
}

/** One recommendation per dimension: about its larger move, a fall or a rise. */
function mixRecommendation(
  d: DimensionKpi,
  subject: { name: string; delta: number; change?: number },
): RecommendationDraft {
  const product = /categor|product|brand|sku/i.test(d.column);
  const area = product ? 'Product strategy' : 'Marketing strategy';
  const rationale = `${d.column} ${subject.name} revenue ${formatChange(subject.change)} year on year.`;
  if (subject.delta < 0)
    return {
      key: `mix:${d.column}`,
      title: `Find out why ${d.column} ${subject.name} lost revenue`,
      action: product
        ? `Check ${subject.name}'s range, prices and stock against a year ago, and fix or retire what stopped selling.`
        : `Check ${subject.name}'s traffic, conversion and spend against a year ago, and move budget where it now converts.`,
      rationale,
      area,
      urgency: 'High',
      timeframe: '0-3 months',
    };
  return {
    key: `mix:${d.column}`,
    title: `Back the growth of ${d.column} ${subject.name}`,
    action: product
      ? `Widen ${subject.name}'s range and bundle it with the categories its buyers also take.`
      : `Shift acquisition budget toward ${subject.name} step by step, checking the return of each step.`,
    rationale,
    area,
    urgency: 'Medium',
    timeframe: '3-6 months',
  };
}

/**
 * The most extreme row of each dataset, with every column it stands out in. Impact: the
 * row's value as a share of revenue when the column is the KPIs' value column.
 */
export function unusualRowNarratives(model: ReportModel): NarrativeDraft[] {
  const revenue = new Map(
    kpiFindings(model).map((k) => [`${k.dataset}.${k.valueColumn}`, k] as const),
  );
  const byDataset = new Map<string, ReturnType<typeof outlierFindings>>();
  for (const f of outlierFindings(model))
    if (f.examples.length) byDataset.set(f.dataset, [...(byDataset.get(f.dataset) ?? []), f]);
  return [...byDataset].map(([dataset, findings]) => {
    const ranked = findings
      .map((f) => ({
        f,
        e: [...f.examples].sort((a, b) => robustDistance(f, b) - robustDistance(f, a))[0]!,
      }))
      .sort(
        (a, b) =>
          robustDistance(b.f, b.e) - robustDistance(a.f, a.e) || a.f.id.localeCompare(b.f.id),
      );
    const { e } = ranked[0]!;
    const sameRow = ranked.filter((r) => r.e.id === e.id && r.e.date === e.date);
    const kpi = sameRow.map((r) => revenue.get(`${dataset}.${r.f.column}`)).find(Boolean);
    const valueOfRow = sameRow.find((r) => kpi && r.f.column === kpi.valueColumn)?.e.value;
    const revenueShare =
      kpi?.revenue && valueOfRow !== undefined ? valueOfRow / kpi.revenue : undefined;
    const name = [e.id, e.date].filter(Boolean).join(', ');
    const columns = sameRow.map(
      (r) => `${r.f.column} ${formatNumber(r.e.value)} (median ${formatNumber(r.f.median)})`,
    );
    const flagged = sum(findings.map((f) => f.count));
    const rows = Math.max(...findings.map((f) => f.rowsChecked));
    const like = kpi
      ? (findings
          .find((f) => f.column === kpi.valueColumn)
          ?.examples.filter((x) => x.value >= 0.5 * (valueOfRow ?? Infinity)) ?? [])
      : [];
    const likeShare =
      revenueShare === undefined
        ? 0
        : Math.max(revenueShare, sum(like.map((x) => x.value)) / kpi!.revenue!);
    const details = [
      `${plural(flagged, 'value')} in ${plural(findings.length, 'column')} of ${dataset} lie outside their columns' normal ranges, over ${plural(rows, 'row')}.`,
    ];
    if (like.length > 1 && revenueShare !== undefined)
      details.push(
        `${formatNumber(like.length)} rows of that size (${listing(like.map((x) => [x.id, x.date].filter(Boolean).join(' on ')))}) make ${formatShare(sum(like.map((x) => x.value)) / kpi!.revenue!)} of all revenue.`,
      );
    const distance = robustDistance(ranked[0]!.f, e);
    return {
      id: `unusual-rows:${dataset}`,
      theme: 'unusual_rows' as const,
      findingIds: findings.map((f) => f.id),
      title:
        likeShare > 0
          ? `${like.length > 1 ? `${formatNumber(like.length)} unusual ${dataset} rows carry` : `An unusual ${dataset} row carries`} ${formatShare(likeShare)} of revenue`
          : `An unusual ${dataset} row`,
      summary: `The most unusual ${dataset} row (${name}) has ${listing(columns)}.`,
      details,
      confidence: `${formatNumber(distance)} interquartile ranges from the median, far past the 1.5 of the IQR fences.`,
      ...(likeShare > 0
        ? {
            atStake: {
              amount: likeShare * kpi!.revenue!,
              unit: 'money' as const,
              label:
                like.length > 1
                  ? `revenue of the ${formatNumber(like.length)} rows`
                  : `revenue of row ${name}`,
            },
          }
        : {}),
      // Rows that carry revenue weigh on every current total, however old they are.
      asOf:
        likeShare >= NOTABLE_SHARE || !e.date
          ? day(model.datasets.find((d) => d.dataset === dataset)?.coverage?.last ?? '')
          : day(e.date),
      impactShare: likeShare,
      strength: clamp01(distance / 10),
      recommendations: [
        {
          key: `check-rows:${dataset}`,
          title: `Confirm or correct the extreme ${dataset} rows at their source`,
          action: `Look up ${name}${like.length > 1 ? ` and the ${formatNumber(like.length - 1)} like it` : ''} in the system that produced ${dataset}; if ${sameRow.length === 1 ? 'it is' : 'they are'} wrong, fix the source so every later report is right.`,
          rationale: `${listing(columns)} against the medians; every total in this report includes ${sameRow.length === 1 ? 'it' : 'them'}.`,
          area: 'Data quality',
          urgency: likeShare >= NOTABLE_SHARE ? 'High' : 'Medium',
          timeframe: '0-3 months',
        },
      ],
    };
  });
}

/** Quarantined rows: what was lost from the analysis and the commonest reasons. */
export function dataQualityNarratives(model: ReportModel): NarrativeDraft[] {
  const read = sum(model.datasets.map((d) => d.rowsRead));
  const quarantined = sum(model.datasets.map((d) => d.rowsQuarantined));
  if (quarantined === 0 || read === 0) return [];
  const reasons = model.datasets
    .flatMap((d) => d.rejections.map((r) => ({ ...r, dataset: d.dataset })))
    .sort((a, b) => b.rows - a.rows || a.dataset.localeCompare(b.dataset))
    .slice(0, 3);
  const worst = [...model.datasets].sort((a, b) => b.rowsQuarantined - a.rowsQuarantined)[0]!;
  const lastDay =
    model.datasets
      .map((d) => d.coverage?.last ?? '')
      .sort()
      .at(-1) ?? '';
  return [
    {
      id: 'data-quality',
      theme: 'data_quality',
      findingIds: [],
      title: `${plural(quarantined, 'row')} could not be analysed`,
      summary: `${plural(quarantined, 'row')} of ${formatNumber(read)} read (${formatShare(quarantined / read)}) ${quarantined === 1 ? 'was' : 'were'} quarantined with reasons, ${formatNumber(worst.rowsQuarantined)} of them from ${worst.dataset}.`,
      details: [
        `The commonest reasons: ${listing(reasons.map((r) => `${r.dataset}.${r.column} ${r.reason} (${plural(r.rows, 'row')})`))}.`,
      ],
      confidence:
        'A count of every row read: each quarantined row is kept with its reasons in the lake.',
      atStake: { amount: quarantined, unit: 'rows', label: 'rows left out of every figure' },
      asOf: lastDay,
      impactShare: quarantined / read,
      strength: 1,
      recommendations: [
        {
          key: 'fix-quarantine',
          title: 'Fix the quarantined rows where they are made',
          action: `Export them with \`insights quarantine\`, correct them in the source system, and drop the files in again; start with ${worst.dataset}.`,
          rationale: `${formatShare(quarantined / read)} of the rows read are missing from every figure until then.`,
          area: 'Data quality',
          urgency: quarantined / read >= 0.01 ? 'High' : 'Low',
          timeframe: '0-3 months',
        },
      ],
    },
  ];
}

/** The day before an exclusive end date. */
function prevDay(date: string): string {
  const d = new Date(`${day(date)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
