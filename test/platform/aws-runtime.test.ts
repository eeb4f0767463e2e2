import { CreateTableCommand, GetTableCommand, GlueClient } from '@aws-sdk/client-glue';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { awsRuntime, awsTableSync } from '#platform/aws/runtime.ts';
import { reportLinkAdapters } from '#platform/aws/report-links.ts';
import { ConfigError } from '#platform/errors.ts';
import type { Contract } from '#platform/ports.ts';
import {
  ReportLinkError,
  parseReportLinkPath,
  resolveReportLink,
} from '#platform/report-link-token.ts';

const s3 = mockClient(S3Client);
const glue = mockClient(GlueClient);
const secretsManager = mockClient(SecretsManagerClient);
const scheduler = mockClient(SchedulerClient);
afterEach(() => {
  scheduler.reset();
  s3.reset();
  glue.reset();
  secretsManager.reset();
  vi.useRealTimers();
});

const env = {
  LAKE_BUCKET: 'lake-bucket',
  GLUE_DATABASE: 'serverless_insights',
  ATHENA_WORKGROUP: 'serverless-insights',
};

describe('awsRuntime', () => {
  it('keeps the Glue table and view of GLUE_DATABASE in step when a contract is stored in the lake', async () => {
    const runtime = await awsRuntime(env);
    glue
      .on(GetTableCommand)
      .rejects(Object.assign(new Error('none'), { name: 'EntityNotFoundException' }));
    glue.on(CreateTableCommand).resolves({});
    // No contract of a person's at config/contracts/orders.json.
    s3.on(HeadObjectCommand).rejects(
      Object.assign(new Error('none'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(PutObjectCommand).resolves({ ETag: '"c1"' });
    const contract: Contract = {
      dataset: 'orders',
      version: 1,
      kind: 'events',
      source: 'inferred',
      partition: 'month',
      timeColumn: 'ordered_on',
      columns: [{ name: 'ordered_on', type: 'date', role: 'time', nullable: false }],
    };

    await runtime.catalog.putContract(contract);

    const creates = glue.commandCalls(CreateTableCommand).map((c) => c.args[0].input);
    expect(creates).toMatchObject([
      {
        DatabaseName: 'serverless_insights',
        TableInput: {
          Name: 'orders__files',
          StorageDescriptor: { Location: 's3://lake-bucket/curated/orders/' },
        },
      },
      {
        DatabaseName: 'serverless_insights',
        TableInput: { Name: 'orders', TableType: 'VIRTUAL_VIEW' },
      },
    ]);
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'lake-bucket',
      Key: 'catalog/orders/contract.json',
    });
  });

  it('refuses to start without the Glue database', async () => {
    const rest = { ...env, GLUE_DATABASE: undefined };
    await expect(awsRuntime(rest)).rejects.toThrow(ConfigError);
    await expect(awsRuntime(rest)).rejects.toThrow('GLUE_DATABASE');
  });
});

describe('awsRuntime linkTo (notify)', () => {
  const SECRET = 'x'.repeat(64);
  const NOW = new Date('2026-03-02T06:00:00Z');
  const KEY = 'reports/2026-03-02-schedule/report.html';
  const linkEnv = {
    ...env,
    REPORT_LINK_URL: 'https://abcdefgh.lambda-url.eu-west-1.on.aws/',
    REPORT_LINK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:link-AbCdEf',
  };
  const days = (n: number) => n * 86_400_000;
  /** Why the link's token is refused at `at`, or the key it opens. */
  const check = (link: string, at: Date) => {
    try {
      const { token, file } = parseReportLinkPath(new URL(link).pathname)!;
      return resolveReportLink(token, file, SECRET, at).key;
    } catch (error) {
      return (error as ReportLinkError).reason;
    }
  };

  it("links to the report's path on the link function, with a token for its folder, valid 7 days by default", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    const runtime = await awsRuntime(linkEnv);

    const link = await runtime.linkTo(KEY);

    expect(link).toMatch(
      /^https:\/\/abcdefgh\.lambda-url\.eu-west-1\.on\.aws\/r\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\/report\.html$/,
    );
    expect(link).not.toContain('X-Amz-');
    expect(check(link, new Date(NOW.getTime() + days(7) - 1000))).toBe(KEY);
    expect(check(link, new Date(NOW.getTime() + days(7)))).toBe('expired');
    expect(secretsManager.commandCalls(GetSecretValueCommand)[0]!.args[0].input).toEqual({
      SecretId: linkEnv.REPORT_LINK_SECRET_ARN,
    });
  });

  it('makes links that outlive a presigned URL: REPORT_LINK_DAYS up to 90', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    const runtime = await awsRuntime({ ...linkEnv, REPORT_LINK_DAYS: '90' });

    const link = await runtime.linkTo(KEY);
    await runtime.linkTo('reports/another/report.html');

    expect(check(link, new Date(NOW.getTime() + days(90) - 1000))).toBe(KEY);
    expect(check(link, new Date(NOW.getTime() + days(90)))).toBe('expired');
    // The secret is read once per cold start.
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('refuses a REPORT_LINK_DAYS outside 1-90 or that is no whole number', async () => {
    for (const value of ['0', '91', '7.5', 'seven', ''])
      await expect(awsRuntime({ ...linkEnv, REPORT_LINK_DAYS: value }), value).rejects.toThrow(
        ConfigError,
      );
  });

  it("opens the report's tables with the same link: its relative links resolve to files of its folder", async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    const runtime = await awsRuntime(linkEnv);
    const link = await runtime.linkTo(KEY);
    const table = new URL('tables/kpis.csv', link).href;
    expect(table.startsWith(linkEnv.REPORT_LINK_URL)).toBe(true);
    expect(check(table, NOW)).toBe('reports/2026-03-02-schedule/tables/kpis.csv');
    // A way up leaves the token behind: `/r/other-run/report.html` has no token in it.
    expect(check(new URL('../other-run/report.html', link).href, NOW)).toBe('malformed');
  });

  it('refuses to link anything but a file of a report folder', async () => {
    secretsManager.on(GetSecretValueCommand).resolves({ SecretString: SECRET });
    const runtime = await awsRuntime(linkEnv);
    for (const key of [
      'curated/orders/month=2026-01/a.parquet',
      'reports/latest.json',
      'reports/2026-03-02-schedule/notes.txt',
    ])
      await expect(runtime.linkTo(key), key).rejects.toThrow(ReportLinkError);
  });

  it('says so when a function without the link settings is asked for a link', async () => {
    const runtime = await awsRuntime(env);
    await expect(runtime.linkTo(KEY)).rejects.toThrow(ConfigError);
    await expect(runtime.linkTo(KEY)).rejects.toThrow('REPORT_LINK_URL');
    expect(secretsManager.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('gives ingest a run starter that schedules one run per quiet slot when the stack sets RUN_SCHEDULE_GROUP', async () => {
    const ingestEnv = {
      ...env,
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:report',
      RUN_SCHEDULE_GROUP: 'insights-runs',
      RUN_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/run-scheduler',
      RUN_QUIET_SECONDS: '300',
      RUN_DEAD_LETTER_ARN: 'arn:aws:sqs:eu-west-1:123456789012:ingest-dlq',
    };
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    vi.useFakeTimers({ now: new Date('2026-03-02T06:07:30Z'), toFake: ['Date'] });
    const runtime = await awsRuntime(ingestEnv);
    expect(await runtime.startRun!('ingest-0123456789abcdef-orders')).toBe('run-20260302T060500Z');
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toMatchObject({
      GroupName: 'insights-runs',
      ScheduleExpression: 'at(2026-03-02T06:15:00)',
      Target: { Arn: ingestEnv.STATE_MACHINE_ARN, RoleArn: ingestEnv.RUN_SCHEDULER_ROLE_ARN },
    });
    await expect(awsRuntime({ ...ingestEnv, RUN_QUIET_SECONDS: 'five' })).rejects.toThrow(
      ConfigError,
    );
    await expect(awsRuntime({ ...ingestEnv, RUN_SCHEDULER_ROLE_ARN: '' })).rejects.toThrow(
      /RUN_SCHEDULER_ROLE_ARN is not set/,
    );
  });

  it('hands every AWS client it makes to the instrumentation, as the handlers pass the tracer', async () => {
    const made: string[] = [];
    const instrument = <C>(client: C): C => {
      made.push((client as object).constructor.name);
      return client;
    };
    const full = {
      ...env,
      REPORT_LINK_URL: 'https://links.example.com/',
      REPORT_LINK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:links',
      STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:report',
      RUN_SCHEDULE_GROUP: 'insights-runs',
      RUN_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/run-scheduler',
      RUN_QUIET_SECONDS: '300',
    };
    await awsRuntime(full, instrument);
    awsTableSync(full, instrument);
    reportLinkAdapters(full, instrument);
    expect(made.sort()).toEqual([
      'AthenaClient',
      'GlueClient',
      'GlueClient',
      'S3Client',
      'SESv2Client',
      'SchedulerClient',
      'SecretsManagerClient',
    ]);
  });
});
