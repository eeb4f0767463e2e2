import { scrubText } from '../mask.ts';
import type { Narrative, Recommendation } from './types.ts';

/**
 * The narratives quote values from the data (row ids, dimension values) after masking; a
 * free-text value may still hold an email or a phone number, so every sentence goes through
 * the same scrub as the report's other free text.
 */
export function scrubNarration(told: {
  narratives: Narrative[];
  recommendations: Recommendation[];
}) {
  return {
    narratives: told.narratives.map((n) => ({
      ...n,
      title: scrubText(n.title),
      summary: scrubText(n.summary),
      details: n.details.map(scrubText),
      confidence: scrubText(n.confidence),
      ...(n.atStake ? { atStake: { ...n.atStake, label: scrubText(n.atStake.label) } } : {}),
    })),
    recommendations: told.recommendations.map((r) => ({
      ...r,
      title: scrubText(r.title),
      action: scrubText(r.action),
      rationale: scrubText(r.rationale),
    })),
  };
}
