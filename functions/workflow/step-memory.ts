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

/**
 * Timeout of each Lambda of the report workflow, in seconds, as the stack deploys them
 * (infra/constructs/report-workflow.ts, notify.ts). report.asl.json gives its tasks no
 * TimeoutSeconds, so in AWS a task waits as long as its Lambda may run; the local runner
 * would stop a task after 60 s, so the local runtime sets these.
 */
export const STEP_TIMEOUT_SECONDS = {
  plan: 60,
  aggregate: 600,
  analyze: 600,
  assemble: 120,
  notify: 30,
} as const;
