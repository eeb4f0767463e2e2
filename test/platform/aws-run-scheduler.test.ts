import {
  ConflictException,
  CreateScheduleCommand,
  SchedulerClient,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, TransientError } from '#platform/errors.ts';
import { atExpression, debouncedRunStarter, runSlot } from '#platform/aws/run-scheduler.ts';

const scheduler = mockClient(SchedulerClient);
afterEach(() => scheduler.reset());

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:report';
const ROLE = 'arn:aws:iam::123456789012:role/run-scheduler';
const DLQ = 'arn:aws:sqs:eu-west-1:123456789012:ingest-dlq';
const meta = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

function starter(now: () => Date, quietSeconds = 300) {
  return debouncedRunStarter(new SchedulerClient({ region: 'eu-west-1' }), {
    group: 'insights-runs',
    stateMachineArn: STATE_MACHINE,
    roleArn: ROLE,
    quietSeconds,
    deadLetterArn: DLQ,
    clock: { now },
    retry: { sleep: async () => undefined, random: () => 0 },
  });
}

describe('one report run per burst of uploads (EventBridge Scheduler)', () => {
  it('creates a one-time schedule named after the slot, firing one quiet period after the slot ends', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    // 06:07:30 is in the 5-minute slot 06:05-06:10; its run starts at 06:15.
    const name = await starter(() => new Date('2026-03-02T06:07:30.250Z'))('ingest-abc-orders');
    expect(name).toBe('run-20260302T060500Z');
    expect(scheduler.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input)).toEqual([
      {
        Name: 'run-20260302T060500Z',
        GroupName: 'insights-runs',
        Description: 'One report run for the files ingested in this slot',
        ScheduleExpression: 'at(2026-03-02T06:15:00)',
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: {
          Arn: STATE_MACHINE,
          RoleArn: ROLE,
          Input: '{"trigger":"ingest"}',
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: DLQ },
        },
      },
    ]);
  });

  it('gives every file of a slot the same schedule, at least one quiet period after any of them', () => {
    const quiet = 300;
    for (const time of ['06:05:00.000', '06:07:30.000', '06:09:59.999']) {
      const now = new Date(`2026-03-02T${time}Z`);
      const slot = runSlot(now, quiet);
      expect(slot.name, time).toBe('run-20260302T060500Z');
      expect(atExpression(slot.at)).toBe('at(2026-03-02T06:15:00)');
      expect(slot.at.getTime() - now.getTime()).toBeGreaterThanOrEqual(quiet * 1000);
      expect(slot.at.getTime() - now.getTime()).toBeLessThanOrEqual(2 * quiet * 1000);
    }
    expect(runSlot(new Date('2026-03-02T06:10:00Z'), quiet).name).toBe('run-20260302T061000Z');
    // Names fit Scheduler's 64 characters and its [0-9a-zA-Z-_.] alphabet.
    expect(runSlot(new Date('2026-12-31T23:59:59Z'), 86_400).name).toMatch(/^[\w.-]{1,64}$/);
  });

  it('takes ConflictException as "already scheduled": the burst keeps its one run', async () => {
    const created = new Set<string>();
    scheduler.on(CreateScheduleCommand).callsFake(async (input: { Name: string }) => {
      if (created.has(input.Name))
        throw new ConflictException({
          Message: 'Schedule already exists',
          message: 'Schedule already exists',
          ...meta(409),
        });
      created.add(input.Name);
      return { ScheduleArn: `arn:aws:scheduler:::schedule/insights-runs/${input.Name}` };
    });
    let now = new Date('2026-03-02T06:05:10Z');
    const start = starter(() => now);
    const names: string[] = [];
    for (const at of ['06:05:10', '06:06:00', '06:06:00', '06:09:40']) {
      now = new Date(`2026-03-02T${at}Z`);
      names.push(await start(`file-${at}`));
    }
    expect(new Set(names)).toEqual(new Set(['run-20260302T060500Z']));
    expect([...created]).toEqual(['run-20260302T060500Z']);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(4);
  });

  it('retries throttling and then gives up with a TransientError', async () => {
    scheduler.on(CreateScheduleCommand).rejects(
      new ThrottlingException({
        Message: 'Rate exceeded',
        message: 'Rate exceeded',
        ...meta(429),
      }),
    );
    const error = await starter(() => new Date('2026-03-02T06:07:00Z'))('f').catch((e) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(/Scheduling report run run-20260302T060500Z/);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(6);
  });

  it('succeeds when throttling passes', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejectsOnce(
        new ThrottlingException({
          Message: 'Rate exceeded',
          message: 'Rate exceeded',
          ...meta(429),
        }),
      )
      .resolves({ ScheduleArn: 'arn:schedule' });
    expect(await starter(() => new Date('2026-03-02T06:07:00Z'))('f')).toBe('run-20260302T060500Z');
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(2);
  });

  it('turns access denied and a refused request into a ConfigError, without retrying', async () => {
    const denied = Object.assign(new Error('not authorized to perform: scheduler:CreateSchedule'), {
      name: 'AccessDeniedException',
      ...meta(403),
    });
    for (const refusal of [
      denied,
      new ValidationException({ Message: 'Invalid role', message: 'Invalid role', ...meta(400) }),
    ]) {
      scheduler.reset();
      scheduler.on(CreateScheduleCommand).rejects(refusal);
      const error = await starter(() => new Date('2026-03-02T06:07:00Z'))('f').catch((e) => e);
      expect(error, refusal.name).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).cause).toBe(refusal);
      expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(1);
    }
  });

  it('refuses a quiet period shorter than a minute or not in whole seconds', () => {
    for (const quiet of [0, 59, 90.5])
      expect(() => starter(() => new Date(), quiet), String(quiet)).toThrow(ConfigError);
  });
});
