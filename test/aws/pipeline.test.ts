import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
} from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import type {
  APIGatewayProxyStructuredResultV2,
  Context,
  LambdaFunctionURLEvent,
} from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runReportWorkflow, type WorkflowResult } from '#cli/local-workflow.ts';
import { writeDemo, type DemoManifest } from '#demo/generate.ts';
import { awsIngestDeps } from '#handlers/aws-deps.ts';
import * as ingest from '#handlers/ingest.ts';
import * as reportLink from '#handlers/report-link.ts';
import { glueTableInput } from '#platform/aws/glue-table.ts';
import { decodePrestoView, glueViewInput } from '#platform/aws/glue-view.ts';
import { reportLinkAdapters } from '#platform/aws/report-links.ts';
import { awsRuntime } from '#platform/aws/runtime.ts';
import type { Manifest } from '#platform/ports.ts';
import type { Runtime } from '#platform/runtime.ts';
import { systemClock } from '#platform/runtime.ts';
import { UNIT_PRICES } from '#report/cost.ts';
import { validateReport } from '#report/report-schema.ts';
import { customerFindings, type ReportModel } from '#report/model.ts';
import { FakeAthena, TRANSLATIONS } from '../helpers/fake-athena.ts';
import {
  FakeGlue,
  FakeScheduler,
  FakeSes,
  FakeStepFunctions,
  fakeParameters,
  fakeSecrets,
} from '../helpers/fake-aws-services.ts';
import { runDemoPipeline } from '../helpers/demo-run.ts';
import { FakeS3Bucket } from '../helpers/fake-s3.ts';

/**
 * Issue 7's acceptance: the deployed state machine JSON, run in-process, with every task
 * bound to the Lambda handler it runs in AWS, built on the AWS runtime (S3, Glue, Athena,
 * SFN, SES, SSM, Secrets Manager), whose clients answer from in-memory fakes. From the S3
 * events of the demo files to the emailed link, and the link opened.
 */

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const BUCKET = `serverless-insights-lake-${ACCOUNT}`;
const DATABASE = 'serverless_insights';
const WORKGROUP = 'serverless-insights';
const STATE_MACHINE = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:serverless-insights-report`;
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:report-link-AbCdEf`;
const SECRET = 'a3f1'.repeat(16);
const RECIPIENTS_PARAMETER = '/serverless-insights/recipients';
const RECIPIENTS = ['ops@example.com', 'finance@example.com'];
const MAIL_FROM = 'insights@example.com';
const LINK_URL = `https://abcdefghijklmnop.lambda-url.${REGION}.on.aws/`;

// The environment the stack gives each function (infra/stack.ts and its constructs).
const COMMON_ENV = { LAKE_BUCKET: BUCKET, GLUE_DATABASE: DATABASE, ATHENA_WORKGROUP: WORKGROUP };
const RUN_GROUP = 'ServerlessInsights-Ingest-RunSchedules-676B6BA7';
const RUN_QUIET_SECONDS = 300;
const INGEST_ENV = {
  ...COMMON_ENV,
  STATE_MACHINE_ARN: STATE_MACHINE,
  RUN_SCHEDULE_GROUP: RUN_GROUP,
  RUN_SCHEDULER_ROLE_ARN: `arn:aws:iam::${ACCOUNT}:role/ServerlessInsights-IngestRunSchedulerRole`,
  RUN_QUIET_SECONDS: String(RUN_QUIET_SECONDS),
  RUN_DEAD_LETTER_ARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:ServerlessInsights-IngestDeadLetterQueue`,
};
const NOTIFY_ENV = {
  ...COMMON_ENV,
  RECIPIENTS_PARAMETER,
  MAIL_FROM,
  REPORT_LINK_DAYS: '7',
  REPORT_LINK_URL: LINK_URL,
  REPORT_LINK_SECRET_ARN: SECRET_ARN,
};
const LINK_ENV = { LAKE_BUCKET: BUCKET, REPORT_LINK_SECRET_ARN: SECRET_ARN };

const s3 = mockClient(S3Client);
const glue = mockClient(GlueClient);
const athena = mockClient(AthenaClient);
const sfn = mockClient(SFNClient);
const schedulerClient = mockClient(SchedulerClient);
const ses = mockClient(SESv2Client);
const ssm = mockClient(SSMClient);
const secretsManager = mockClient(SecretsManagerClient);

// S3 lists 1000 keys a page; 20 makes the lake's listings page.
const bucket = new FakeS3Bucket(BUCKET, { listPageSize: 20 });
const glueCatalog = new FakeGlue(DATABASE);
const stepFunctions = new FakeStepFunctions(STATE_MACHINE);
const scheduler = new FakeScheduler([RUN_GROUP]);
const mail = new FakeSes([MAIL_FROM]);
let fakeAthena: FakeAthena;
let secretReads: () => number;

const silent = new Logger({ logLevel: 'SILENT' });
const context = (name: string) =>
  ({ functionName: `serverless-insights-${name}`, awsRequestId: `req-${name}` }) as Context;

/** Where two JSON values differ; numbers may differ in their last bits (sums in another order). */
function differences(a: unknown, b: unknown, path = '$'): string[] {
  if (typeof a === 'number' && typeof b === 'number')
    return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-12
      ? []
      : [`${path}: ${a} vs ${b}`];
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length
      ? a.flatMap((x, i) => differences(x, b[i], `${path}[${i}]`))
      : [`${path}: ${a.length} items vs ${b.length}`];
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const [x, y] = [a as Record<string, unknown>, b as Record<string, unknown>];
    return [...new Set([...Object.keys(x), ...Object.keys(y)])].flatMap((k) =>
      differences(x[k], y[k], `${path}.${k}`),
    );
  }
  return Object.is(a, b) ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

/** A report as both runtimes must agree on it: the run's record differs (ids, times, bytes), and so does the name given to one upload. */
const comparable = (r: ReportModel) =>
  JSON.parse(
    JSON.stringify({ ...r, run: null }, (k, v: unknown) => (k === 'sourceKey' ? undefined : v)),
  ) as unknown;

/** The EventBridge event S3 sends for a new object; the key URL-encoded as S3 encodes it. */
function objectCreated(key: string, size: number, etag: string, versionId: string) {
  return {
    version: '0',
    id: `evt-${etag.slice(1, 9)}`,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: ACCOUNT,
    time: new Date().toISOString(),
    region: REGION,
    resources: [`arn:aws:s3:::${BUCKET}`],
    detail: {
      version: '0',
      bucket: { name: BUCKET },
      object: {
        key: encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+'),
        size,
        etag: etag.replace(/"/g, ''),
        'version-id': versionId,
        sequencer: '0062E99A88DC407460',
      },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: ACCOUNT,
      reason: 'PutObject',
    },
  } as never;
}

interface Ingested {
  key: string;
  manifest: Manifest;
  table: string | undefined;
  execution: string | undefined;
}

let dir: string;
let demo: DemoManifest;
let ingestHandler: ReturnType<typeof ingest.makeHandler>;
let ingestRuntime: Runtime;
const ingested: Ingested[] = [];
/** The last file's event delivered again while its run was still running. */
let redeliveredWhileRunning: Ingested;
/** When the burst of uploads began: the start of a quiet slot, plus a second. */
let burstStart: Date;
let lastEvent: ReturnType<typeof objectCreated>;
let runId: string;
let result: WorkflowResult;
let report: ReportModel;
let runSeconds: number;

/**
 * The runtime the workflow's functions get: each builds the AWS runtime from its own
 * environment (only notify has the mail and link settings). The Map's analyses share its
 * Athena engine here, as the local runner shares one runtime; bytes are counted per query.
 */
async function workflowRuntime(): Promise<Runtime> {
  const functions = await awsRuntime(COMMON_ENV);
  const notify = await awsRuntime(NOTIFY_ENV);
  return {
    ...functions,
    mailer: notify.mailer,
    recipients: notify.recipients,
    linkTo: notify.linkTo,
  };
}

beforeAll(async () => {
  vi.stubEnv('AWS_REGION', REGION);
  // Presigning signs with these; they open nothing, as no request leaves the process.
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
  for (const [name, value] of Object.entries(INGEST_ENV)) vi.stubEnv(name, value);

  dir = await mkdtemp(join(tmpdir(), 'insights-aws-'));
  bucket.install(s3);
  glueCatalog.install(glue);
  stepFunctions.install(sfn);
  scheduler.install(schedulerClient);
  mail.install(ses);
  fakeParameters(ssm, { [RECIPIENTS_PARAMETER]: RECIPIENTS.join(', ') });
  secretReads = fakeSecrets(secretsManager, { [SECRET_ARN]: SECRET }).reads;
  fakeAthena = (
    await FakeAthena.open({
      bucket,
      glue: glueCatalog,
      workGroup: WORKGROUP,
      workDir: join(dir, 'athena'),
      // Athena pages 1000 rows; 50 makes the longer results page.
      pageSize: 50,
    })
  ).install(athena);
  // The first query is QUEUED, then RUNNING, before it succeeds: the engine polls.
  fakeAthena.runningPolls = (_, index) => (index === 0 ? 2 : 0);

  // A person uploads the demo files; one name has spaces, which S3 events encode as `+`.
  demo = await writeDemo(join(dir, 'data'), { seed: 42 });
  const uploader = new S3Client({});
  // The ingest function as deployed: its runtime and Glue sync from the environment above.
  const deps = awsIngestDeps();
  ingestHandler = ingest.makeHandler(deps);
  ingestRuntime = await deps.runtime();
  // The uploads come a second apart, early in a quiet slot: one burst, whatever the wall clock.
  // Only Date is faked (timers, performance.now() and I/O run as usual), until the burst ends.
  burstStart = new Date(
    Math.floor(Date.now() / (RUN_QUIET_SECONDS * 1000)) * RUN_QUIET_SECONDS * 1000 + 1000,
  );
  vi.useFakeTimers({ toFake: ['Date'], now: burstStart });
  for (const file of demo.files) {
    vi.setSystemTime(new Date(Date.now() + 1000));
    const name =
      file.dataset === 'sales_transactions' ? 'sales 2023-2024.csv' : basename(file.path);
    const key = `incoming/${file.dataset}/${name}`;
    const body = await readFile(file.path);
    const put = await uploader.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
    lastEvent = objectCreated(key, body.length, put.ETag!, put.VersionId!);
    const out = await ingestHandler(lastEvent, context('ingest'));
    ingested.push({ key, ...out });
  }
  vi.setSystemTime(new Date(Date.now() + 1000));
  redeliveredWhileRunning = {
    key: ingested.at(-1)!.key,
    ...(await ingestHandler(lastEvent, context('ingest'))),
  };
  vi.useRealTimers();

  // The burst's one schedule fires one quiet period after its slot: it starts the run as
  // EventBridge Scheduler would (StartExecution on its target, Step Functions names it) ...
  const target = scheduler.fire(RUN_GROUP, ingested[0]!.execution!);
  await new SFNClient({}).send(
    new StartExecutionCommand({ stateMachineArn: target.Arn, input: target.Input }),
  );
  // ... and the run, as Step Functions would run it.
  const start = stepFunctions.starts.at(-1)!;
  runId = [...stepFunctions.executions.values()].find((e) => e.input === start.input)!.name;
  const input = JSON.parse(start.input!) as { trigger?: string };
  const started = performance.now();
  result = await runReportWorkflow(await workflowRuntime(), {
    runId,
    ...(input.trigger ? { trigger: input.trigger } : {}),
    retryPauseMs: 1,
  });
  runSeconds = (performance.now() - started) / 1000;
  stepFunctions.finish(runId, 'SUCCEEDED');
  report = validateReport(JSON.parse(bucket.text(`reports/${runId}/report.json`)));
});

afterAll(async () => {
  (await ingestRuntime?.duck())?.close();
  fakeAthena?.close();
  vi.useRealTimers();
  for (const mock of [s3, glue, athena, sfn, schedulerClient, ses, ssm, secretsManager])
    mock.restore();
  vi.unstubAllEnvs();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the deployed pipeline, on the AWS adapters with mocked clients', () => {
  it('ingests each uploaded file from its S3 event into Parquet, manifests and a Glue table', () => {
    expect(ingested.map((i) => i.manifest.dataset)).toEqual(demo.files.map((f) => f.dataset));
    for (const { key, manifest } of ingested) {
      const truth =
        demo.groundTruth.datasets[manifest.dataset as keyof typeof demo.groundTruth.datasets];
      expect(manifest).toMatchObject({
        sourceKey: key,
        rowsRead: truth.rowsGenerated,
        rowsCurated: truth.rowsValid,
        rowsQuarantined: truth.rowsGenerated - truth.rowsValid,
      });
      for (const partition of manifest.partitions)
        expect(
          bucket.current(`curated/${manifest.dataset}/${partition}/${manifest.sourceId}.parquet`),
        ).toBeDefined();
      expect(
        bucket.current(`manifests/${manifest.dataset}/${manifest.sourceId}.json`),
      ).toBeDefined();
      // The raw upload is read, never rewritten or deleted.
      expect(bucket.versions.get(key)).toHaveLength(1);
    }
    // The key with spaces came URL-encoded in its event and was decoded once.
    expect(ingested.map((i) => i.key)).toContain('incoming/sales_transactions/sales 2023-2024.csv');
  });

  it('creates a table of the files and a view per dataset from its contract, and leaves them when nothing changed', async () => {
    const today = new Date().toISOString().slice(0, 10);
    expect(glueCatalog.creates.map((c) => c.TableInput!.Name)).toEqual(
      demo.files.flatMap((f) => [`${f.dataset}__files`, f.dataset]),
    );
    for (const { dataset } of demo.files) {
      const contract = await ingestRuntime.catalog.getContract(dataset);
      const [files, view] = [`${dataset}__files`, dataset].map((name) =>
        glueCatalog.creates.find((c) => c.TableInput!.Name === name),
      );
      expect(files).toEqual({
        DatabaseName: DATABASE,
        TableInput: glueTableInput(contract!, { bucket: BUCKET, snapshotsFrom: today }),
      });
      expect(files!.TableInput!.StorageDescriptor!.Location).toBe(
        `s3://${BUCKET}/curated/${contract!.dataset}/`,
      );
      expect(files!.TableInput!.PartitionKeys).toEqual([
        { Name: contract!.partition, Type: 'string' },
      ]);
      expect(view).toEqual({
        DatabaseName: DATABASE,
        TableInput: glueViewInput(contract!, DATABASE),
      });
      expect(decodePrestoView(view!.TableInput!.ViewOriginalText!).originalSql).toContain(
        `FROM "${dataset}__files"`,
      );
    }
    expect(glueCatalog.updates).toEqual([]);
    // The handler's sync after each file (and the re-delivery) found the table as it should be.
    expect(ingested.map((i) => i.table)).toEqual(demo.files.map(() => 'unchanged'));
    expect(redeliveredWhileRunning.table).toBe('unchanged');
  });

  it('schedules one run for the burst of uploads, one quiet period after its slot, and a re-delivered event adds nothing', () => {
    const slot = new Date(burstStart.getTime() - 1000);
    const name = `run-${slot.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
    const at = new Date(slot.getTime() + 2 * RUN_QUIET_SECONDS * 1000);
    // Every file and the re-delivery asked; the first created it, the rest met ConflictException.
    expect(scheduler.creates).toHaveLength(ingested.length + 1);
    expect(new Set(scheduler.creates.map((c) => c.Name))).toEqual(new Set([name]));
    expect(scheduler.creates[0]).toEqual({
      Name: name,
      GroupName: RUN_GROUP,
      Description: 'One report run for the files ingested in this slot',
      ScheduleExpression: `at(${at.toISOString().slice(0, 19)})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: STATE_MACHINE,
        RoleArn: INGEST_ENV.RUN_SCHEDULER_ROLE_ARN,
        Input: JSON.stringify({ trigger: 'ingest' }),
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: INGEST_ENV.RUN_DEAD_LETTER_ARN },
      },
    });
    expect([...ingested, redeliveredWhileRunning].map((i) => i.execution)).toEqual(
      [...ingested, redeliveredWhileRunning].map(() => name),
    );
    expect(redeliveredWhileRunning.manifest).toEqual(ingested.at(-1)!.manifest);
    // Ingest started nothing itself: the one execution is the schedule's, which then went.
    expect(stepFunctions.starts).toEqual([
      { stateMachineArn: STATE_MACHINE, input: JSON.stringify({ trigger: 'ingest' }) },
    ]);
    expect([...stepFunctions.executions.keys()]).toEqual([runId]);
    expect(scheduler.schedules.size).toBe(0);
  });

  it('runs report.asl.json to SUCCEEDED and writes the report and its tables under reports/<run>/', () => {
    expect(result).toMatchObject({ runId, reportKey: `reports/${runId}/report.html` });
    const written = bucket.keys(`reports/${runId}/`);
    for (const name of ['report.md', 'report.html', 'report.json'])
      expect(written).toContain(`reports/${runId}/${name}`);
    expect(written.filter((k) => k.endsWith('.csv')).length).toBeGreaterThan(0);
    expect(bucket.text(`reports/${runId}/report.html`)).toMatch(/^<!doctype html>/i);
    expect(report.run).toMatchObject({ runId, trigger: 'ingest' });
    expect(report.datasets.map((d) => [d.dataset, d.rowsCurated])).toEqual(
      [...ingested]
        .sort((a, b) => a.manifest.dataset.localeCompare(b.manifest.dataset))
        .map((i) => [i.manifest.dataset, i.manifest.rowsCurated]),
    );
    // Every query ran on "Athena"; none of the run's analyses failed.
    expect(fakeAthena.queries.filter((q) => q.state !== 'SUCCEEDED')).toEqual([]);
    expect(report.notComputed.filter((n) => /Athena|failed/i.test(n.reason))).toEqual([]);
    console.info(
      `AWS run ${runId}: ${runSeconds.toFixed(1)} s, ${fakeAthena.queries.length} Athena queries ` +
        `(${fakeAthena.queries.filter((q) => q.translated).length} translated), ` +
        `${report.findings.length} findings`,
    );
  });

  it('emails one message with the link to the report, and the link opens it', async () => {
    expect(mail.sent).toHaveLength(1);
    const sent = mail.sent[0]!;
    expect(sent).toMatchObject({
      FromEmailAddress: MAIL_FROM,
      Destination: { ToAddresses: RECIPIENTS },
    });
    expect(result.messageId).toMatch(/^0100018f-fake-/);
    expect(sent.Content!.Simple!.Subject!.Data).toMatch(new RegExp(`^Insights report ${runId}`));
    const text = sent.Content!.Simple!.Body!.Text!.Data!;
    const link = text.split('\n').find((line) => line.startsWith(LINK_URL));
    expect(link).toMatch(
      /^https:\/\/abcdefghijklmnop\.lambda-url\.eu-west-1\.on\.aws\/r\/[\w-]+\.[\w-]+\/report\.html$/,
    );
    expect(sent.Content!.Simple!.Body!.Html!.Data).toContain(`href="${link!}"`);

    // The link function, as deployed: its secret and bucket from its own environment.
    const open = reportLink.makeHandler({
      ...reportLinkAdapters(LINK_ENV),
      clock: systemClock,
      logger: silent,
    });
    /** What the link function answers a browser's GET of `url`, as the Function URL passes it. */
    const get = async (url: URL) =>
      (await open(
        {
          version: '2.0',
          routeKey: '$default',
          rawPath: url.pathname,
          rawQueryString: url.search.slice(1),
          headers: { host: url.host },
          requestContext: { http: { method: 'GET', path: url.pathname, protocol: 'HTTP/1.1' } },
          isBase64Encoded: false,
        } as unknown as LambdaFunctionURLEvent,
        context('report-link'),
      )) as APIGatewayProxyStructuredResultV2 & { headers: Record<string, string>; body: string };
    /** The lake key a redirect's presigned S3 URL reads, once it is checked to be one. */
    const presignedKey = (response: { statusCode?: number; headers: Record<string, string> }) => {
      expect(response.statusCode).toBe(302);
      const location = new URL(response.headers['Location']!);
      expect(location.host).toBe(`${BUCKET}.s3.${REGION}.amazonaws.com`);
      expect(location.searchParams.get('X-Amz-Expires')).toBe('300');
      expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);
      return decodeURIComponent(location.pathname.slice(1));
    };

    // The report page comes from the link function itself, the very page in the lake ...
    const served = new URL(link!);
    const page = await get(served);
    expect(page.statusCode).toBe(200);
    expect(page.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'private, no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    });
    expect(page.body).toBe(bucket.text(result.reportKey));

    // ... so its relative links to its tables resolve against the link, on the function's
    // origin with the same token, and each opens a presigned URL of exactly that table.
    const hrefs = [...page.body.matchAll(/<a href="([^"]+)"/g)].map((m) =>
      m[1]!.replace(/&amp;/g, '&'),
    );
    const tables = bucket.keys(`reports/${runId}/tables/`);
    expect(hrefs.length).toBeGreaterThan(0);
    expect(tables).toEqual(expect.arrayContaining(hrefs.map((h) => `reports/${runId}/${h}`)));
    for (const href of hrefs) {
      expect(href).toMatch(/^tables\/[a-z0-9-]+\.csv$/);
      const resolved = new URL(href, served);
      expect(resolved.origin).toBe(served.origin);
      const key = presignedKey(await get(resolved));
      expect(key).toBe(`reports/${runId}/${href}`);
      expect(bucket.current(key)).toBeDefined();
    }
    // report.json beside it, by the same link.
    expect(presignedKey(await get(new URL('report.json', served)))).toBe(
      `reports/${runId}/report.json`,
    );
    // A way out of the folder opens nothing.
    expect(
      (await get(new URL(`${served.href.replace(/report\.html$/, '')}..%2Freport.html`)))
        .statusCode,
    ).toBe(404);
    expect(bucket.current(result.reportKey)).toBeDefined();
    // Once by notify's cold start, once by the link function's.
    expect(secretReads()).toBe(2);
  });

  it("records Athena's bytes scanned in report.json's steps and prices them in its cost", () => {
    const scanned = fakeAthena.totalBytesScanned();
    const queries = fakeAthena.queries.length;
    expect(scanned).toBeGreaterThan(0);
    const steps = report.run.steps;
    expect(steps.map((s) => s.step)).toContain('aggregate');
    expect(steps.filter((s) => s.step === 'analyze').length).toBeGreaterThan(0);
    expect(steps.reduce((n, s) => n + (s.bytesScanned ?? 0), 0)).toBe(scanned);
    expect(steps.reduce((n, s) => n + s.queries, 0)).toBe(queries);
    expect(steps.find((s) => s.step === 'aggregate')!.bytesScanned).toBeGreaterThan(0);

    const athenaCost = report.run.cost.items.find((i) => i.item === 'Athena scanned')!;
    expect(athenaCost.quantity).toBe(Math.max(scanned, queries * UNIT_PRICES.athenaMinimumBytes));
    expect(athenaCost.cost).toBeCloseTo(athenaCost.quantity * UNIT_PRICES.athenaByte, 12);
    expect(report.run.cost.basis).toContain(
      `Athena: ${queries} queries scanned ${scanned} bytes, each billed at least 10 MB.`,
    );
  });

  it('went through the paths a real AWS answer takes: polling, result pages, listing pages', () => {
    const queries = fakeAthena.queries;
    expect(athena.commandCalls(GetQueryExecutionCommand).length).toBe(queries.length + 2);
    const paged = queries.filter((q) => q.pagesRead > 1);
    expect(paged.length).toBeGreaterThan(0);
    const pages = athena.commandCalls(GetQueryResultsCommand);
    expect(pages.filter((c) => c.args[0].input.NextToken).length).toBe(
      paged.reduce((n, q) => n + q.pagesRead - 1, 0),
    );
    expect(
      s3.commandCalls(ListObjectsV2Command).filter((c) => c.args[0].input.ContinuationToken).length,
    ).toBeGreaterThan(0);
    // Only the functions dialect.ts names differ between Trino and DuckDB.
    const translated = queries.filter((q) => q.translated);
    expect(translated.length).toBeGreaterThan(0);
    for (const q of translated)
      expect(TRANSLATIONS.some((t) => q.sql.search(t.trino) >= 0)).toBe(true);
  });

  it('reports what the local runtime reports from the same files: the same SQL on both engines', async () => {
    const local = await runDemoPipeline('local-twin', 42);
    await rm(local.dir, { recursive: true, force: true });
    expect(differences(comparable(report), comparable(local.report))).toEqual([]);
  });

  it('answers a run over unchanged data from the results of the last, scanning nothing', async () => {
    const from = fakeAthena.queries.length;
    const rerun = 'rerun-unchanged';
    await runReportWorkflow(await workflowRuntime(), {
      runId: rerun,
      trigger: 'test',
      retryPauseMs: 1,
    });
    const queries = fakeAthena.queries.slice(from);
    expect(queries.length).toBeGreaterThan(50);
    expect(queries.filter((q) => q.reusedFrom === undefined).map((q) => q.sql)).toEqual([]);
    // Every query led by the data version the plan computed from the inputs' checksums.
    const plan = JSON.parse(bucket.text(`runs/${rerun}/plan.json`)) as { dataVersion: string };
    expect(plan.dataVersion).toMatch(/^[0-9a-f]{64}$/);
    expect(queries.every((q) => q.sql.startsWith(`-- data version ${plan.dataVersion}\n`))).toBe(
      true,
    );
    const again = validateReport(JSON.parse(bucket.text(`reports/${rerun}/report.json`)));
    expect(again.run.steps.reduce((n, s) => n + (s.bytesScanned ?? 0), 0)).toBe(0);
    expect(differences(again.findings, report.findings)).toEqual([]);
  });

  it('emails why when Athena fails a query, and ends the run in the failure path', async () => {
    const reason =
      "HIVE_BAD_DATA: Field lifetime_value's type INT64 in parquet is incompatible with type double defined in table schema";
    const from = fakeAthena.queries.length;
    fakeAthena.failWhen = (_, index) => (index === from ? reason : undefined);
    const scheduled = '20260302T060000Z-schedule';
    const sent = mail.sent.length;
    let error: Error | undefined;
    try {
      await runReportWorkflow(await workflowRuntime(), {
        runId: scheduled,
        trigger: 'schedule',
        retryPauseMs: 1,
      });
    } catch (caught) {
      error = caught as Error;
    } finally {
      fakeAthena.failWhen = () => undefined;
    }
    const failed = fakeAthena.queries[from]!;
    expect(failed.state).toBe('FAILED');
    expect(error?.message).toBe(
      `Report run ${scheduled} failed: Athena query ${failed.id} FAILED: ${reason} (the recipients were emailed)`,
    );
    // Not transient: Aggregate does not retry it, and no later query ran.
    expect(fakeAthena.queries).toHaveLength(from + 1);

    expect(mail.sent).toHaveLength(sent + 1);
    const message = mail.sent.at(-1)!;
    expect(message.Destination!.ToAddresses).toEqual(RECIPIENTS);
    expect(message.Content!.Simple!.Subject!.Data).toBe(`Insights run ${scheduled} failed`);
    const text = message.Content!.Simple!.Body!.Text!.Data!;
    expect(text).toContain(
      `The report run ${scheduled} did not complete: Athena query ${failed.id} FAILED: ${reason}`,
    );
    expect(text).not.toContain(LINK_URL);
    expect(bucket.keys(`reports/${scheduled}/`)).toEqual([]);
  });
  it('counts each customer once when customer_profiles is uploaded again under another key, as the local runtime does', async () => {
    const profiles = demo.files.find((f) => f.dataset === 'customer_profiles')!;
    const first = ingested.find((i) => i.manifest.dataset === 'customer_profiles')!.manifest;
    const name = 'customer_profiles (copy).csv';
    const key = `incoming/customer_profiles/${name}`;
    const body = await readFile(profiles.path);
    const put = await new S3Client({}).send(
      new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }),
    );
    const copy = await ingestHandler(
      objectCreated(key, body.length, put.ETag!, put.VersionId!),
      context('ingest'),
    );
    // Another source, the same snapshot day: both files' rows are in the lake.
    expect(copy.manifest.sourceId).not.toBe(first.sourceId);
    expect(copy.manifest.partitions).toEqual(first.partitions);
    expect(copy.manifest.rowsCurated).toBe(first.rowsCurated);
    expect(copy.table).toBe('unchanged');

    // Athena: the files table holds every copy, the dataset's view each customer once.
    const engine = (await workflowRuntime()).engine;
    const [files] = await engine.query(
      'SELECT count(*) AS n, count(DISTINCT customer_id) AS ids FROM customer_profiles__files',
    );
    const [view] = await engine.query(
      'SELECT count(*) AS n, count(DISTINCT customer_id) AS ids FROM customer_profiles',
    );
    expect(files).toEqual({ n: 2 * first.rowsCurated, ids: first.rowsCurated });
    expect(view).toEqual({ n: first.rowsCurated, ids: first.rowsCurated });

    const runAgain = 'after-second-upload';
    const from = fakeAthena.queries.length;
    await runReportWorkflow(await workflowRuntime(), {
      runId: runAgain,
      trigger: 'test',
      retryPauseMs: 1,
    });
    // New data, a new data version: no result of the runs before answers a query of this one.
    expect(fakeAthena.queries.slice(from).filter((q) => q.reusedFrom)).toEqual([]);
    const again = validateReport(JSON.parse(bucket.text(`reports/${runAgain}/report.json`)));
    const section = (r: ReportModel) => r.datasets.find((d) => d.dataset === 'customer_profiles')!;
    // The second file is counted as curated, but the queries see each customer once.
    expect(section(again).files).toHaveLength(2);
    expect(section(again).rowsCurated).toBe(2 * first.rowsCurated);
    expect(section(again).rowsAnalyzed).toBe(section(report).rowsAnalyzed);
    expect(section(again).rowsAnalyzed).toBe(first.rowsCurated);
    // The same findings as the run before the copy (sums may differ in their last bits).
    expect(customerFindings(again).map((f) => f.customers)).toEqual(
      customerFindings(report).map((f) => f.customers),
    );
    expect(differences(again.findings, report.findings)).toEqual([]);

    // The local runtime, given the same two uploads, reports the same.
    const local = await runDemoPipeline('local-twin-again', 42, [
      { dataset: 'customer_profiles', name },
    ]);
    await rm(local.dir, { recursive: true, force: true });
    expect(section(local.report).rowsAnalyzed).toBe(first.rowsCurated);
    expect(differences(comparable(again), comparable(local.report))).toEqual([]);
  });
});
