import { CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { ConfigError } from '../errors.ts';
import type { Clock } from '../ports.ts';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from './retry.ts';

export interface DebouncedRunOptions {
  /** The schedule group the one-time schedules go in (the ingest role may create only there). */
  group: string;
  /** The report state machine the schedule starts. */
  stateMachineArn: string;
  /** The role EventBridge Scheduler assumes to start it (and to park a failed start). */
  roleArn: string;
  /** The quiet period, in whole seconds of at least 60 (at() has no finer grain than a second). */
  quietSeconds: number;
  /** Where Scheduler parks a start it could not make. */
  deadLetterArn?: string;
  clock: Clock;
  retry?: Partial<RetryPolicy>;
}

/** The slot a moment falls in: its start, its schedule's name and when that schedule fires. */
export function runSlot(now: Date, quietSeconds: number): { name: string; at: Date } {
  const quietMs = quietSeconds * 1000;
  const start = Math.floor(now.getTime() / quietMs) * quietMs;
  // A run starts one quiet period after its slot ends: at least that long after any file in it.
  const at = new Date(start + 2 * quietMs);
  return { name: `run-${compact(new Date(start))}`, at };
}

/** `2026-03-02T06:05:00.000Z` -> `20260302T060500Z`: fits the 64 characters a schedule name may have. */
const compact = (d: Date) => d.toISOString().slice(0, 19).replace(/[-:]/g, '') + 'Z';

/** `at(yyyy-mm-ddThh:mm:ss)`, read in ScheduleExpressionTimezone (UTC here). */
export const atExpression = (d: Date) => `at(${d.toISOString().slice(0, 19)})`;

/**
 * Starts ONE report run for a burst of uploads: after each file, ingest asks for a one-time
 * EventBridge Scheduler schedule named after the current slot of `quietSeconds`, firing one
 * quiet period after the slot ends. The first file of a slot creates it; every other file of
 * the slot, and a re-delivered event, meets ConflictException ("already scheduled"), which is
 * success. The run's plan reads the lake when it starts, so it sees every file ingested
 * before. The schedule deletes itself once it has started the run. Returns the schedule name.
 *
 * The name the caller passes (the file version) is not needed: the slot names the run.
 */
export function debouncedRunStarter(scheduler: SchedulerClient, options: DebouncedRunOptions) {
  if (!Number.isInteger(options.quietSeconds) || options.quietSeconds < 60)
    throw new ConfigError(
      `The run quiet period must be whole seconds, at least 60; got ${options.quietSeconds}`,
    );
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  return async (_fileVersion: string): Promise<string> => {
    const { name, at } = runSlot(options.clock.now(), options.quietSeconds);
    try {
      await withRetries(
        `Scheduling report run ${name}`,
        () =>
          scheduler.send(
            new CreateScheduleCommand({
              Name: name,
              GroupName: options.group,
              Description: 'One report run for the files ingested in this slot',
              ScheduleExpression: atExpression(at),
              ScheduleExpressionTimezone: 'UTC',
              FlexibleTimeWindow: { Mode: 'OFF' },
              ActionAfterCompletion: 'DELETE',
              Target: {
                Arn: options.stateMachineArn,
                RoleArn: options.roleArn,
                Input: JSON.stringify({ trigger: 'ingest' }),
                RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
                ...(options.deadLetterArn
                  ? { DeadLetterConfig: { Arn: options.deadLetterArn } }
                  : {}),
              },
            }),
          ),
        policy,
      );
    } catch (error) {
      const code = (error as { name?: string }).name ?? '';
      if (code === 'ConflictException') return name;
      if (CONFIG_ERRORS.has(code))
        throw new ConfigError(
          `Cannot schedule report run ${name} in group ${options.group} (${code}): check the ingest role and the stack's environment`,
          { cause: error },
        );
      throw error;
    }
    return name;
  };
}

// A person has to fix these: a role without permission, a group or role that is not there.
const CONFIG_ERRORS = new Set([
  'AccessDeniedException',
  'ResourceNotFoundException',
  'ValidationException',
  'ServiceQuotaExceededException',
]);
