/**
 * Secure defaults, written once: every bucket, queue and log group in the stack comes from here.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  type BucketProps,
} from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';

/**
 * A private, encrypted, versioned, TLS-only bucket. SSE-S3 rather than KMS: S3 server access
 * logs can only be delivered to SSE-S3 buckets, Athena and Lambda need no key grants, and
 * nothing in the lake calls for a customer-managed key yet.
 */
export function secureBucket(scope: Construct, id: string, props: BucketProps = {}): Bucket {
  return new Bucket(scope, id, {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    // The data outlives the stack: deleting the stack leaves the buckets and their objects.
    removalPolicy: RemovalPolicy.RETAIN,
    ...props,
  });
}

/**
 * A dead-letter queue: SQS-managed encryption (EventBridge and Scheduler can deliver to it
 * without a key policy), TLS only, 14 days to look at what failed, and an alarm as soon as
 * anything lands in it.
 */
export function deadLetterQueue(scope: Construct, id: string, what: string): Queue {
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  acknowledge(
    queue,
    'SQS3',
    `This queue is itself the dead-letter queue for ${what}; a queue behind it would only move the problem.`,
  );
  queue
    .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) })
    .createAlarm(scope, `${id}Alarm`, {
      alarmDescription: `Something failed and was parked in the dead-letter queue for ${what}.`,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  return queue;
}

/**
 * A log group with a retention. Logs go with the stack: they are operational, time-limited
 * by retention anyway, and a retained named group would block a redeploy of the same stack.
 */
export function logGroup(
  scope: Construct,
  id: string,
  retention: RetentionDays,
  logGroupName?: string,
): LogGroup {
  return new LogGroup(scope, id, { retention, removalPolicy: RemovalPolicy.DESTROY, logGroupName });
}
