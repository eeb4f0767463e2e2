import type { ReportModel } from '../model.ts';
import { clamp01, day, type NarrativeDraft, type NarrativeSource } from './draft.ts';
import {
  dataQualityNarratives,
  mixShiftNarratives,
  revenueTrendNarratives,
  unusualRowNarratives,
} from './business-narratives.ts';
import { customerNarratives } from './customer-narratives.ts';
import { anomalyNarratives, forecastNarratives } from './series-narratives.ts';
import { groupNarratives, relationshipNarratives } from './statistics-narratives.ts';
import type { Narrative, NarrativeScore, Priority, Recommendation } from './types.ts';

/** Weights of the score's parts: what is at stake counts most. */
export const WEIGHTS = { impact: 0.5, strength: 0.3, recency: 0.2 } as const;
/** Half of the business at stake scores full impact. */
export const FULL_IMPACT_SHARE = 0.5;
export const RECENCY_HALF_LIFE_DAYS = 90;
/** Scores at or above these are High and Medium priority; below, Low. */
export const PRIORITY_CUTS = { High: 0.6, Medium: 0.4 } as const;

const SOURCES: NarrativeSource[] = [
  revenueTrendNarratives,
  mixShiftNarratives,
  anomalyNarratives,
  unusualRowNarratives,
  customerNarratives,
  relationshipNarratives,
  groupNarratives,
  forecastNarratives,
  dataQualityNarratives,
];

/**
 * The narratives of a report, ranked by score (ties broken by id), and the recommendations
 * they call for, one per key, ranked by impact, urgency and the rank of their best narrative.
 */
export function narrate(model: ReportModel): {
  narratives: Narrative[];
  recommendations: Recommendation[];
} {
  const end = dataEnd(model);
  const drafts = SOURCES.flatMap((source) => source(model));
  const scored = drafts
    .map((d) => ({ d, score: scoreOf(d, end) }))
    .sort((a, b) => b.score.total - a.score.total || a.d.id.localeCompare(b.d.id));
  const narratives: Narrative[] = scored.map(
    ({ d: { impactShare: _, strength: __, recommendations: ___, ...told }, score }, i) => ({
      ...told,
      priority: priorityOf(score.total),
      rank: i + 1,
      score,
    }),
  );
  return {
    narratives,
    recommendations: recommend(
      scored.map((s) => s.d),
      narratives,
    ),
  };
}

export function scoreOf(
  d: Pick<NarrativeDraft, 'impactShare' | 'strength' | 'asOf'>,
  end: string,
): NarrativeScore {
  const impact = round(clamp01(d.impactShare / FULL_IMPACT_SHARE));
  const strength = round(clamp01(d.strength));
  const age =
    d.asOf && end ? Math.max(0, (Date.parse(end) - Date.parse(day(d.asOf))) / 86_400_000) : 0;
  const recency = round(Math.pow(0.5, age / RECENCY_HALF_LIFE_DAYS));
  const total = round(
    WEIGHTS.impact * impact + WEIGHTS.strength * strength + WEIGHTS.recency * recency,
  );
  return { impact, strength, recency, total };
}

export function priorityOf(total: number): Priority {
  return total >= PRIORITY_CUTS.High ? 'High' : total >= PRIORITY_CUTS.Medium ? 'Medium' : 'Low';
}

const ORDER: Record<Priority, number> = { High: 0, Medium: 1, Low: 2 };

/** Drafts with one key merge: the best-ranked narrative's wording, every narrative cited. */
function recommend(drafts: NarrativeDraft[], narratives: Narrative[]): Recommendation[] {
  const byKey = new Map<string, Omit<Recommendation, 'rank'> & { best: number }>();
  drafts.forEach((d, i) => {
    const n = narratives[i]!;
    for (const r of d.recommendations) {
      const seen = byKey.get(r.key);
      if (seen) {
        seen.narrativeIds.push(n.id);
        seen.findingIds = [...new Set([...seen.findingIds, ...n.findingIds])];
        continue;
      }
      byKey.set(r.key, {
        id: r.key,
        title: r.title,
        action: r.action,
        rationale: r.rationale,
        area: r.area,
        impact: n.priority,
        urgency: r.urgency,
        timeframe: r.timeframe,
        narrativeIds: [n.id],
        findingIds: [...n.findingIds],
        best: n.rank,
      });
    }
  });
  return [...byKey.values()]
    .sort(
      (a, b) =>
        ORDER[a.impact] - ORDER[b.impact] ||
        ORDER[a.urgency] - ORDER[b.urgency] ||
        a.best - b.best ||
        a.id.localeCompare(b.id),
    )
    .map(({ best: _, ...r }, i) => ({ ...r, rank: i + 1 }));
}

/** The last day of data in the run: recency is measured back from it, not from today. */
export function dataEnd(model: ReportModel): string {
  return (
    model.datasets
      .map((d) => (d.coverage ? day(d.coverage.last) : ''))
      .sort()
      .at(-1) ?? ''
  );
}

const round = (x: number) => Math.round(x * 1000) / 1000;
