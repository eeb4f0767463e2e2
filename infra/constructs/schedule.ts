import { Duration, TimeZone } from 'aws-cdk-lib';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { StepFunctionsStartExecution } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deadLetterQueue } from './defaults.ts';

export interface ReportScheduleProps {
  readonly stateMachine: IStateMachine;
  /** A Scheduler expression: `cron(...)`, `rate(...)` or `at(...)`. */
  readonly expression: string;
  /** @default 'UTC' */
  readonly timeZone?: string;
  /** @default true */
  readonly enabled?: boolean;
  /** @default 3 */
  readonly retryAttempts?: number;
  /** A start that cannot happen within this is parked in the dead-letter queue. @default Duration.hours(1) */
  readonly maxEventAge?: Duration;
}

/**
 * Starts a report run on a schedule with input `{"trigger":"schedule"}`; the execution name
 * (chosen by Step Functions) becomes the run id.
 */
export class ReportSchedule extends Construct {
  readonly schedule: Schedule;
  readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: ReportScheduleProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetterQueue',
      'scheduled report runs that could not start',
    );
    this.schedule = new Schedule(this, 'Schedule', {
      description: 'Starts a serverless-insights report run',
      schedule: ScheduleExpression.expression(
        props.expression,
        TimeZone.of(props.timeZone ?? 'UTC'),
      ),
      enabled: props.enabled ?? true,
      target: new StepFunctionsStartExecution(props.stateMachine, {
        input: ScheduleTargetInput.fromObject({ trigger: 'schedule' }),
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: props.retryAttempts ?? 3,
        maxEventAge: props.maxEventAge ?? Duration.hours(1),
      }),
    });
  }
}
