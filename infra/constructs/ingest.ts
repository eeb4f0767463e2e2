import { Duration, Size } from 'aws-cdk-lib';
import { Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { deadLetterQueue } from './defaults.ts';
import { DuckDbLayer } from './duckdb-layer.ts';
import { InsightsFunction, type FunctionSettings } from './insights-function.ts';
import type { LakeStorage } from './lake.ts';

export interface IngestProps {
  readonly lake: LakeStorage;
  readonly settings: FunctionSettings;
  /** The report run that ingest starts after a file lands. */
  readonly stateMachine: IStateMachine;
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
 * which validates and partitions it into the lake and starts a report run. Whatever cannot be
 * delivered or keeps failing ends in one encrypted dead-letter queue.
 */
export class Ingest extends Construct {
  readonly function: InsightsFunction;
  readonly rule: Rule;
  readonly deadLetterQueue: Queue;
  readonly duckDb: DuckDbLayer;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const { lake } = props;
    const retryAttempts = props.retryAttempts ?? 2;
    const maxEventAge = props.maxEventAge ?? Duration.hours(6);

    this.duckDb = new DuckDbLayer(this, 'DuckDb');
    this.function = new InsightsFunction(this, 'Ingest', {
      handler: 'ingest',
      description: 'Validates a landed file and writes it to the lake as partitioned Parquet',
      settings: props.settings,
      environment: { STATE_MACHINE_ARN: props.stateMachine.stateMachineArn },
      memorySize: props.memorySize ?? 2048,
      timeout: props.timeout ?? Duration.minutes(10),
      ephemeralStorageSize: props.ephemeralStorageSize ?? Size.gibibytes(2),
      // x86_64 because the layer's native DuckDB binary is (see DuckDbLayer).
      architecture: DuckDbLayer.ARCHITECTURE,
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
    props.stateMachine.grantStartExecution(role);

    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetterQueue',
      'ingest (undeliverable events and failed ingests)',
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
