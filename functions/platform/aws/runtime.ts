import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { openDuckDb } from '../duckdb/duckdb.ts';
import { ConfigError } from '../errors.ts';
import { lakeCatalog } from '../lake-catalog.ts';
import type { Contract, DuckDb } from '../ports.ts';
import { systemClock, type Runtime } from '../runtime.ts';
import { athenaQueryEngine } from './athena-query-engine.ts';
import { asIs, type InstrumentClient } from './instrument.ts';
import { glueCatalog, glueTableSync, type TableChange } from './glue-catalog.ts';
import { debouncedRunStarter } from './run-scheduler.ts';
import { reportLinkDays, secretsManagerSecret, signedReportLinks } from './report-links.ts';
import { SDK_RETRIES_OFF } from './retry.ts';
import { s3BlobStore } from './s3-blob-store.ts';
import { sesMailer } from './ses-mailer.ts';

/** The environment the stack gives every function (infra/ sets exactly these). */
function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new ConfigError(`Environment variable ${name} is not set; the stack should set it`);
  return value;
}

/** Brings a dataset's Glue table and view in line with a contract (the ingest handler, every file). */
export function awsTableSync(
  env: NodeJS.ProcessEnv = process.env,
  instrument: InstrumentClient = asIs,
): (contract: Contract) => Promise<TableChange> {
  return glueTableSync(instrument(new GlueClient(SDK_RETRIES_OFF)), {
    database: required(env, 'GLUE_DATABASE'),
    bucket: required(env, 'LAKE_BUCKET'),
  });
}

/** Builds the AWS runtime from the Lambda environment, once per cold start. */
export async function awsRuntime(
  env: NodeJS.ProcessEnv = process.env,
  instrument: InstrumentClient = asIs,
): Promise<Runtime> {
  const bucket = required(env, 'LAKE_BUCKET');
  const database = required(env, 'GLUE_DATABASE');
  // The S3 and Glue adapters retry throttling themselves (see retry.ts): the SDK must not too.
  const s3 = instrument(new S3Client(SDK_RETRIES_OFF));
  const store = s3BlobStore(s3, bucket);
  let duck: Promise<DuckDb> | undefined;
  return {
    store,
    catalog: glueCatalog(lakeCatalog(store), instrument(new GlueClient(SDK_RETRIES_OFF)), {
      database,
      bucket,
    }),
    engine: athenaQueryEngine(instrument(new AthenaClient({})), {
      workGroup: required(env, 'ATHENA_WORKGROUP'),
      database,
    }),
    clock: systemClock,
    mailer: sesMailer(instrument(new SESv2Client({})), env['MAIL_FROM'] ?? ''),
    recipients: env['RECIPIENTS_PARAMETER']
      ? await recipientsFrom(instrument(new SSMClient({})), env['RECIPIENTS_PARAMETER'])
      : [],
    linkTo: reportLinksFrom(env, instrument),
    duck: () =>
      (duck ??= openDuckDb({ threads: 2, memoryLimit: '1GB', tempDirectory: '/tmp/duckdb' })),
    workDir: '/tmp',
    ...runStarterFrom(env, instrument),
  };
}

/**
 * Ingest's way of starting a run. With RUN_SCHEDULE_GROUP (the stack sets it), one run per
 * burst of uploads, RUN_QUIET_SECONDS after the burst (run-scheduler.ts); with only
 * STATE_MACHINE_ARN, one run per file version, at once.
 */
function runStarterFrom(
  env: NodeJS.ProcessEnv,
  instrument: InstrumentClient,
): Pick<Runtime, 'startRun'> {
  const stateMachineArn = env['STATE_MACHINE_ARN'];
  if (!stateMachineArn) return {};
  const group = env['RUN_SCHEDULE_GROUP'];
  if (!group) return { startRun: startRunWith(instrument(new SFNClient({})), stateMachineArn) };
  const quiet = env['RUN_QUIET_SECONDS'] ?? '';
  if (!/^\d+$/.test(quiet))
    throw new ConfigError(`RUN_QUIET_SECONDS must be a whole number of seconds; got "${quiet}"`);
  const deadLetterArn = env['RUN_DEAD_LETTER_ARN'];
  return {
    startRun: debouncedRunStarter(instrument(new SchedulerClient(SDK_RETRIES_OFF)), {
      group,
      stateMachineArn,
      roleArn: required(env, 'RUN_SCHEDULER_ROLE_ARN'),
      quietSeconds: Number(quiet),
      ...(deadLetterArn ? { deadLetterArn } : {}),
      clock: systemClock,
    }),
  };
}

/**
 * Emailed links go to the link function with a signed token valid REPORT_LINK_DAYS days
 * (not a presigned S3 URL: one signed with a Lambda role's temporary credentials dies with
 * its session, within hours). Only notify is given the link settings; any other function
 * that asked for a link would be told so.
 */
function reportLinksFrom(env: NodeJS.ProcessEnv, instrument: InstrumentClient): Runtime['linkTo'] {
  const url = env['REPORT_LINK_URL'];
  const secretArn = env['REPORT_LINK_SECRET_ARN'];
  if (!url || !secretArn) {
    return async () => {
      throw new ConfigError(
        'REPORT_LINK_URL and REPORT_LINK_SECRET_ARN are not set: this function cannot make report links',
      );
    };
  }
  if (!URL.canParse(url) || new URL(url).protocol !== 'https:')
    throw new ConfigError(`REPORT_LINK_URL must be an https URL; got "${url}"`);
  return signedReportLinks({
    url,
    days: reportLinkDays(env['REPORT_LINK_DAYS']),
    secret: secretsManagerSecret(instrument(new SecretsManagerClient({})), secretArn),
    clock: systemClock,
  });
}

async function recipientsFrom(ssm: SSMClient, parameter: string): Promise<string[]> {
  const out = await ssm.send(new GetParameterCommand({ Name: parameter }));
  return (out.Parameter?.Value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Starts a report run named after what triggered it, so a re-delivered event starts nothing new. */
function startRunWith(sfn: SFNClient, stateMachineArn: string) {
  return async (name: string) => {
    try {
      const out = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name,
          input: JSON.stringify({ trigger: 'ingest' }),
        }),
      );
      return out.executionArn ?? name;
    } catch (error) {
      if ((error as { name?: string }).name === 'ExecutionAlreadyExists') return name;
      throw error;
    }
  };
}
