import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InsightsFunction } from '../../infra/constructs/insights-function.ts';
import {
  buildTestApp,
  functionsOf,
  logicalId,
  resourcesFor,
  statementLine,
  statementsOf,
  templateOf,
  templateStatements,
  type Synth,
} from './synth.ts';

/**
 * The actions the stack allows on "*", and why it needs each: X-Ray and the log-delivery calls
 * of Step Functions execution logging, which take no resource-level permission (the X-Ray and
 * Step Functions guides grant them on "*"). The last three are CDK's default grants for a
 * logging state machine; CloudWatch Logs' own guide scopes them to the account
 * (`arn:aws:logs:<region>:<account>:*`), a narrowing to make once a deploy can prove it works.
 */
const NO_RESOURCE_LEVEL: Record<string, string> = {
  'xray:PutTraceSegments': 'active tracing of the functions and the state machine',
  'xray:PutTelemetryRecords': 'active tracing of the functions and the state machine',
  'xray:GetSamplingRules': 'state machine tracing',
  'xray:GetSamplingTargets': 'state machine tracing',
  'logs:CreateLogDelivery': 'state machine execution logging (a vended log delivery)',
  'logs:GetLogDelivery': 'state machine execution logging',
  'logs:UpdateLogDelivery': 'state machine execution logging',
  'logs:DeleteLogDelivery': 'state machine execution logging',
  'logs:ListLogDeliveries': 'state machine execution logging',
  'logs:PutResourcePolicy': 'state machine execution logging (CDK default grant)',
  'logs:DescribeResourcePolicies': 'state machine execution logging (CDK default grant)',
  'logs:DescribeLogGroups': 'state machine execution logging (CDK default grant)',
};

// Non-default settings, so each assertion also proves the context reaches the resource.
const CONTEXT = {
  'insights:schedule': 'cron(30 7 ? * MON-FRI *)',
  'insights:scheduleTimeZone': 'Europe/Paris',
  'insights:recipients': ['ops@example.com', 'ceo@example.com'],
  'insights:mailFrom': 'insights@reports.example.org',
  'insights:bytesScannedCutoffPerQuery': 20 * 1024 ** 3,
  'insights:reportLinkDays': 3,
  'insights:logLevel': 'DEBUG',
  'insights:logRetentionDays': 14,
  'insights:runQuietMinutes': 10,
};

let synth: Synth;
let template: Template;
let lake: string;
const ref = (id: string) => ({ Ref: id });
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

beforeAll(() => {
  synth = buildTestApp({ context: CONTEXT });
  template = templateOf(synth);
  lake = logicalId(synth, synth.stack.lake.bucket);
});
afterAll(() => synth.cleanup());

const allFunctions = () => functionsOf(synth);
const roleOf = (fn: InsightsFunction) => logicalId(synth, fn.role);
const objects = (...prefixes: string[]) => prefixes.map((p) => `<${lake}.Arn>/${p}/*`).sort();

describe('lake storage', () => {
  it('is encrypted, private, versioned, logged, and emits EventBridge events', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: {
          DestinationBucketName: ref(logicalId(synth, synth.stack.lake.logsBucket)),
        },
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
        LifecycleConfiguration: {
          Rules: Match.arrayWith([
            Match.objectLike({ Prefix: 'athena-results/', ExpirationInDays: 7, Status: 'Enabled' }),
          ]),
        },
      },
    });
    // The native setting, not CDK's notification custom resource and its extra Lambda.
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  it('refuses plain HTTP on both buckets', () => {
    for (const bucket of [synth.stack.lake.bucket, synth.stack.lake.logsBucket]) {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: ref(logicalId(synth, bucket)),
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('has a Glue database and an Athena workgroup that enforces its scan limit and result encryption', () => {
    const env = synth.stack.functionEnvironment;
    template.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: { Name: env['GLUE_DATABASE'] },
    });
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: env['ATHENA_WORKGROUP'],
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 20 * 1024 ** 3,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', ref(lake), '/athena-results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
      },
    });
  });
});

describe('functions', () => {
  it('are the seven handlers, on the latest Node runtime, traced, with their own log group', () => {
    template.resourceCountIs('AWS::Lambda::Function', 7);
    for (const [name, fn] of allFunctions()) {
      expect(fn.entry.endsWith(`functions/handlers/${name}.ts`)).toBe(true);
      template.hasResourceProperties('AWS::Lambda::Function', {
        Role: arnOf(roleOf(fn)),
        Runtime: 'nodejs24.x',
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: ref(logicalId(synth, fn.logGroup)) },
      });
      expect(
        template.toJSON().Resources[logicalId(synth, fn.logGroup)].Properties.RetentionInDays,
      ).toBe(14);
    }
  });

  it('log to groups that keep the configured retention and go with the stack, as does the state machine', () => {
    const groups = template.findResources('AWS::Logs::LogGroup');
    // One per function, and the state machine's execution history.
    expect(Object.keys(groups).sort()).toEqual(
      [
        ...allFunctions().map(([, fn]) => logicalId(synth, fn.logGroup)),
        logicalId(synth, synth.stack.workflow.logGroup),
      ].sort(),
    );
    for (const [id, group] of Object.entries(groups)) {
      expect(group.Properties.RetentionInDays, id).toBe(14);
      expect(group.DeletionPolicy, id).toBe('Delete');
      expect(group.Properties.KmsKeyId, id).toBeUndefined();
    }
  });

  it('get the environment contract: the lake for all, mail and link settings for notify, run scheduling for ingest', () => {
    const powertools = {
      POWERTOOLS_SERVICE_NAME: 'serverless-insights',
      // The handlers' business metrics (EMF through their logs): one namespace per stack.
      POWERTOOLS_METRICS_NAMESPACE: 'ServerlessInsights',
      LOG_LEVEL: 'DEBUG',
      NODE_OPTIONS: '--enable-source-maps',
    };
    const everyone = {
      LAKE_BUCKET: ref(lake),
      GLUE_DATABASE: 'serverless_insights',
      ATHENA_WORKGROUP: 'serverless-insights',
      ...powertools,
    };
    const secret = ref(logicalId(synth, synth.stack.reportLink.secret));
    const expected: Record<string, Record<string, unknown>> = {
      ingest: {
        ...everyone,
        STATE_MACHINE_ARN: ref(logicalId(synth, synth.stack.workflow.stateMachine)),
        RUN_SCHEDULE_GROUP: synth.stack.resolve(synth.stack.ingest.runSchedules.scheduleGroupName),
        RUN_SCHEDULER_ROLE_ARN: arnOf(logicalId(synth, synth.stack.ingest.runSchedulerRole)),
        // insights:runQuietMinutes 10.
        RUN_QUIET_SECONDS: '600',
        RUN_DEAD_LETTER_ARN: arnOf(logicalId(synth, synth.stack.ingest.deadLetterQueue)),
      },
      notify: {
        ...everyone,
        RECIPIENTS_PARAMETER: ref(logicalId(synth, synth.stack.notify.recipientsParameter)),
        MAIL_FROM: 'insights@reports.example.org',
        REPORT_LINK_DAYS: '3',
        REPORT_LINK_URL: {
          'Fn::GetAtt': [logicalId(synth, synth.stack.reportLink.url), 'FunctionUrl'],
        },
        REPORT_LINK_SECRET_ARN: secret,
      },
      // The link function presigns report reads: no Glue, no Athena.
      'report-link': { LAKE_BUCKET: ref(lake), ...powertools, REPORT_LINK_SECRET_ARN: secret },
    };
    for (const [name, fn] of allFunctions()) {
      const variables =
        template.toJSON().Resources[logicalId(synth, fn.function)].Properties.Environment.Variables;
      // Exactly: a variable a function does not need can change what its runtime does at start.
      expect(variables, name).toEqual(expected[name] ?? everyone);
    }
    template.hasResourceProperties('AWS::SSM::Parameter', {
      Name: '/ServerlessInsights/recipients',
      Type: 'String',
      Value: 'ops@example.com,ceo@example.com',
    });
  });

  it('load DuckDB from the layer only in ingest, which is x86_64 to match it', () => {
    const ingest =
      template.toJSON().Resources[logicalId(synth, synth.stack.ingest.function.function)]
        .Properties;
    expect(ingest.Architectures).toEqual(['x86_64']);
    expect(ingest.Layers).toEqual([ref(logicalId(synth, synth.stack.ingest.duckDb.layer))]);
    template.hasResourceProperties('AWS::Lambda::LayerVersion', {
      CompatibleArchitectures: ['x86_64'],
      CompatibleRuntimes: ['nodejs24.x'],
    });
    for (const [name, fn] of allFunctions().filter(([n]) => n !== 'ingest')) {
      const props = template.toJSON().Resources[logicalId(synth, fn.function)].Properties;
      expect(props.Layers, name).toBeUndefined();
      expect(props.Architectures, name).toEqual(['arm64']);
    }
  });

  it('have roles without managed policies', () => {
    for (const [, fn] of allFunctions()) {
      const role = template.toJSON().Resources[roleOf(fn)].Properties;
      expect(role.ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('least privilege', () => {
  it('uses "*" only where AWS offers no resource-level permission (X-Ray, log delivery), and no wildcard action', () => {
    // Every Allow of every policy in the template (roles, trust, buckets, queues, Lambda permissions).
    const allows = templateStatements(template).filter((s) => s.effect === 'Allow');
    expect(allows.length).toBeGreaterThan(50);
    for (const s of allows) {
      const line = statementLine(s);
      for (const action of s.actions) expect(action, line).not.toContain('*');
      // No resource that ends in a bare ":*" (every resource of a service in the account).
      for (const resource of s.resources) expect(resource, line).not.toMatch(/:\*$/);
      if (s.resources.includes('*'))
        for (const action of s.actions)
          expect(Object.keys(NO_RESOURCE_LEVEL), line).toContain(action);
    }
    // Every entry is still needed: an action the stack no longer has leaves the list.
    const starred = allows.filter((s) => s.resources.includes('*')).flatMap((s) => s.actions);
    expect(Object.keys(NO_RESOURCE_LEVEL).filter((a) => !starred.includes(a))).toEqual([]);
  });

  it('lets anyone in only through the link function URL, whose signed token is the authentication', () => {
    const open = templateStatements(template).filter(
      (s) => s.effect === 'Allow' && (s.principal ?? '').split(' ').some((p) => /(^|:)\*$/.test(p)),
    );
    expect(open.map(statementLine).sort()).toEqual([
      'function ReportLinkFunction: Allow [*] lambda:InvokeFunction on <ReportLinkFunction.Arn> if {"InvokedViaFunctionUrl":true}',
      'function ReportLinkFunction: Allow [*] lambda:InvokeFunctionUrl on <ReportLinkFunction.Arn> if {"FunctionUrlAuthType":"NONE"}',
    ]);
  });

  it('lets only ingest delete objects, and nobody write to incoming/ or config/', () => {
    for (const [name, fn] of allFunctions()) {
      if (name !== 'ingest')
        expect(resourcesFor(template, roleOf(fn), 's3:DeleteObject'), name).toEqual([]);
      for (const prefix of ['incoming', 'config'])
        expect(resourcesFor(template, roleOf(fn), 's3:PutObject'), name).not.toContain(
          objects(prefix)[0],
        );
    }
  });

  it('ingest reads incoming/ and config/ and writes curated/, quarantine/, manifests/, catalog/, and schedules runs', () => {
    const role = roleOf(synth.stack.ingest.function);
    expect(resourcesFor(template, role, 's3:PutObject')).toEqual(
      objects('catalog', 'curated', 'manifests', 'quarantine'),
    );
    expect(resourcesFor(template, role, 's3:GetObject')).toEqual(
      objects('catalog', 'config', 'incoming', 'manifests'),
    );
    // A new version of a file replaces what the old one wrote.
    expect(resourcesFor(template, role, 's3:DeleteObject')).toEqual(
      objects('curated', 'manifests', 'quarantine'),
    );
    // Runs start through a one-time schedule (one per burst of uploads), never directly.
    expect(resourcesFor(template, role, 'states:StartExecution')).toEqual([]);
    const group = synth.stack.resolve(synth.stack.ingest.runSchedules.scheduleGroupName) as string;
    expect(resourcesFor(template, role, 'scheduler:CreateSchedule')).toEqual([
      `arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${group}/*`,
    ]);
    for (const action of ['scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'])
      expect(resourcesFor(template, role, action), action).toEqual([]);
    const schedulerRole = logicalId(synth, synth.stack.ingest.runSchedulerRole);
    expect(statementsOf(template, role).filter((s) => s.actions.includes('iam:PassRole'))).toEqual([
      {
        actions: ['iam:PassRole'],
        resources: [`<${schedulerRole}.Arn>`],
        condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
    expect(resourcesFor(template, role, 'athena:StartQueryExecution')).toEqual([]);
  });

  it('ingest reads, creates and updates the Glue tables of the lake database only, and deletes none', () => {
    const role = roleOf(synth.stack.ingest.function);
    const glue = 'arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>';
    for (const action of ['glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable']) {
      expect(resourcesFor(template, role, action), action).toEqual([
        `${glue}:catalog`,
        `${glue}:database/serverless_insights`,
        `${glue}:table/serverless_insights/*`,
      ]);
    }
    const glueActions = statementsOf(template, role)
      .flatMap((s) => s.actions)
      .filter((a) => a.startsWith('glue:'));
    expect(glueActions.sort()).toEqual(['glue:CreateTable', 'glue:GetTable', 'glue:UpdateTable']);
  });

  it('lets no function but ingest create or change a Glue table', () => {
    for (const [name, fn] of allFunctions().filter(([n]) => n !== 'ingest')) {
      for (const action of ['glue:CreateTable', 'glue:UpdateTable', 'glue:DeleteTable'])
        expect(resourcesFor(template, roleOf(fn), action), `${name} ${action}`).toEqual([]);
    }
  });

  it('plan reads catalog/, config/ and manifests/ and writes runs/ only', () => {
    const role = roleOf(synth.stack.workflow.functions.plan);
    expect(resourcesFor(template, role, 's3:GetObject')).toEqual(
      objects('catalog', 'config', 'manifests'),
    );
    expect(resourcesFor(template, role, 's3:PutObject')).toEqual(objects('runs'));
    expect(resourcesFor(template, role, 'athena:StartQueryExecution')).toEqual([]);
  });

  it('aggregate and analyze query Athena in the workgroup over the database tables', () => {
    for (const fn of [
      synth.stack.workflow.functions.aggregate,
      synth.stack.workflow.functions.analyze,
    ]) {
      const role = roleOf(fn);
      for (const action of [
        'StartQueryExecution',
        'GetQueryExecution',
        'GetQueryResults',
        'StopQueryExecution',
      ]) {
        expect(resourcesFor(template, role, `athena:${action}`)).toEqual([
          'arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:workgroup/serverless-insights',
        ]);
      }
      expect(resourcesFor(template, role, 'glue:GetTable')).toContain(
        'arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/serverless_insights/*',
      );
      expect(resourcesFor(template, role, 'glue:CreateTable')).toEqual([]);
      expect(resourcesFor(template, role, 's3:GetObject')).toEqual(
        objects('athena-results', 'curated', 'runs'),
      );
      expect(resourcesFor(template, role, 's3:PutObject')).toEqual(
        objects('athena-results', 'runs'),
      );
    }
  });

  it('assemble reads runs/ and quarantine/, stages the report in runs/ and publishes it to reports/', () => {
    const role = roleOf(synth.stack.workflow.functions.assemble);
    expect(resourcesFor(template, role, 's3:GetObject')).toEqual(objects('quarantine', 'runs'));
    expect(resourcesFor(template, role, 's3:PutObject')).toEqual(objects('reports', 'runs'));
  });

  it('notify reads the link signing key and the recipients, no lake object, writes only the run record, and sends only as MAIL_FROM through its address or domain identity', () => {
    const role = roleOf(synth.stack.notify.function);
    // It signs links; the link function reads the report when a link is opened.
    expect(resourcesFor(template, role, 's3:GetObject')).toEqual([]);
    // runs/<run>/outcome.json: how the run ended.
    expect(resourcesFor(template, role, 's3:PutObject')).toEqual(objects('runs'));
    expect(resourcesFor(template, role, 'secretsmanager:GetSecretValue')).toEqual([
      `<${logicalId(synth, synth.stack.reportLink.secret)}>`,
    ]);
    expect(resourcesFor(template, role, 'ssm:GetParameter')).toEqual([
      `arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter<${logicalId(synth, synth.stack.notify.recipientsParameter)}>`,
    ]);
    const ses = statementsOf(template, role).filter((s) => s.actions.includes('ses:SendEmail'));
    expect(ses).toEqual([
      {
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [
          'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/insights@reports.example.org',
          'arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/reports.example.org',
        ],
        condition: { StringEquals: { 'ses:FromAddress': 'insights@reports.example.org' } },
      },
    ]);
  });

  it('the link function reads reports/ objects and its signing key, and nothing else', () => {
    const role = roleOf(synth.stack.reportLink.function);
    const actions = statementsOf(template, role)
      .flatMap((s) => s.actions)
      .filter((a) => !/^(logs|xray):/.test(a))
      .sort();
    // No s3:ListBucket either: it never lists, it presigns one key.
    expect(actions).toEqual([
      's3:GetObject',
      'secretsmanager:DescribeSecret',
      'secretsmanager:GetSecretValue',
    ]);
    expect(resourcesFor(template, role, 's3:GetObject')).toEqual(objects('reports'));
    expect(resourcesFor(template, role, 'secretsmanager:GetSecretValue')).toEqual([
      `<${logicalId(synth, synth.stack.reportLink.secret)}>`,
    ]);
  });

  it('lets only notify and the link function read the link signing key', () => {
    for (const [name, fn] of allFunctions().filter(([n]) => n !== 'notify' && n !== 'report-link'))
      expect(resourcesFor(template, roleOf(fn), 'secretsmanager:GetSecretValue'), name).toEqual([]);
  });
});

describe('report links', () => {
  it('are opened through a public Function URL of the link function (the signed token is the auth)', () => {
    const fn = arnOf(logicalId(synth, synth.stack.reportLink.function.function));
    template.resourceCountIs('AWS::Lambda::Url', 1);
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE', TargetFunctionArn: fn });
    // Public invocation only through the URL: InvokeFunction is limited to URL invocations.
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: fn,
      FunctionUrlAuthType: 'NONE',
      Principal: '*',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: fn,
      InvokedViaFunctionUrl: true,
      Principal: '*',
    });
    const publicPermissions = Object.values(
      template.findResources('AWS::Lambda::Permission', { Properties: { Principal: '*' } }),
    );
    expect(publicPermissions).toHaveLength(2);
  });

  it('are signed with a key CloudFormation generates, never written in the template', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true, IncludeSpace: false },
      SecretString: Match.absent(),
    });
  });
});

describe('triggers', () => {
  it('routes objects created under incoming/ to ingest, with retries and an encrypted dead-letter queue', () => {
    const dlq = logicalId(synth, synth.stack.ingest.deadLetterQueue);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: {
          bucket: { name: [ref(lake)] },
          // Not empty "folder" objects: only files.
          object: { key: [{ prefix: 'incoming/' }], size: [{ numeric: ['>', 0] }] },
        },
      },
      Targets: [
        Match.objectLike({
          Arn: arnOf(logicalId(synth, synth.stack.ingest.function.function)),
          DeadLetterConfig: { Arn: arnOf(dlq) },
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 21600 },
        }),
      ],
    });
    // Only this rule may invoke ingest (besides its own async retries).
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: arnOf(logicalId(synth, synth.stack.ingest.function.function)),
      Principal: 'events.amazonaws.com',
      SourceArn: arnOf(logicalId(synth, synth.stack.ingest.rule)),
    });
    // One ingest at a time: no two first files of a dataset infer two contracts.
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      Layers: Match.anyValue(),
      ReservedConcurrentExecutions: 1,
    });
    // EventBridge invokes asynchronously: an ingest that keeps failing lands in the same queue.
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      DestinationConfig: { OnFailure: { Destination: arnOf(dlq) } },
      MaximumRetryAttempts: 2,
    });
  });

  it('starts one run per burst of uploads through a one-time schedule in its own group, with a role that only starts the run', () => {
    const group = logicalId(synth, synth.stack.ingest.runSchedules);
    const role = logicalId(synth, synth.stack.ingest.runSchedulerRole);
    template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', {
      Name: synth.stack.resolve(synth.stack.ingest.runSchedules.scheduleGroupName),
    });
    // Scheduler may assume the role for this group's schedules, in this account, only.
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: 'sts:AssumeRole',
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': ref('AWS::AccountId'),
                'aws:SourceArn': arnOf(group),
              },
            },
          },
        ],
      },
    });
    expect(resourcesFor(template, role, 'states:StartExecution')).toEqual([
      `<${logicalId(synth, synth.stack.workflow.stateMachine)}>`,
    ]);
    expect(resourcesFor(template, role, 'sqs:SendMessage')).toEqual([
      `<${logicalId(synth, synth.stack.ingest.deadLetterQueue)}.Arn>`,
    ]);
    expect(statementsOf(template, role)).toHaveLength(2);
  });

  it('keeps dead-letter queues encrypted and TLS-only', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    for (const queue of [
      synth.stack.ingest.deadLetterQueue,
      synth.stack.schedule.deadLetterQueue,
    ]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(logicalId(synth, queue))],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('starts a report run on the configured schedule with {"trigger":"schedule"}', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 7 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      State: 'ENABLED',
      Target: {
        Arn: ref(logicalId(synth, synth.stack.workflow.stateMachine)),
        Input: JSON.stringify({ trigger: 'schedule' }),
        DeadLetterConfig: { Arn: arnOf(logicalId(synth, synth.stack.schedule.deadLetterQueue)) },
        RetryPolicy: { MaximumRetryAttempts: 3 },
      },
    });
  });
});

describe('alarms', () => {
  it('go off on a failed run and on anything parked in a dead-letter queue', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    const onceInFiveMinutes = {
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
      EvaluationPeriods: 1,
      Period: 300,
      TreatMissingData: 'notBreaching',
    };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ...onceInFiveMinutes,
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Statistic: 'Sum',
      Dimensions: [
        {
          Name: 'StateMachineArn',
          Value: ref(logicalId(synth, synth.stack.workflow.stateMachine)),
        },
      ],
    });
    for (const queue of [
      synth.stack.ingest.deadLetterQueue,
      synth.stack.schedule.deadLetterQueue,
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        ...onceInFiveMinutes,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(synth, queue), 'QueueName'] } },
        ],
      });
    }
  });

  it('tell the recipients through a TLS-only topic, each subscribed by email', () => {
    const topic = logicalId(synth, synth.stack.alerts.topic);
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm')))
      expect(alarm['Properties']['AlarmActions']).toEqual([ref(topic)]);
    template.resourceCountIs('AWS::SNS::Subscription', 2);
    for (const email of ['ops@example.com', 'ceo@example.com'])
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: email,
        TopicArn: ref(topic),
      });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [ref(topic)],
      PolicyDocument: {
        Statement: [
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ],
      },
    });
  });
});

it('outputs the bucket name and the state machine ARN', () => {
  template.hasOutput('LakeBucketName', { Value: ref(lake) });
  template.hasOutput('StateMachineArn', {
    Value: ref(logicalId(synth, synth.stack.workflow.stateMachine)),
  });
});
