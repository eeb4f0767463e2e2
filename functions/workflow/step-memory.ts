/**
 * Memory of each Lambda of the report workflow, in MB: the stack deploys them with these,
 * and the cost estimate of a run prices its measured step times at them.
 */
export const STEP_MEMORY_MB = {
  plan: 512,
  aggregate: 1024,
  analyze: 2048,
  assemble: 1024,
  notify: 256,
} as const;
