import type { Contract, QueryEngine } from '#platform/ports.ts';
import type { TimeCoverage } from '#query/aggregates.ts';
import type { JoinKey } from '#query/joins.ts';

/** What the analyses of an events dataset (KPIs, customers) read: the dataset and its joins. */
export interface EventsInput {
  engine: QueryEngine;
  contract: Contract;
  measures: readonly string[];
  /** The span of its time column. */
  coverage: TimeCoverage;
  /** The joins of the run (each analysis takes the dataset's own). */
  joins: readonly JoinKey[];
  /** Every contract of the run, for the entities the joins name. */
  contracts: readonly Contract[];
}
