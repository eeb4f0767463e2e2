import { cell, formatNumber, formatShare } from '../format.ts';
import type { ReportModel } from '../model.ts';
import { FULL_IMPACT_SHARE, PRIORITY_CUTS, RECENCY_HALF_LIFE_DAYS, WEIGHTS } from './rank.ts';
import { ASSOCIATION_DISCOUNT } from './customer-narratives.ts';
import type { AtStake, Narrative, Priority, Recommendation, Timeframe } from './types.ts';

/** How many narratives the executive summary leads with, and how many actions come first. */
export const HEADLINES = 3;

/**
 * The narratives the executive summary leads with: the best-ranked of each theme, so that
 * three shifts of one kind do not crowd out everything else.
 */
export function headlines(narratives: readonly Narrative[]): Narrative[] {
  const themes = new Set<string>();
  const out: Narrative[] = [];
  for (const n of narratives) {
    if (themes.has(n.theme)) continue;
    themes.add(n.theme);
    out.push(n);
    if (out.length === HEADLINES) break;
  }
  return out;
}

/** The recommendation that acts on a narrative first, if any. */
export function firstActionOn(
  recommendations: readonly Recommendation[],
  narrative: Narrative,
): Recommendation | undefined {
  return recommendations.find((r) => r.narrativeIds.includes(narrative.id));
}

/** Each headline: its title, priority and what to do, pointing to the details below. */
export function headlineLines(m: ReportModel): string[] {
  return headlines(m.narratives).map((n) => {
    const action = firstActionOn(m.recommendations, n);
    return (
      `**${cell(n.title)}** (${n.priority} priority, narrative ${n.rank})` +
      (action ? `. What to do: ${cell(lowerFirst(action.title))} (action ${action.rank}).` : '.')
    );
  });
}

export function keyNarrativesSection(m: ReportModel): string | undefined {
  if (m.narratives.length === 0) return undefined;
  const parts: string[] = [
    '## Key narratives',
    '',
    'Every finding of the run, ranked by what is at stake, how strong the evidence is and how recent (see Methodology). Each states its numbers, how sure they are, and the actions that rest on it.',
  ];
  for (const priority of ['High', 'Medium', 'Low'] as Priority[]) {
    const group = m.narratives.filter((n) => n.priority === priority);
    if (group.length === 0) continue;
    parts.push('', `### ${priority} priority`);
    for (const n of group) {
      const actions = m.recommendations.filter((r) => r.narrativeIds.includes(n.id));
      parts.push(
        '',
        `**${n.rank}. ${cell(n.title)}**`,
        '',
        [n.summary, ...n.details].map(cell).join(' '),
        '',
        `- Confidence: ${cell(n.confidence)}`,
        ...(n.atStake ? [`- At stake: ${atStake(n.atStake)}`] : []),
        ...(actions.length
          ? [`- Actions: ${actions.map((a) => `${a.rank}. ${cell(a.title)}`).join('; ')}`]
          : []),
      );
    }
  }
  return parts.join('\n');
}

/** The first actions, each with the narrative that calls for it most; details under Recommendations. */
export function priorityActionsSection(m: ReportModel): string | undefined {
  const top = m.recommendations.slice(0, HEADLINES);
  if (top.length === 0) return undefined;
  const byId = new Map(m.narratives.map((n) => [n.id, n]));
  return [
    '## Priority actions',
    '',
    ...top.map((r) => {
      const why = byId.get(r.narrativeIds[0]!)!;
      return `- **${r.rank}. ${cell(r.title)}** (${r.area}; impact ${r.impact}, urgency ${r.urgency}, ${r.timeframe}), for narrative ${why.rank}: ${cell(lowerFirst(why.title))}.`;
    }),
  ].join('\n');
}

/** Recommendations grouped as the seed outline groups them, each with its evidence. */
export function recommendationsSection(m: ReportModel): string | undefined {
  if (m.recommendations.length === 0) return undefined;
  const areas = [...new Set(m.recommendations.map((r) => r.area))];
  const byId = new Map(m.narratives.map((n) => [n.id, n]));
  const parts = [
    '## Recommendations',
    '',
    'One per action, however many findings call for it; numbered by impact (the priority of the narratives it rests on), then urgency.',
  ];
  for (const area of areas) {
    parts.push('', `### ${area}`, '');
    for (const r of m.recommendations.filter((x) => x.area === area)) {
      const cites = r.narrativeIds
        .map((id) => byId.get(id)!)
        .map((n) => `${n.rank}. ${cell(n.title)}`);
      // Not a Markdown ordered list: the numbers are the overall ranks, not 1, 2, 3 per area.
      parts.push(
        `**${r.rank}. ${cell(r.title)}**`,
        '',
        `- Action: ${cell(r.action)}`,
        `- Rationale: ${cell(r.rationale)}`,
        `- Impact ${r.impact}, urgency ${r.urgency}, ${r.timeframe}`,
        `- Rests on: ${cites.join('; ')}`,
        '',
      );
    }
  }
  return parts.join('\n').trimEnd();
}

const TIMEFRAMES: { timeframe: Timeframe; title: string }[] = [
  { timeframe: '0-3 months', title: 'Short-term actions (0-3 months)' },
  { timeframe: '3-6 months', title: 'Medium-term initiatives (3-6 months)' },
  { timeframe: '6+ months', title: 'Long-term strategy (6+ months)' },
];

export function implementationPlanSection(m: ReportModel): string | undefined {
  if (m.recommendations.length === 0) return undefined;
  const parts = ['## Implementation plan'];
  for (const { timeframe, title } of TIMEFRAMES) {
    const list = m.recommendations.filter((r) => r.timeframe === timeframe);
    if (list.length === 0) continue;
    parts.push(
      '',
      `### ${title}`,
      '',
      ...list.map((r) => `- Action ${r.rank}: ${cell(r.title)} (${r.area}, urgency ${r.urgency})`),
    );
  }
  return parts.join('\n');
}

export function narrativeMethodology(): string[] {
  const w = WEIGHTS;
  return [
    `- Narratives and ranking: each kind of finding has a fixed template that states its numbers; nothing is written that the run did not compute. Each narrative is scored ${w.impact} × impact + ${w.strength} × strength + ${w.recency} × recency, each part between 0 and 1. Impact is the share of the business at stake (of revenue, of customer value, or of a year of the series), full at ${formatShare(FULL_IMPACT_SHARE)}; an association (a value driver, a predictive relationship, a group difference) counts its share of variance explained times ${ASSOCIATION_DISCOUNT}, as it does not show that moving one thing moves the other. Strength is significance times effect size for tested results (q or p of 1e-10 or below is full), the silhouette for segments, backtest skill over seasonal naive for forecasts, and at most one half for changes of totals, which no test compares with ordinary year-to-year variation. Recency halves every ${RECENCY_HALF_LIFE_DAYS} days between the evidence and the last day of data. High priority from ${PRIORITY_CUTS.High}, Medium from ${PRIORITY_CUTS.Medium}; ties go by narrative id. The executive summary leads with the best narrative of each of the first ${formatNumber(HEADLINES)} themes.`,
    '- Recommendations: each narrative proposes the actions its kind of finding supports; an action proposed by several narratives is listed once and cites them all. Its impact is the highest priority among them; its urgency and time frame come with the kind of action (a lapsed segment or an extreme row now, a strategy shift over six months or more).',
  ];
}

function atStake(s: AtStake): string {
  const unit = s.unit === 'rows' ? ' rows' : s.unit === 'customers' ? ' customers' : '';
  return `${formatNumber(s.amount)}${unit} (${cell(s.label)})`;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
