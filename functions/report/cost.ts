import type { StepUsage } from '#platform/metered-engine.ts';
import { STEP_MEMORY_MB } from '#workflow/step-memory.ts';

/**
 * AWS list prices (us-east-1) the estimate uses, stated in the report beside the estimate.
 * Change them here for another region or a negotiated rate.
 */
export const UNIT_PRICES = {
  /** Lambda on arm64, per GB-second of duration and per request. */
  lambdaGbSecond: 0.0000133334,
  lambdaRequest: 0.2 / 1_000_000,
  /** Athena, per byte scanned, with at least 10 MB billed per query. */
  athenaByte: 5 / 1e12,
  athenaMinimumBytes: 10 * 1024 * 1024,
  /** Step Functions standard workflows, per state transition. */
  stateTransition: 0.000025,
} as const;

/** One step of a run as the report records it. */
export interface StepRecord extends StepUsage {
  step: 'aggregate' | 'analyze' | 'assemble';
  /** The analysis, for an analyze step. */
  analysisId?: string;
}

export interface CostItem {
  item: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  cost: number;
}

export interface CostEstimate {
  currency: 'USD';
  total: number;
  items: CostItem[];
  /** How the quantities were measured or bounded. */
  basis: string[];
}

/**
 * What a run costs, or would cost, on AWS: Lambda time of the measured steps at the memory
 * the stack gives them, one request per step, Athena bytes scanned (at least 10 MB a query),
 * and the state transitions of the workflow (Plan, Aggregate, the Map, each Analyze,
 * Assemble, Notify). Plan and Notify are not timed; they are short and priced as requests.
 */
export function estimateCost(steps: StepRecord[]): CostEstimate {
  const analyses = steps.filter((s) => s.step === 'analyze').length;
  const gbSeconds = steps.reduce(
    (sum, s) => sum + (s.ms / 1000) * (STEP_MEMORY_MB[s.step] / 1024),
    0,
  );
  const requests = steps.length + 2;
  const queries = steps.reduce((n, s) => n + s.queries, 0);
  const measured = steps.every((s) => s.bytesScanned !== null);
  const scanned = steps.reduce((n, s) => n + (s.bytesScanned ?? 0), 0);
  const billedBytes = Math.max(scanned, queries * UNIT_PRICES.athenaMinimumBytes);
  const transitions = 5 + analyses;
  const items: CostItem[] = [
    item('Lambda duration', gbSeconds, 'GB-seconds', UNIT_PRICES.lambdaGbSecond),
    item('Lambda requests', requests, 'requests', UNIT_PRICES.lambdaRequest),
    item('Athena scanned', billedBytes, 'bytes billed', UNIT_PRICES.athenaByte),
    item('Step Functions', transitions, 'state transitions', UNIT_PRICES.stateTransition),
  ];
  return {
    currency: 'USD',
    total: items.reduce((sum, i) => sum + i.cost, 0),
    items,
    basis: [
      'Lambda time is the wall time measured for each step of this run, at the memory the stack gives it; where this run ran on a laptop, Lambda may be slower or faster.',
      measured
        ? `Athena: ${queries} queries scanned ${scanned} bytes, each billed at least 10 MB.`
        : `Athena: the local engine does not report bytes scanned, so the ${queries} queries are priced at Athena's 10 MB minimum each, a lower bound.`,
      'Step Functions: one transition per state entered, retries not counted; S3 requests and storage, SES and CloudWatch are left out (fractions of a cent per run).',
    ],
  };
}

function item(name: string, quantity: number, unit: string, unitPrice: number): CostItem {
  return { item: name, quantity, unit, unitPrice, cost: quantity * unitPrice };
}
