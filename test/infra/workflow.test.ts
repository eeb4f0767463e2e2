import { readFileSync } from 'node:fs';
import type { Template } from 'aws-cdk-lib/assertions';
import aslValidator from 'asl-validator';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKFLOW_DEFINITION_PATH } from '../../infra/paths.ts';
import { buildTestApp, logicalId, resourcesFor, templateOf, type Synth } from './synth.ts';

const source = readFileSync(WORKFLOW_DEFINITION_PATH, 'utf8');
// Anything in ${...} is a placeholder to CloudFormation, which substitutes (or rejects) it.
const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1] ?? ''))].sort();
const substitute = (text: string, values: Record<string, string>) =>
  text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => values[name] ?? whole);

let synth: Synth;
const declaredSubstitutions = () =>
  Object.fromEntries(
    Object.entries(machine.DefinitionSubstitutions).map(([k, v]) => [k, flattenCfnReference(v)]),
  );
let template: Template;
let machine: {
  DefinitionString: unknown;
  DefinitionSubstitutions: Record<string, unknown>;
} & Record<string, unknown>;

beforeAll(() => {
  synth = buildTestApp();
  template = templateOf(synth);
  machine =
    template.toJSON().Resources[logicalId(synth, synth.stack.workflow.stateMachine)].Properties;
});
afterAll(() => synth.cleanup());

describe('report.asl.json', () => {
  it('is valid Amazon States Language, paths and ARNs included', () => {
    const result = aslValidator(JSON.parse(source), { checkPaths: true, checkArn: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('stays valid with real ARNs in place of the placeholders', () => {
    const arn = (name: string) => `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
    const deployed = substitute(
      source,
      Object.fromEntries(placeholders(source).map((p) => [p, arn(p)])),
    );
    expect(placeholders(deployed)).toEqual([]);
    expect(aslValidator(JSON.parse(deployed), { checkPaths: true, checkArn: true }).isValid).toBe(
      true,
    );
  });
});

describe('the deployed state machine', () => {
  it('is the very file the local runtime executes, with the substitutions the stack declares', () => {
    // fromString inlines the file: a plain string, not an asset or a generated definition.
    expect(typeof machine.DefinitionString).toBe('string');
    const declared = declaredSubstitutions();
    const deployed = JSON.parse(
      substitute(machine.DefinitionString as string, declared),
    ) as unknown;
    const local = JSON.parse(substitute(source, declared)) as unknown;
    expect(deployed).toEqual(local);
    for (const name of Object.keys(declared)) expect(source).toContain(`\${${name}}`);
  });

  it('declares a substitution for every ${...} in the file, and no other', () => {
    // An undeclared ${...} (even in a Comment) is left for CloudFormation to resolve or reject;
    // cfn-lint and CDK's CloudFormation Validate report it as E1029.
    expect(placeholders(source)).toEqual(Object.keys(declaredSubstitutions()).sort());
  });

  it('substitutes each placeholder with the function of the same name', () => {
    const { plan, aggregate, analyze, assemble } = synth.stack.workflow.functions;
    const expected = {
      PlanFunctionArn: plan,
      AggregateFunctionArn: aggregate,
      AnalyzeFunctionArn: analyze,
      AssembleFunctionArn: assemble,
      NotifyFunctionArn: synth.stack.notify.function,
    };
    for (const [placeholder, fn] of Object.entries(expected)) {
      expect(
        fn.entry.endsWith(
          `functions/handlers/${placeholder.replace('FunctionArn', '').toLowerCase()}.ts`,
        ),
      ).toBe(true);
      expect(machine.DefinitionSubstitutions[placeholder]).toEqual({
        'Fn::GetAtt': [logicalId(synth, fn.function), 'Arn'],
      });
    }
  });

  it('logs every execution with its data and is traced', () => {
    expect(machine['StateMachineType']).toBe('STANDARD');
    expect(machine['TracingConfiguration']).toEqual({ Enabled: true });
    const logs = logicalId(synth, synth.stack.workflow.logGroup);
    expect(machine['LoggingConfiguration']).toEqual({
      Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [logs, 'Arn'] } } }],
      IncludeExecutionData: true,
      Level: 'ALL',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: '/aws/vendedlogs/states/ServerlessInsights-report',
    });
  });

  it('may invoke exactly the five functions of the definition, and nothing else', () => {
    const role = logicalId(synth, synth.stack.workflow.stateMachine.role);
    const { plan, aggregate, analyze, assemble } = synth.stack.workflow.functions;
    const five = [plan, aggregate, analyze, assemble, synth.stack.notify.function].map(
      (fn) => `<${logicalId(synth, fn.function)}.Arn>`,
    );
    expect(resourcesFor(template, role, 'lambda:InvokeFunction')).toEqual(five.sort());
  });
});
