import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { buildTestApp, type Synth } from './synth.ts';

/** Every acknowledgement in the tree: where, which finding, and why. */
function acknowledgements(root: IConstruct) {
  return root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
      ),
  );
}

describe('cdk-nag AwsSolutions and CloudFormation Validate, as `cdk synth` runs them', () => {
  let synth: Synth;
  let error: unknown;

  beforeAll(() => {
    // cdk.json's context exactly (validation findings are errors), with the nag plugin.
    synth = buildTestApp({ nag: true, strict: true });
    try {
      synth.app.synth();
    } catch (e) {
      error = e;
    }
  });
  afterAll(() => synth.cleanup());

  it('synthesizes with no unacknowledged finding', () => {
    // On failure the message is the validation report: rule, construct path, how to acknowledge.
    expect(error === undefined ? '' : String((error as Error).message)).toBe('');
  });

  it('gives every acknowledgement a reason', () => {
    const all = acknowledgements(synth.app);
    expect(all.length).toBeGreaterThan(0);
    for (const { path, id, reason } of all)
      expect(reason.length, `${path} ${id}`).toBeGreaterThan(40);
  });

  it('acknowledges only the reviewed kinds of finding', () => {
    const kinds = new Set(
      acknowledgements(synth.app).map(({ id }) =>
        id.replace(/^annotation::/i, '').replace(/<LakeBucket\w+\.Arn>/, '<LakeBucket.Arn>'),
      ),
    );
    expect([...kinds].sort()).toEqual(
      [
        // X-Ray and Step Functions log delivery have no resource-level permissions.
        'AwsSolutions-IAM5[Resource::*]',
        // Object keys under a lake prefix.
        ...[
          'athena-results',
          'catalog',
          'config',
          'curated',
          'incoming',
          'manifests',
          'quarantine',
          'reports',
          'runs',
        ].map((p) => `AwsSolutions-IAM5[Resource::<LakeBucket.Arn>/${p}/*]`),
        // Glue tables of our database, created per dataset at run time.
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:table/serverless_insights/*]',
        // Ingest's one-time run schedules, named per time slot, in the stack's own group.
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/ServerlessInsights-Ingest-RunSchedules-676B6BA7/*]',
        // Dead-letter queues need no dead-letter queue.
        'AwsSolutions-SQS3',
        // The report link key is rotated by hand: a new value revokes every link sent.
        'AwsSolutions-SMG4',
        // Alarm messages carry no data; CloudWatch cannot publish under the AWS-managed SNS key.
        'AwsSolutions-SNS2',
      ].sort(),
    );
  });
});

it('fails the synth on an unacknowledged finding (the check is live)', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'insights-cdk-'));
  onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
  const app = new App({ outdir });
  const stack = new Stack(app, 'Control');
  new Bucket(stack, 'PlainBucket');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
});
