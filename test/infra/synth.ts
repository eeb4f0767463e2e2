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

/**
 * A CloudFormation reference made readable and stable: `<LakeBucketB1D32E10.Arn>/runs/*` ->
 * `<LakeBucket.Arn>/runs/*`. The 8 hex digits CDK appends to a logical id hash its construct
 * path, which the readable part already names.
 */
export const readable = (value: unknown): string =>
  flattenCfnReference(value).replace(/<([A-Za-z][A-Za-z0-9]*?)[0-9A-F]{8}((?:\.\w+)?)>/g, '<$1$2>');

const withoutHash = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');

/** Condition values flattened the same way, keys kept. */
function readableCondition(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(readableCondition);
  if (value && typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'Ref' || keys[0]!.startsWith('Fn::')))
      return readable(value);
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, readableCondition(v)] as const),
    );
  }
  return value;
}

/** One statement of one policy of the template. */
export interface TemplateStatement {
  /**
   * Whose policy: `role <Role>` (what a role may do), `trust <Role>` (who may assume it),
   * `bucket <Bucket>`, `queue <Queue>`, `function <Function>` (a Lambda permission), or
   * `<Type> <LogicalId>` for any other resource that holds a policy document.
   */
  policy: string;
  effect: string;
  /** Resource and trust policies: `Service:events.amazonaws.com`, `AWS:*`, `*`. */
  principal?: string;
  actions: string[];
  resources: string[];
  condition?: unknown;
}

type Doc = { Statement: Record<string, unknown>[] };
const isDoc = (value: unknown): value is Doc =>
  !!value && typeof value === 'object' && Array.isArray((value as Doc).Statement);

/** Every policy document under a value (a resource's properties), with the path that leads to it. */
function docsUnder(value: unknown, path: string[] = []): { path: string[]; doc: Doc }[] {
  if (isDoc(value)) return [{ path, doc: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => docsUnder(v, [...path, String(i)]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => docsUnder(v, [...path, k]));
  return [];
}

function principalOf(principal: unknown): string | undefined {
  if (principal === undefined) return undefined;
  if (typeof principal === 'string') return principal;
  return Object.entries(principal as Record<string, unknown>)
    .flatMap(([kind, ids]) => [ids].flat().map((id) => `${kind}:${readable(id)}`))
    .sort()
    .join(' ');
}

/**
 * Every statement of every policy in the template: identity policies (AWS::IAM::Policy, a
 * role's inline policies, AWS::IAM::ManagedPolicy), role trust policies, resource policies
 * (bucket, queue, and any other resource that holds a policy document) and Lambda permissions
 * (statements of a function's resource policy). Managed policy ARNs attached to a role come out
 * as a statement with the action `managed-policy`.
 */
export function templateStatements(template: Template): TemplateStatement[] {
  const resources = template.toJSON().Resources as Record<string, Resource>;
  const out: TemplateStatement[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::Lambda::Permission') {
      const condition = Object.fromEntries(
        ['SourceArn', 'SourceAccount', 'FunctionUrlAuthType', 'InvokedViaFunctionUrl']
          .filter((k) => props[k] !== undefined)
          .map((k) => [k, readableCondition(props[k])]),
      );
      out.push({
        policy: `function ${readable(props['FunctionName']).replace(/^<(.*)\.Arn>$/, '$1')}`,
        effect: 'Allow',
        principal: readable(props['Principal']),
        actions: [String(props['Action'])],
        resources: [readable(props['FunctionName'])],
        ...(Object.keys(condition).length ? { condition } : {}),
      });
      continue;
    }
    for (const arn of (props['ManagedPolicyArns'] as unknown[] | undefined) ?? []) {
      out.push({
        policy: `role ${withoutHash(id)}`,
        effect: 'Allow',
        actions: ['managed-policy'],
        resources: [readable(arn)],
      });
    }
    for (const { path, doc } of docsUnder(props)) {
      const owners = (ref: unknown) =>
        [ref]
          .flat()
          .map((r) => readable(r).replace(/^<(.*)>$/, '$1'))
          .join(' ');
      const policy =
        resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy'
          ? `role ${owners(props['Roles'])}`
          : resource.Type === 'AWS::IAM::Role'
            ? `${path[0] === 'AssumeRolePolicyDocument' ? 'trust' : 'role'} ${withoutHash(id)}`
            : resource.Type === 'AWS::S3::BucketPolicy'
              ? `bucket ${owners(props['Bucket'])}`
              : resource.Type === 'AWS::SQS::QueuePolicy'
                ? `queue ${owners(props['Queues'])}`
                : `${resource.Type} ${withoutHash(id)}`;
      for (const s of doc.Statement) {
        const principal = principalOf(s['Principal']);
        out.push({
          policy,
          effect: String(s['Effect']),
          ...(principal !== undefined ? { principal } : {}),
          actions: [s['Action']].flat().map(String).sort(),
          resources: [s['Resource'] ?? []].flat().map(readable).sort(),
          ...(s['Condition'] !== undefined ? { condition: readableCondition(s['Condition']) } : {}),
        });
      }
    }
  }
  return out;
}

/** A statement on one line, as the reviewed list in iam.test.ts holds it. */
export const statementLine = (s: TemplateStatement): string =>
  [
    `${s.policy}:`,
    s.effect,
    ...(s.principal !== undefined ? [`[${s.principal}]`] : []),
    s.actions.join(' '),
    ...(s.resources.length ? ['on', s.resources.join(' ')] : []),
    ...(s.condition !== undefined ? ['if', JSON.stringify(s.condition)] : []),
  ].join(' ');
