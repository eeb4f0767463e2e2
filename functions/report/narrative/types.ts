/**
 * Narratives and recommendations: what the report says first. Every number in their
 * sentences comes from a finding of the run; the sentences come from fixed templates, so
 * the same findings always read the same.
 */

export type Priority = 'High' | 'Medium' | 'Low';
export type Timeframe = '0-3 months' | '3-6 months' | '6+ months';
/** The groups of the recommendations: the seed outline's three, and two of our own. */
export type Area =
  'Marketing strategy' | 'Product strategy' | 'Customer experience' | 'Operations' | 'Data quality';

export type NarrativeTheme =
  | 'anomalies'
  | 'revenue_trend'
  | 'mix_shift'
  | 'unusual_rows'
  | 'data_quality'
  | 'concentration'
  | 'segment'
  | 'value_drivers'
  | 'lifetime_value'
  | 'relationships'
  | 'group_difference'
  | 'forecast';

/** The three parts of a narrative's score, each in [0, 1], and their weighted sum. */
export interface NarrativeScore {
  /** Share of the business at stake, scaled so that a fifth or more scores 1. */
  impact: number;
  /** Effect size and significance (or backtest skill) of the evidence. */
  strength: number;
  /** Halves every 90 days between the evidence and the end of the data. */
  recency: number;
  total: number;
}

/** What is at stake, in the measure's own units (`money` only for the revenue of the KPIs). */
export interface AtStake {
  amount: number;
  unit: 'money' | 'value' | 'customers' | 'rows';
  /** What the amount is: `net_amount above expected on 2024-01-17`. */
  label: string;
}

export interface Narrative {
  /** Stable across runs of the same data: theme and subject. */
  id: string;
  theme: NarrativeTheme;
  /** The findings whose numbers the sentences state. */
  findingIds: string[];
  priority: Priority;
  /** 1 is the first thing to read. */
  rank: number;
  title: string;
  /** One sentence with the main numbers: the executive summary and the email quote it. */
  summary: string;
  /** Further sentences, none repeating the summary. */
  details: string[];
  /** How sure the numbers are: p or q values, backtest errors, intervals, or why no test applies. */
  confidence: string;
  atStake?: AtStake;
  /** The latest date of the evidence. */
  asOf: string;
  score: NarrativeScore;
}

export interface Recommendation {
  id: string;
  /** 1 is the first to act on. */
  rank: number;
  title: string;
  /** What to do, with the numbers that say where. */
  action: string;
  /** Why, from the narratives it rests on. */
  rationale: string;
  area: Area;
  /** The highest priority among the narratives it rests on. */
  impact: Priority;
  urgency: Priority;
  timeframe: Timeframe;
  narrativeIds: string[];
  findingIds: string[];
}
