import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.ts';
import { deadLetterQueue } from './defaults.ts';
import type { DuckDbArchitecture } from '../../layers/duckdb/build.ts';
import { DuckDbLayer } from './duckdb-layer.ts';
import { InsightsFunction, type FunctionSettings } from './insights-function.ts';
import type { LakeStorage } from './lake.ts';

export interface IngestProps {
  readonly lake: LakeStorage;
  readonly settings: FunctionSettings;
  /** The report run that ingest starts after a file lands. */
  readonly stateMachine: IStateMachine;
  /**
   * Quiet after an upload before its run: files ingested within one slot of this length share
   * one run, started one quiet period after the slot ends. Whole minutes.
   * @default Duration.minutes(5)
   */
  readonly runQuietPeriod?: Duration;
  /**
   * Lambda architecture of the DuckDB layer and so of the ingest function
   * (`insights:duckdbArchitecture`; arm64 needs `npm run layer:arm64` first).
   * @default 'x86_64'
   */
  readonly duckDbArchitecture?: DuckDbArchitecture;
  /** @default 2048 (DuckDB peaks near 0.6 GB on a 100 MB CSV; memory also buys vCPU) */
  readonly memorySize?: number;
  /** @default Duration.minutes(10) */
  readonly timeout?: Duration;
  /** Room in /tmp for the downloaded file and the Parquet written from it. @default Size.gibibytes(2) */
  readonly ephemeralStorageSize?: Size;
  /** Delivery attempts (EventBridge) and invocation retries (Lambda async, at most 2). @default 2 */
  readonly retryAttempts?: number;
  /** An event older than this is given up and parked in the dead-letter queue. @default Duration.hours(6) */
  readonly maxEventAge?: Duration;
}

/**
 * A file lands under `incoming/` -> EventBridge -> the ingest function (DuckDB from a layer),
 * which validates and partitions it into the lake and schedules one report run for the burst
 * of uploads it belongs to (a one-time EventBridge Scheduler schedule in this construct's
 * group; functions/platform/aws/run-scheduler.ts). Whatever cannot be delivered, keeps
 * failing, or could not start its run ends in one encrypted dead-letter queue.
 */
export class Ingest extends Construct {
  readonly function: InsightsFunction;
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;
  readonly duckDb: DuckDbLayer;
  /** Where ingest's one-time run schedules live; ingest may create schedules here only. */
  readonly runSchedules: ScheduleGroup;
  /** The role those schedules start the run with. */
  readonly runSchedulerRole: Role;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const { lake } = props;
    const retryAttempts = props.retryAttempts ?? 2;
    const maxEventAge = props.maxEventAge ?? Duration.hours(6);
    const quiet = props.runQuietPeriod ?? Duration.minutes(5);

    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetterQueue',
      'ingest (undeliverable events, failed ingests, and runs that could not start)',
    );
    // Goes with the stack, and with it any schedule still waiting (its run would have nowhere to go).
    this.runSchedules = new ScheduleGroup(this, 'RunSchedules', {
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Scheduler assumes this role for the schedules of this group only (confused deputy).
    this.runSchedulerRole = new Role(this, 'RunSchedulerRole', {
      description: 'EventBridge Scheduler starts the report run that ingest scheduled',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: {
            'aws:SourceAccount': Stack.of(this).account,
            'aws:SourceArn': this.runSchedules.scheduleGroupArn,
          },
        },
      }),
    });
    props.stateMachine.grantStartExecution(this.runSchedulerRole);
    this.runSchedulerRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );

    this.duckDb = new DuckDbLayer(this, 'DuckDb', { architecture: props.duckDbArchitecture });
    this.function = new InsightsFunction(this, 'Ingest', {
      handler: 'ingest',
      description: 'Validates a landed file and writes it to the lake as partitioned Parquet',
      settings: props.settings,
      environment: {
        STATE_MACHINE_ARN: props.stateMachine.stateMachineArn,
        RUN_SCHEDULE_GROUP: this.runSchedules.scheduleGroupName,
        RUN_SCHEDULER_ROLE_ARN: this.runSchedulerRole.roleArn,
        RUN_QUIET_SECONDS: String(quiet.toSeconds()),
        RUN_DEAD_LETTER_ARN: this.deadLetterQueue.queueArn,
      },
      memorySize: props.memorySize ?? 2048,
      timeout: props.timeout ?? Duration.minutes(10),
      ephemeralStorageSize: props.ephemeralStorageSize ?? Size.gibibytes(2),
      // The architecture of the layer's native DuckDB binary (see DuckDbLayer).
      architecture: this.duckDb.architecture,
      layers: [this.duckDb.layer],
    });
    // One ingest at a time: the first files of a new dataset would each infer and store a
    // contract, and two versions of one key would each miss the other's manifest. Files
    // queue in Lambda's async queue meanwhile; a per-dataset queue is the scale work's.
    (this.function.function.node.defaultChild as CfnFunction).reservedConcurrentExecutions = 1;
    const role = this.function.role;
    // Contracts and manifests are read back (a dataset's contract before its next file, the
    // manifests of earlier versions of a key); a new version of a file deletes what the old
    // one wrote (functions/ingest/replace-versions.ts).
    lake.grantPrefixes(role, {
      // config/: a person's contract wins over the inferred one (functions/platform/lake-catalog.ts).
      read: ['incoming', 'catalog', 'config', 'manifests'],
      write: ['curated', 'quarantine', 'manifests', 'catalog'],
      delete: ['curated', 'quarantine', 'manifests'],
    });
    // The dataset's Glue table follows its contract (functions/platform/aws/glue-catalog.ts).
    lake.grantTableUpserts(role);
    // A run per burst: a one-time schedule in the group, started by the scheduler role.
    const runSchedules = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.runSchedules.scheduleGroupName}/*`,
    });
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['scheduler:CreateSchedule'], resources: [runSchedules] }),
    );
    acknowledgeWildcardResource(
      role,
      runSchedules,
      'One-time run schedules are named at run time after their time slot (run-<slot start>); only schedules of the stack group that holds them may be created, none read, changed or deleted.',
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.runSchedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    // EventBridge invokes Lambda asynchronously: the target's DLQ only catches events it could
    // not hand to Lambda; an ingest that throws is retried by Lambda and then sent here too.
    this.function.function.configureAsyncInvoke({
      retryAttempts,
      maxEventAge,
      onFailure: new SqsDestination(this.deadLetterQueue),
    });

    this.rule = new Rule(this, 'FileLanded', {
      description: 'A file was written under incoming/ in the lake',
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [lake.bucket.bucketName] },
          // size > 0: a console "folder" (an empty object ending in /) is no file.
          object: { key: Match.prefix('incoming/'), size: Match.greaterThan(0) },
        },
      },
      targets: [
        new LambdaFunction(this.function.function, {
          deadLetterQueue: this.deadLetterQueue,
          retryAttempts,
          maxEventAge,
        }),
      ],
    });
  }
}
