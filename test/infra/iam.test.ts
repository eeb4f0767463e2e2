import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildTestApp,
  statementLine,
  templateOf,
  templateStatements,
  type Synth,
} from './synth.ts';

/**
 * Every policy statement of the stack as `cdk synth` builds it (cdk.json's context), reviewed:
 * whose policy, Allow or Deny, [principal], actions on resources, if condition. A statement that
 * appears, changes or goes fails the test below; review it, then change this list in the same
 * commit. References read `<LogicalId.Attribute>` without CDK's hash suffix.
 */
const REVIEWED = [
  // Every function: its own log group, and X-Ray (no resource-level permission).
  ...[
    'ReportLink',
    'Notify',
    'WorkflowPlan',
    'WorkflowAggregate',
    'WorkflowAnalyze',
    'WorkflowAssemble',
    'Ingest',
  ].flatMap((fn) => [
    `trust ${fn}Role: Allow [Service:lambda.amazonaws.com] sts:AssumeRole`,
    `role ${fn}Role: Allow logs:CreateLogStream logs:PutLogEvents on <${fn}Logs.Arn>`,
    `role ${fn}Role: Allow xray:PutTelemetryRecords xray:PutTraceSegments on *`,
  ]),

  // The lake buckets: TLS 1.2 only, and S3 server access logs from the lake bucket only.
  ...['LakeBucket', 'LakeAccessLogs'].flatMap((bucket) => [
    `bucket ${bucket}: Deny [AWS:*] s3:* on <${bucket}.Arn> <${bucket}.Arn>/* if {"Bool":{"aws:SecureTransport":"false"}}`,
    `bucket ${bucket}: Deny [AWS:*] s3:* on <${bucket}.Arn> <${bucket}.Arn>/* if {"NumericLessThan":{"s3:TlsVersion":1.2}}`,
  ]),
  'bucket LakeAccessLogs: Allow [Service:logging.s3.amazonaws.com] s3:PutObject on <LakeAccessLogs.Arn>/lake/* if {"ArnLike":{"aws:SourceArn":"<LakeBucket.Arn>"},"StringEquals":{"aws:SourceAccount":"<AWS::AccountId>"}}',

  // The link function: presigns reads of reports/ with its own role, checks tokens with the key.
  'role ReportLinkRole: Allow s3:GetObject on <LakeBucket.Arn>/reports/*',
  'role ReportLinkRole: Allow secretsmanager:DescribeSecret secretsmanager:GetSecretValue on <ReportLinkSigningKey>',
  // Public on purpose: a browser opens the link; the signed token is the authentication.
  'function ReportLinkFunction: Allow [*] lambda:InvokeFunctionUrl on <ReportLinkFunction.Arn> if {"FunctionUrlAuthType":"NONE"}',
  'function ReportLinkFunction: Allow [*] lambda:InvokeFunction on <ReportLinkFunction.Arn> if {"InvokedViaFunctionUrl":true}',

  // Notify: signs links, reads the recipients, sends only as MAIL_FROM, and writes the run
  // record runs/<run>/outcome.json (functions/workflow/notify.ts).
  'role NotifyRole: Allow s3:AbortMultipartUpload s3:PutObject on <LakeBucket.Arn>/runs/*',
  'role NotifyRole: Allow s3:GetBucketLocation s3:ListBucket on <LakeBucket.Arn>',
  'role NotifyRole: Allow secretsmanager:DescribeSecret secretsmanager:GetSecretValue on <ReportLinkSigningKey>',
  'role NotifyRole: Allow ssm:DescribeParameters ssm:GetParameter ssm:GetParameterHistory ssm:GetParameters on arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter<NotifyRecipients>',
  'role NotifyRole: Allow ses:SendEmail ses:SendRawEmail on arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/example.com arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/reports@example.com if {"StringEquals":{"ses:FromAddress":"reports@example.com"}}',

  // Plan: contracts, manifests; writes the run's plan.
  'role WorkflowPlanRole: Allow s3:GetBucketLocation s3:ListBucket on <LakeBucket.Arn>',
  'role WorkflowPlanRole: Allow s3:GetObject s3:GetObjectVersion on <LakeBucket.Arn>/catalog/* <LakeBucket.Arn>/config/* <LakeBucket.Arn>/manifests/*',
  'role WorkflowPlanRole: Allow s3:AbortMultipartUpload s3:PutObject on <LakeBucket.Arn>/runs/*',

  // Aggregate and Analyze: Athena in the stack's workgroup over its database, results under athena-results/.
  ...['WorkflowAggregateRole', 'WorkflowAnalyzeRole'].flatMap((role) => [
    `role ${role}: Allow athena:GetQueryExecution athena:GetQueryResults athena:StartQueryExecution athena:StopQueryExecution on arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:workgroup/serverless-insights`,
    `role ${role}: Allow glue:BatchGetPartition glue:GetDatabase glue:GetPartition glue:GetPartitions glue:GetTable glue:GetTables on arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:catalog arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:database/serverless_insights arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/serverless_insights/*`,
    `role ${role}: Allow s3:GetBucketLocation s3:ListBucket s3:ListBucketMultipartUploads on <LakeBucket.Arn>`,
    `role ${role}: Allow s3:AbortMultipartUpload s3:ListMultipartUploadParts s3:PutObject on <LakeBucket.Arn>/athena-results/*`,
    `role ${role}: Allow s3:GetObject s3:GetObjectVersion on <LakeBucket.Arn>/athena-results/* <LakeBucket.Arn>/curated/* <LakeBucket.Arn>/runs/*`,
    `role ${role}: Allow s3:AbortMultipartUpload s3:PutObject on <LakeBucket.Arn>/runs/*`,
  ]),

  // Assemble: the run's results and the quarantine samples in, the report out.
  'role WorkflowAssembleRole: Allow s3:GetBucketLocation s3:ListBucket on <LakeBucket.Arn>',
  'role WorkflowAssembleRole: Allow s3:GetObject s3:GetObjectVersion on <LakeBucket.Arn>/quarantine/* <LakeBucket.Arn>/runs/*',
  // Staged under runs/<run>/report/, then copied into reports/ (functions/workflow/publish.ts).
  'role WorkflowAssembleRole: Allow s3:AbortMultipartUpload s3:PutObject on <LakeBucket.Arn>/reports/* <LakeBucket.Arn>/runs/*',

  // Ingest: reads incoming/ (never writes or deletes it), replaces what an older version of a
  // file wrote, keeps the Glue tables in step, starts a run, parks failures in its queue.
  'role IngestRole: Allow s3:GetBucketLocation s3:ListBucket on <LakeBucket.Arn>',
  'role IngestRole: Allow s3:GetObject s3:GetObjectVersion on <LakeBucket.Arn>/catalog/* <LakeBucket.Arn>/config/* <LakeBucket.Arn>/incoming/* <LakeBucket.Arn>/manifests/*',
  'role IngestRole: Allow s3:AbortMultipartUpload s3:PutObject on <LakeBucket.Arn>/catalog/* <LakeBucket.Arn>/curated/* <LakeBucket.Arn>/manifests/* <LakeBucket.Arn>/quarantine/*',
  'role IngestRole: Allow s3:DeleteObject on <LakeBucket.Arn>/curated/* <LakeBucket.Arn>/manifests/* <LakeBucket.Arn>/quarantine/*',
  'role IngestRole: Allow glue:CreateTable glue:GetTable glue:UpdateTable on arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:catalog arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:database/serverless_insights arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/serverless_insights/*',
  // Ingest schedules one run per burst of uploads (a one-time schedule in its own group) and
  // passes the scheduler role to Scheduler only; it starts no execution itself.
  'role IngestRole: Allow scheduler:CreateSchedule on arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/ServerlessInsights-Ingest-RunSchedules-676B6BA7/*',
  'role IngestRole: Allow iam:PassRole on <IngestRunSchedulerRole.Arn> if {"StringEquals":{"iam:PassedToService":"scheduler.amazonaws.com"}}',
  // The role those schedules run with, assumable by Scheduler for this group's schedules only:
  // start the report run, park a start that failed in ingest's dead-letter queue.
  'trust IngestRunSchedulerRole: Allow [Service:scheduler.amazonaws.com] sts:AssumeRole if {"StringEquals":{"aws:SourceAccount":"<AWS::AccountId>","aws:SourceArn":"<IngestRunSchedules.Arn>"}}',
  'role IngestRunSchedulerRole: Allow states:StartExecution on <WorkflowStateMachine>',
  'role IngestRunSchedulerRole: Allow sqs:SendMessage on <IngestDeadLetterQueue.Arn>',
  'role IngestRole: Allow sqs:GetQueueAttributes sqs:GetQueueUrl sqs:SendMessage on <IngestDeadLetterQueue.Arn>',
  'function IngestFunction: Allow [events.amazonaws.com] lambda:InvokeFunction on <IngestFunction.Arn> if {"SourceArn":"<IngestFileLanded.Arn>"}',

  // The dead-letter queues: TLS only; the ingest rule may park an undeliverable event.
  'queue IngestDeadLetterQueue: Deny [AWS:*] sqs:* on <IngestDeadLetterQueue.Arn> if {"Bool":{"aws:SecureTransport":"false"}}',
  'queue IngestDeadLetterQueue: Allow [Service:events.amazonaws.com] sqs:SendMessage on <IngestDeadLetterQueue.Arn> if {"ArnEquals":{"aws:SourceArn":"<IngestFileLanded.Arn>"}}',
  'queue ScheduleDeadLetterQueue: Deny [AWS:*] sqs:* on <ScheduleDeadLetterQueue.Arn> if {"Bool":{"aws:SecureTransport":"false"}}',

  // The alert topic the alarms publish to: TLS only.
  'AWS::SNS::TopicPolicy AlertsTopicPolicy: Deny [*] sns:Publish on <AlertsTopic> if {"Bool":{"aws:SecureTransport":"false"}}',

  // The state machine: execution logging and tracing (no resource-level permission: see
  // stack.test.ts), and exactly the five functions of the definition.
  'trust WorkflowStateMachineRole: Allow [Service:states.amazonaws.com] sts:AssumeRole if {"ArnLike":{"aws:SourceArn":"arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:*"},"StringEquals":{"aws:SourceAccount":"<AWS::AccountId>"}}',
  'role WorkflowStateMachineRole: Allow logs:CreateLogDelivery logs:DeleteLogDelivery logs:DescribeLogGroups logs:DescribeResourcePolicies logs:GetLogDelivery logs:ListLogDeliveries logs:PutResourcePolicy logs:UpdateLogDelivery xray:GetSamplingRules xray:GetSamplingTargets xray:PutTelemetryRecords xray:PutTraceSegments on *',
  'role WorkflowStateMachineRole: Allow lambda:InvokeFunction on <NotifyFunction.Arn> <WorkflowAggregateFunction.Arn> <WorkflowAnalyzeFunction.Arn> <WorkflowAssembleFunction.Arn> <WorkflowPlanFunction.Arn>',

  // EventBridge Scheduler (the role aws-scheduler-targets makes): start a run, park a failed start.
  'trust SchedulerRoleForTarget9b648f: Allow [Service:scheduler.amazonaws.com] sts:AssumeRole if {"StringEquals":{"aws:SourceAccount":"<AWS::AccountId>","aws:SourceArn":"arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule-group/default"}}',
  'role SchedulerRoleForTarget9b648f: Allow states:StartExecution on <WorkflowStateMachine>',
  'role SchedulerRoleForTarget9b648f: Allow sqs:SendMessage on <ScheduleDeadLetterQueue.Arn>',
];

let synth: Synth;
let template: Template;

beforeAll(() => {
  synth = buildTestApp();
  template = templateOf(synth);
});
afterAll(() => synth.cleanup());

describe('every IAM statement of the template', () => {
  it('is one the reviewed list holds, and the list holds nothing else', () => {
    const actual = templateStatements(template).map(statementLine).sort();
    const reviewed = [...REVIEWED].sort();
    expect(
      {
        unreviewed: actual.filter((line) => !reviewed.includes(line)),
        gone: reviewed.filter((line) => !actual.includes(line)),
      },
      'A policy statement appeared, changed or went: review it, then update REVIEWED in test/infra/iam.test.ts',
    ).toEqual({ unreviewed: [], gone: [] });
    // Each statement once: the same line twice would be a duplicated grant.
    expect(actual).toEqual(reviewed);
  });

  it('comes from every policy document the template holds, wherever it sits', () => {
    // Any { Statement: [...] } in any resource, counted independently of templateStatements.
    const count = (value: unknown): number => {
      if (Array.isArray(value)) return value.reduce((n: number, v) => n + count(v), 0);
      if (!value || typeof value !== 'object') return 0;
      const statements = (value as { Statement?: unknown }).Statement;
      if (Array.isArray(statements)) return statements.length;
      return Object.values(value).reduce((n: number, v) => n + count(v), 0);
    };
    const resources = Object.values(
      template.toJSON().Resources as Record<string, { Type: string; Properties?: unknown }>,
    );
    const inDocuments = resources.reduce((n, r) => n + count(r.Properties), 0);
    const permissions = resources.filter((r) => r.Type === 'AWS::Lambda::Permission').length;
    const managed = resources.flatMap(
      (r) =>
        (r.Properties as { ManagedPolicyArns?: unknown[] } | undefined)?.ManagedPolicyArns ?? [],
    ).length;
    expect(templateStatements(template)).toHaveLength(inDocuments + permissions + managed);
    expect(managed).toBe(0);
  });
});
