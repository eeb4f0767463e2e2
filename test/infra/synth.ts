import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { buildInsightsApp } from '../../infra/insights-app.ts';
import { REPO_ROOT } from '../../infra/paths.ts';
import type { InsightsFunction } from '../../infra/constructs/insights-function.ts';
import type { InsightsStack } from '../../infra/stack.ts';

/** The context `cdk synth` runs with (our settings and the feature flags), so tests synth the same stack. */
export const CDK_JSON_CONTEXT = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

export interface Synth {
  app: App;
  stack: InsightsStack;
  outdir: string;
  /** Removes the cloud assembly (the staged DuckDB layer alone is ~70 MB). */
  cleanup: () => void;
}

/**
 * Builds the app as infra/app.ts does, in a temporary outdir. Unless asked for, bundling the
 * seven functions and staging assets are skipped (most assertions are about the template) and
 * CloudFormation Validate findings stay warnings (nag.test.ts holds the synth to every rule,
 * so one finding fails one test rather than every template assertion).
 */
export function buildTestApp(
  options: {
    bundle?: boolean;
    nag?: boolean;
    strict?: boolean;
    context?: Record<string, unknown>;
  } = {},
): Synth {
  const outdir = mkdtempSync(join(tmpdir(), 'insights-cdk-'));
  const { app, stack } = buildInsightsApp({
    outdir,
    nag: options.nag ?? false,
    context: {
      ...CDK_JSON_CONTEXT,
      // Without bundling, nothing needs assets copied into the outdir either (the DuckDB layer is ~70 MB).
      ...(options.bundle
        ? {}
        : { 'aws:cdk:bundling-stacks': [], 'aws:cdk:disable-asset-staging': true }),
      ...(options.strict ? {} : { '@aws-cdk/core:validateAgainstDefaultRules': false }),
      ...options.context,
    },
  });
  return { app, stack, outdir, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
}

export const templateOf = (synth: Synth): Template => Template.fromStack(synth.stack);

/** The stack's seven Lambdas by handler name. */
export const functionsOf = (synth: Synth): [string, InsightsFunction][] => [
  ['ingest', synth.stack.ingest.function],
  ['plan', synth.stack.workflow.functions.plan],
  ['aggregate', synth.stack.workflow.functions.aggregate],
  ['analyze', synth.stack.workflow.functions.analyze],
  ['assemble', synth.stack.workflow.functions.assemble],
  ['notify', synth.stack.notify.function],
  ['report-link', synth.stack.reportLink.function],
];

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Statement = {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
};

/** Logical id of a construct's CloudFormation resource (its default child). */
export function logicalId(synth: Synth, construct: { node: { defaultChild?: unknown } }): string {
  return synth.stack.resolve(
    (construct.node.defaultChild as { logicalId: string }).logicalId,
  ) as string;
}

/**
 * The Allow statements of every policy attached to a role, with resources flattened the way
 * cdk-nag names them (`<LakeBucket1234.Arn>/runs/*`).
 */
export function statementsOf(template: Template, roleLogicalId: string) {
  const policies = Object.values(template.toJSON().Resources as Record<string, Resource>).filter(
    (r) =>
      r.Type === 'AWS::IAM::Policy' &&
      (r.Properties?.['Roles'] as unknown[]).some(
        (ref) => JSON.stringify(ref) === JSON.stringify({ Ref: roleLogicalId }),
      ),
  );
  return policies.flatMap((p) =>
    ((p.Properties?.['PolicyDocument'] as { Statement: Statement[] }).Statement ?? [])
      .filter((s) => s.Effect === 'Allow')
      .map((s) => ({
        actions: [s.Action].flat(),
        resources: [s.Resource].flat().map((r) => flattenCfnReference(r)),
        condition: s.Condition,
      })),
  );
}

/** Resources (flattened) on which a role is allowed an action. */
export function resourcesFor(template: Template, roleLogicalId: string, action: string): string[] {
  return statementsOf(template, roleLogicalId)
    .filter((s) => s.actions.includes(action))
    .flatMap((s) => s.resources)
    .sort();
}
