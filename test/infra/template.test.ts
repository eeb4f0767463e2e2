import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { format, resolveConfig } from 'prettier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_DEFINITION_PATH } from '../../infra/paths.ts';
import { buildTestApp, logicalId, templateOf, type Synth } from './synth.ts';

/**
 * The synthesized template, checked in so that a change to it shows in review. It is the
 * template `cdk synth` writes to cdk.out (cdk.json's context) less what the CLI adds (resource
 * path metadata, the CDKMetadata resource), without the asset hashes that change with every
 * handler edit, esbuild version or machine (the bundles are tested in bundle.test.ts), and with
 * the state machine definition, which is functions/workflow/report.asl.json verbatim (checked
 * below and in workflow.test.ts), named instead of copied.
 */
const SNAPSHOT = join(import.meta.dirname, '__snapshots__', 'ServerlessInsights.template.json');
const UPDATE = 'npx vitest run test/infra/template.test.ts -u';

/**
 * Every resource type of the template, with the tests (file, title) that assert its
 * properties. A type not listed here fails the test below: assert it, then list it.
 */
const COVERED: Record<string, [file: string, test: string][]> = {
  'AWS::S3::Bucket': [
    ['stack.test.ts', 'is encrypted, private, versioned, logged, and emits EventBridge events'],
    ['stack.test.ts', 'refuses plain HTTP on both buckets'],
  ],
  'AWS::S3::BucketPolicy': [
    ['stack.test.ts', 'refuses plain HTTP on both buckets'],
    ['iam.test.ts', 'is one the reviewed list holds, and the list holds nothing else'],
  ],
  'AWS::Glue::Database': [
    [
      'stack.test.ts',
      'has a Glue database and an Athena workgroup that enforces its scan limit and result encryption',
    ],
  ],
  'AWS::Athena::WorkGroup': [
    [
      'stack.test.ts',
      'has a Glue database and an Athena workgroup that enforces its scan limit and result encryption',
    ],
  ],
  'AWS::SecretsManager::Secret': [
    [
      'stack.test.ts',
      'are signed with a key CloudFormation generates, never written in the template',
    ],
  ],
  'AWS::Logs::LogGroup': [
    [
      'stack.test.ts',
      'log to groups that keep the configured retention and go with the stack, as does the state machine',
    ],
    ['workflow.test.ts', 'logs every execution with its data and is traced'],
  ],
  'AWS::IAM::Role': [
    ['iam.test.ts', 'is one the reviewed list holds, and the list holds nothing else'],
    ['stack.test.ts', 'have roles without managed policies'],
  ],
  'AWS::IAM::Policy': [
    ['iam.test.ts', 'is one the reviewed list holds, and the list holds nothing else'],
    [
      'stack.test.ts',
      'uses "*" only where AWS offers no resource-level permission (X-Ray, log delivery), and no wildcard action',
    ],
  ],
  'AWS::Lambda::Function': [
    [
      'stack.test.ts',
      'are the seven handlers, on the latest Node runtime, traced, with their own log group',
    ],
    [
      'stack.test.ts',
      'get the environment contract: the lake for all, mail and link settings for notify, run scheduling for ingest',
    ],
  ],
  'AWS::Lambda::Url': [
    [
      'stack.test.ts',
      'are opened through a public Function URL of the link function (the signed token is the auth)',
    ],
  ],
  'AWS::Lambda::Permission': [
    [
      'stack.test.ts',
      'are opened through a public Function URL of the link function (the signed token is the auth)',
    ],
    [
      'stack.test.ts',
      'routes objects created under incoming/ to ingest, with retries and an encrypted dead-letter queue',
    ],
    ['iam.test.ts', 'is one the reviewed list holds, and the list holds nothing else'],
  ],
  'AWS::Lambda::LayerVersion': [
    ['stack.test.ts', 'load DuckDB from the layer only in ingest, which is x86_64 to match it'],
  ],
  'AWS::Lambda::EventInvokeConfig': [
    [
      'stack.test.ts',
      'routes objects created under incoming/ to ingest, with retries and an encrypted dead-letter queue',
    ],
  ],
  'AWS::SSM::Parameter': [
    [
      'stack.test.ts',
      'get the environment contract: the lake for all, mail and link settings for notify, run scheduling for ingest',
    ],
  ],
  'AWS::StepFunctions::StateMachine': [
    [
      'workflow.test.ts',
      'is the very file the local runtime executes, with the substitutions the stack declares',
    ],
    ['workflow.test.ts', 'logs every execution with its data and is traced'],
  ],
  'AWS::CloudWatch::Alarm': [
    ['stack.test.ts', 'go off on a failed run and on anything parked in a dead-letter queue'],
  ],
  'AWS::SNS::Topic': [
    ['stack.test.ts', 'tell the recipients through a TLS-only topic, each subscribed by email'],
  ],
  'AWS::SNS::Subscription': [
    ['stack.test.ts', 'tell the recipients through a TLS-only topic, each subscribed by email'],
  ],
  'AWS::SNS::TopicPolicy': [
    ['stack.test.ts', 'tell the recipients through a TLS-only topic, each subscribed by email'],
  ],
  'AWS::SQS::Queue': [['stack.test.ts', 'keeps dead-letter queues encrypted and TLS-only']],
  'AWS::SQS::QueuePolicy': [
    ['stack.test.ts', 'keeps dead-letter queues encrypted and TLS-only'],
    ['iam.test.ts', 'is one the reviewed list holds, and the list holds nothing else'],
  ],
  'AWS::Events::Rule': [
    [
      'stack.test.ts',
      'routes objects created under incoming/ to ingest, with retries and an encrypted dead-letter queue',
    ],
  ],
  'AWS::Scheduler::ScheduleGroup': [
    [
      'stack.test.ts',
      'starts one run per burst of uploads through a one-time schedule in its own group, with a role that only starts the run',
    ],
  ],
  'AWS::Scheduler::Schedule': [
    ['stack.test.ts', 'starts a report run on the configured schedule with {"trigger":"schedule"}'],
  ],
};

let synth: Synth;
let template: Template;

beforeAll(() => {
  synth = buildTestApp();
  template = templateOf(synth);
});
afterAll(() => synth.cleanup());

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The template with what is not the stack's own replaced by named placeholders. */
function normalised(): Json {
  const json = structuredClone(template.toJSON()) as { Resources: Record<string, Json> };
  const machine = json.Resources[logicalId(synth, synth.stack.workflow.stateMachine)] as {
    Properties: { DefinitionString: Json };
  };
  // Only when it is the file verbatim: anything else stays, so the snapshot shows it.
  if (machine.Properties.DefinitionString === readFileSync(WORKFLOW_DEFINITION_PATH, 'utf8'))
    machine.Properties.DefinitionString = '<functions/workflow/report.asl.json>';
  // Asset hashes (sha256 of a bundle or of the DuckDB layer): S3 keys of the assets.
  const visit = (value: Json): Json => {
    if (typeof value === 'string') return value.replace(/\b[0-9a-f]{64}\b/g, '<asset hash>');
    if (Array.isArray(value)) return value.map(visit);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v)]));
    return value;
  };
  return visit(json as Json);
}

describe('the synthesized template', () => {
  it('matches the checked-in snapshot', async () => {
    // One property a line (a change shows as the lines it touches), formatted as `npm run lint`
    // (Prettier) wants the file, so an update passes lint as written.
    const options = (await resolveConfig(SNAPSHOT)) ?? {};
    const json = JSON.stringify(normalised(), null, 2);
    const text = await format(json, { ...options, filepath: SNAPSHOT });
    await expect(
      text,
      `The synthesized template changed. Review the difference; if it is meant, update the snapshot with \`${UPDATE}\` and commit it with the change.`,
    ).toMatchFileSnapshot(SNAPSHOT);
  });

  it('holds no asset hash or machine path once normalised', () => {
    const text = JSON.stringify(normalised());
    expect(text).not.toMatch(/[0-9a-f]{64}/);
    expect(text).not.toContain(synth.outdir);
    expect(text).not.toContain(import.meta.dirname.replace(/test\/infra$/, ''));
    expect(text).toContain('<functions/workflow/report.asl.json>');
  });

  it('has an assertion for every resource type it holds', () => {
    const types = new Set(
      Object.values(template.toJSON().Resources as Record<string, { Type: string }>).map(
        (r) => r.Type,
      ),
    );
    expect(
      [...types].filter((t) => !(t in COVERED)).sort(),
      'Resource types no test asserts: assert each (Template.hasResourceProperties in stack.test.ts), then add it to COVERED in test/infra/template.test.ts',
    ).toEqual([]);
    expect(
      Object.keys(COVERED).filter((t) => !types.has(t)),
      'COVERED lists types the template no longer has',
    ).toEqual([]);
  });

  it('names tests that exist', () => {
    const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const [type, tests] of Object.entries(COVERED)) {
      expect(tests.length, type).toBeGreaterThan(0);
      for (const [file, title] of tests) {
        const source = readFileSync(join(import.meta.dirname, file), 'utf8');
        expect(source, `${type}: no it('${title}') in ${file}`).toMatch(
          new RegExp(`\\bit\\(\\s*(['"\`])${escape(title)}\\1`),
        );
      }
    }
  });
});
