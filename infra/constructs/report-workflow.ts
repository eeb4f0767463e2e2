import { readFileSync } from 'node:fs';
import { Duration, Stack } from 'aws-cdk-lib';
import { ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  DefinitionBody,
  LogLevel,
  StateMachine,
  StateMachineType,
} from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { WORKFLOW_DEFINITION_PATH } from '../paths.ts';
import { logGroup } from './defaults.ts';
import { InsightsFunction, type FunctionSettings } from './insights-function.ts';
import type { LakeStorage } from './lake.ts';
import { STEP_MEMORY_MB } from '../../functions/workflow/step-memory.ts';

export interface ReportWorkflowProps {
  readonly lake: LakeStorage;
  readonly settings: FunctionSettings;
  /** The function behind the Notify and NotifyFailure states. */
  readonly notifyFunction: IFunction;
  /**
   * The state machine JSON, with `${<Task>FunctionArn}` placeholders.
   * @default functions/workflow/report.asl.json (the file the local runtime runs)
   */
  readonly definitionPath?: string;
}

/**
 * A report run: the Plan, Aggregate, Analyze and Assemble functions and the state machine
 * that chains them (and Notify). The state machine is the JSON file itself, inlined, with the
 * function ARNs substituted: the same definition runs locally and in AWS.
 */
export class ReportWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  /** Execution history, level ALL with execution data. */
  readonly logGroup: LogGroup;
  readonly functions: Record<'plan' | 'aggregate' | 'analyze' | 'assemble', InsightsFunction>;
  /** Placeholder name -> function ARN, as passed to `definitionSubstitutions`. */
  readonly definitionSubstitutions: Record<string, string>;

  constructor(scope: Construct, id: string, props: ReportWorkflowProps) {
    super(scope, id);
    const { lake, settings } = props;

    const plan = new InsightsFunction(this, 'Plan', {
      handler: 'plan',
      description: 'Decides the datasets, aggregates and analyses of a run',
      settings,
      memorySize: STEP_MEMORY_MB.plan,
      timeout: Duration.minutes(1),
    });
    // config/ holds the contracts people provide, which win over the inferred ones in catalog/.
    lake.grantPrefixes(plan.role, { read: ['catalog', 'config', 'manifests'], write: ['runs'] });

    // Aggregate waits on Athena; Analyze fits models in memory (more memory also buys CPU).
    const aggregate = new InsightsFunction(this, 'Aggregate', {
      handler: 'aggregate',
      description: 'Runs the shared SQL aggregates of a run in Athena',
      settings,
      memorySize: STEP_MEMORY_MB.aggregate,
      timeout: Duration.minutes(10),
    });
    const analyze = new InsightsFunction(this, 'Analyze', {
      handler: 'analyze',
      description: 'Runs one analysis of a run',
      settings,
      memorySize: STEP_MEMORY_MB.analyze,
      timeout: Duration.minutes(10),
    });
    for (const fn of [aggregate, analyze]) {
      lake.grantQueries(fn.role);
      lake.grantPrefixes(fn.role, { read: ['runs'], write: ['runs'] });
    }

    const assemble = new InsightsFunction(this, 'Assemble', {
      handler: 'assemble',
      description: 'Writes the report of a run (Markdown, HTML, JSON)',
      settings,
      memorySize: STEP_MEMORY_MB.assemble,
      timeout: Duration.minutes(2),
    });
    // runs/: the plan (which carries the manifests' figures), aggregates and findings;
    // quarantine/: the report lists the first quarantined rows of each dataset. The report
    // is written to runs/<run>/report/ first, then copied into reports/ (publish.ts).
    lake.grantPrefixes(assemble.role, {
      read: ['runs', 'quarantine'],
      write: ['runs', 'reports'],
    });

    this.functions = { plan, aggregate, analyze, assemble };
    this.definitionSubstitutions = {
      PlanFunctionArn: plan.function.functionArn,
      AggregateFunctionArn: aggregate.function.functionArn,
      AnalyzeFunctionArn: analyze.function.functionArn,
      AssembleFunctionArn: assemble.function.functionArn,
      NotifyFunctionArn: props.notifyFunction.functionArn,
    };

    this.logGroup = logGroup(
      this,
      'Logs',
      settings.logRetention,
      // Under /aws/vendedlogs/ Step Functions need not grow the account's log resource policy.
      `/aws/vendedlogs/states/${Stack.of(this).stackName}-report`,
    );
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      // fromString inlines the JSON (fromFile would upload it as an asset).
      definitionBody: DefinitionBody.fromString(
        readFileSync(props.definitionPath ?? WORKFLOW_DEFINITION_PATH, 'utf8'),
      ),
      definitionSubstitutions: this.definitionSubstitutions,
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
      // No `timeout` here: with a string definition CDK cannot add TimeoutSeconds; a run
      // time limit belongs in the JSON file.
    });
    // Exactly these five functions, unqualified (the definition invokes $LATEST). grantInvoke
    // would also add `<arn>:*` (every version and alias).
    this.stateMachine.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: Object.values(this.definitionSubstitutions),
      }),
    );
    acknowledge(
      this.stateMachine.role,
      'IAM5[Resource::*]',
      'Execution logging (logs:CreateLogDelivery, logs:GetLogDelivery, ... ) and X-Ray (xray:PutTraceSegments, ...) do not support resource-level permissions; the Lambda grants are by ARN.',
    );

    this.stateMachine
      .metricFailed({ period: Duration.minutes(5) })
      .createAlarm(this, 'FailedRunsAlarm', {
        alarmDescription:
          'A report run failed (its recipients were told, if NotifyFailure could run).',
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
  }
}
