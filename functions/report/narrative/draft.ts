import type { ReportModel } from '../model.ts';
import type { Narrative, Recommendation } from './types.ts';

/** A recommendation as a narrative proposes it; drafts with one key become one recommendation. */
export type RecommendationDraft = { key: string } & Pick<
  Recommendation,
  'title' | 'action' | 'rationale' | 'area' | 'urgency' | 'timeframe'
>;

/** A narrative before ranking: its sentences and the two inputs of its score it knows itself. */
export interface NarrativeDraft extends Omit<Narrative, 'priority' | 'rank' | 'score'> {
  /** Share of the business at stake, 0..1 (see each generator for what it is a share of). */
  impactShare: number;
  /** 0..1. */
  strength: number;
  recommendations: RecommendationDraft[];
}

/** A narrative generator: the drafts one kind of finding supports, possibly none. */
export type NarrativeSource = (model: ReportModel) => NarrativeDraft[];

export const clamp01 = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);

/**
 * Strength of a tested result: significance (q or p; 1e-10 or below is full) times effect
 * size, both in [0, 1].
 */
export const testedStrength = (p: number, effect: number) =>
  clamp01(Math.min(10, -Math.log10(Math.max(p, 1e-300))) / 10) * clamp01(effect);

/** `a`, `a and b`, `a, b and c`. */
export function listing(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The day a timestamp or date falls on: `2024-12-31`. */
export const day = (date: string) => date.slice(0, 10);
