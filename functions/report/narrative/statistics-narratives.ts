import type { GroupTest, RelationshipPair } from '../findings.ts';
import { formatNumber, formatPValue, formatShare, plural } from '../format.ts';
import {
  groupDifferenceFindings,
  kpiFindings,
  relationshipFindings,
  type ReportModel,
} from '../model.ts';
import { ASSOCIATION_DISCOUNT } from './customer-narratives.ts';
import { trustedLabel } from '../groups-markdown.ts';
import { listing, testedStrength, type NarrativeDraft, type RecommendationDraft } from './draft.ts';

/** How many causes, and group tests, get a narrative of their own. */
const MOST = 3;
/** Cohen's medium effect for eta²: smaller differences are listed in their section only. */
const MEDIUM_ETA_SQUARED = 0.06;

/**
 * One narrative per series that helps predict others (Granger, q below the run's
 * threshold), the three with the largest partial R² first. Impact: the partial R², discounted
 * as for any association; strength: q and partial R².
 */
export function relationshipNarratives(model: ReportModel): NarrativeDraft[] {
  return relationshipFindings(model).flatMap((r) => {
    const listed = r.pairs.filter((p) => p.qValue < r.qThreshold);
    const causes = new Map<string, RelationshipPair[]>();
    for (const p of listed) {
      const key = `${p.dataset}\u0000${p.cause}`;
      causes.set(key, [...(causes.get(key) ?? []), p]);
    }
    const frequencyOf = (dataset: string) =>
      r.datasets.find((d) => d.dataset === dataset)?.frequency ?? 'daily';
    const lastOf = (dataset: string) =>
      model.datasets.find((d) => d.dataset === dataset)?.coverage?.last ?? '';
    return [...causes.values()]
      .map((pairs) =>
        [...pairs].sort((a, b) => b.partialR2 - a.partialR2 || a.effect.localeCompare(b.effect)),
      )
      .sort((a, b) => b[0]!.partialR2 - a[0]!.partialR2 || a[0]!.cause.localeCompare(b[0]!.cause))
      .slice(0, MOST)
      .map((pairs) => {
        const [top, ...rest] = pairs as [RelationshipPair, ...RelationshipPair[]];
        const unit = unitOf(frequencyOf(top.dataset));
        return {
          id: `relationships:${top.dataset}:${top.cause}`,
          theme: 'relationships' as const,
          findingIds: [r.id],
          title: `${top.dataset}: ${top.cause} helps predict ${listing(pairs.map((p) => p.effect))}`,
          summary: `In ${top.dataset}, the last ${plural(top.lag, unit)} of ${top.cause} help predict ${top.effect}: they explain ${formatShare(top.partialR2)} of what ${top.effect}'s own past leaves unexplained (${top.direction} at its strongest lag, ${plural(top.strongestLag.lag, unit)}).`,
          details: rest.length
            ? [
                `${top.cause} also helps predict ${listing(rest.map((p) => `${p.effect} (${formatShare(p.partialR2)}, q ${formatPValue(p.qValue)})`))}.`,
              ]
            : [],
          confidence: `Granger F(${formatNumber(top.dfNum)}, ${formatNumber(top.dfDenom)}) = ${formatNumber(top.f)}, q ${formatPValue(top.qValue)} after Benjamini-Hochberg over ${plural(r.tested, 'pair')}; predictive, not proof of cause.`,
          asOf: lastOf(top.dataset),
          impactShare: top.partialR2 * ASSOCIATION_DISCOUNT,
          strength: testedStrength(top.qValue, Math.sqrt(top.partialR2)),
          recommendations: [
            {
              key: 'test-leading-indicators',
              title: `Test whether ${top.cause} moves ${top.effect} before moving budget`,
              action: `Run a holdout experiment (vary ${top.cause} in some regions or weeks only) and watch ${top.effect} over the next ${plural(top.lag, unit)}; meanwhile use ${top.cause} as an early signal for ${top.effect}.`,
              rationale: `${top.cause} leads ${top.effect} in the data, but a predictive link can come from a common cause.`,
              area: 'Marketing strategy',
              urgency: 'Medium',
              timeframe: '3-6 months',
            } satisfies RecommendationDraft,
          ],
        };
      });
  });
}

/**
 * The group tests that are significant with at least a medium effect, largest eta² first.
 * Impact: eta², discounted as an association; strength: q and eta.
 */
export function groupNarratives(model: ReportModel): NarrativeDraft[] {
  const customerEntities = new Set(
    kpiFindings(model)
      .map((k) => k.customerEntity)
      .filter(Boolean),
  );
  const eventDatasets = new Set(kpiFindings(model).map((k) => k.dataset));
  return groupDifferenceFindings(model).flatMap((g) =>
    g.tests
      .filter((t) => t.qValue < g.qThreshold && t.etaSquared >= MEDIUM_ETA_SQUARED)
      .sort((a, b) => b.etaSquared - a.etaSquared || a.measure.localeCompare(b.measure))
      .slice(0, MOST)
      .map((t) => {
        const sorted = [...t.groups].sort(
          (a, b) => b.median - a.median || a.value.localeCompare(b.value),
        );
        const high = sorted[0]!;
        const low = sorted.at(-1)!;
        const last = model.datasets.find((d) => d.dataset === t.dataset)?.coverage?.last ?? '';
        return {
          id: `group-difference:${t.dataset}:${t.measure}:${t.dimension}`,
          theme: 'group_difference' as const,
          findingIds: [g.id],
          title: `${t.dataset}: ${t.measure} differs by ${t.dimension}`,
          summary: `In ${t.dataset}, ${t.measure} differs by ${t.dimension}: a median ${formatNumber(high.median)} for ${high.value} against ${formatNumber(low.median)} for ${low.value}, and ${t.dimension} accounts for ${formatShare(t.etaSquared)} of its variance.`,
          details: [
            `${plural(t.groups.length, 'group')} and ${plural(t.n, 'value')} compared; ${t.pairs.length ? `${plural(t.pairs.length, 'pair')} of groups differ at 5% (${t.posthoc})` : 'no single pair differs at 5%'}.`,
          ],
          confidence: `${trustedLabel(t)} ${t.trusted === 'kruskal-wallis' ? 'H' : 'F'} = ${formatNumber(t.statistic)} on ${t.df.map(formatNumber).join(' and ')} df, q ${formatPValue(t.qValue)} after Benjamini-Hochberg over ${plural(g.tested, 'test')}.`,
          asOf: last,
          impactShare: t.etaSquared * ASSOCIATION_DISCOUNT,
          strength: testedStrength(t.qValue, Math.sqrt(t.etaSquared)),
          recommendations: groupRecommendation(t, high.value, customerEntities, eventDatasets),
        };
      }),
  );
}

function groupRecommendation(
  t: GroupTest,
  high: string,
  customerEntities: Set<string | undefined>,
  eventDatasets: Set<string>,
): RecommendationDraft[] {
  if (customerEntities.has(t.dataset))
    return [
      {
        key: `target:${t.dimension}`,
        title: `Aim acquisition at the ${t.dimension} values worth most`,
        action: `Weight prospecting and campaigns toward ${t.dimension} ${high} and the others at the top of the ${t.measure} table.`,
        rationale: `${t.measure} differs by ${t.dimension} more than chance allows.`,
        area: 'Marketing strategy',
        urgency: 'Low',
        timeframe: '6+ months',
      },
    ];
  if (eventDatasets.has(t.dataset))
    return [
      {
        key: `develop:${t.dimension}`,
        title: `Develop the ${t.dimension} values whose ${t.measure} is highest`,
        action: `Put range and promotion effort behind ${t.dimension} ${high}, and check the lowest for bundling with it.`,
        rationale: `${t.measure} per transaction differs by ${t.dimension}.`,
        area: 'Product strategy',
        urgency: 'Low',
        timeframe: '6+ months',
      },
    ];
  return [
    {
      key: `pricing:${t.dataset}:${t.dimension}`,
      title: `Review ${t.measure} of ${t.dataset} by ${t.dimension}`,
      action: `Compare each ${t.dimension}'s ${t.measure} with what its buyers pay elsewhere, starting with ${high}.`,
      rationale: `${t.dataset}.${t.measure} is set very differently across ${t.dimension}.`,
      area: 'Product strategy',
      urgency: 'Low',
      timeframe: '3-6 months',
    },
  ];
}

function unitOf(frequency: string): string {
  return frequency === 'weekly' ? 'week' : frequency === 'monthly' ? 'month' : 'day';
}
