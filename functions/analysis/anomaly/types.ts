/** What detection says about one point of one series. */

export type Direction = 'high' | 'low';

/** `seasonal-mad`: a point far from its seasonal baseline; `level-shift`: the first point of a lasting change of level. */
export type AnomalyMethod = 'seasonal-mad' | 'level-shift';

export interface AnomalyFlag {
  /** Index in the regular series. */
  index: number;
  timestamp: string;
  value: number;
  /** The value expected there (for a level shift: the level before it). */
  expected: number;
  /** The range of values not flagged there: expected +- threshold x scale. */
  lower: number;
  upper: number;
  /** Robust z-score: signed distance from the baseline in robust standard deviations. */
  score: number;
  direction: Direction;
  method: AnomalyMethod;
}

export interface Incident {
  start: string;
  end: string;
  /** Flags in the incident. */
  flags: number;
  /** The flag with the largest |score|. */
  peak: AnomalyFlag;
  direction: Direction | 'mixed';
  methods: AnomalyMethod[];
}
