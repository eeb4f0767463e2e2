import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { InsightsConfig } from './config.ts';
import { Ingest } from './constructs/ingest.ts';
import type { FunctionSettings } from './constructs/insights-function.ts';
import { LakeStorage } from './constructs/lake.ts';
import { Notify } from './constructs/notify.ts';
import { ReportLink } from './constructs/report-link.ts';
import { ReportSchedule } from './constructs/schedule.ts';
import { ReportWorkflow } from './constructs/report-workflow.ts';
import { Alerts } from './constructs/alerts.ts';

export interface InsightsStackProps extends StackProps {
  /** Validated deployment settings (see config.ts for each key and its default). */
  readonly config: InsightsConfig;
}

/**
 * serverless-insights in AWS: the lake (S3, Glue, Athena), ingest on file arrival, the report
 * workflow (Step Functions over Lambda), its schedule, the email that tells people, and the
 * link function that opens the emailed report.
 */
export class InsightsStack extends Stack {
  readonly lake: LakeStorage;
  readonly reportLink: ReportLink;
  readonly notify: Notify;
  readonly workflow: ReportWorkflow;
  readonly ingest: Ingest;
  readonly schedule: ReportSchedule;
  /** The environment every function gets (see Notify and Ingest for the rest of the contract). */
  readonly functionEnvironment: Record<string, string>;
  readonly alerts: Alerts;

  constructor(scope: Construct, id: string, props: InsightsStackProps) {
    super(scope, id, props);
    const { config } = props;

    this.lake = new LakeStorage(this, 'Lake', {
      name: this.stackName,
      bytesScannedCutoffPerQuery: config.bytesScannedCutoffPerQuery,
      athenaResultsExpiration: Duration.days(config.athenaResultsDays),
    });

    // What every function gets. The rest of the contract goes only where it is used (mail
    // settings to notify, the run-scheduling settings to ingest): the AWS runtime acts on what it finds,
    // e.g. it reads the recipients parameter at cold start when RECIPIENTS_PARAMETER is set,
    // which only notify may do.
    this.functionEnvironment = {
      LAKE_BUCKET: this.lake.bucket.bucketName,
      GLUE_DATABASE: this.lake.databaseName,
      ATHENA_WORKGROUP: this.lake.workGroupName,
    };
    const settings: FunctionSettings = {
      environment: this.functionEnvironment,
      logLevel: config.logLevel,
      // One namespace per deployed stack: two stacks in an account keep their figures apart.
      metricsNamespace: this.stackName,
      logRetention: config.logRetentionDays,
    };

    this.reportLink = new ReportLink(this, 'ReportLink', { lake: this.lake, settings });
    this.notify = new Notify(this, 'Notify', {
      reportLink: this.reportLink,
      lake: this.lake,
      settings,
      // A fixed, readable name: operators edit this parameter to change who is told.
      recipientsParameterName: `/${this.stackName}/recipients`,
      recipients: config.recipients,
      mailFrom: config.mailFrom,
      reportLinkDays: config.reportLinkDays,
    });
    this.workflow = new ReportWorkflow(this, 'Workflow', {
      lake: this.lake,
      settings,
      notifyFunction: this.notify.function.function,
    });
    this.ingest = new Ingest(this, 'Ingest', {
      lake: this.lake,
      settings,
      stateMachine: this.workflow.stateMachine,
      runQuietPeriod: Duration.minutes(config.runQuietMinutes),
      duckDbArchitecture: config.duckdbArchitecture,
    });
    this.schedule = new ReportSchedule(this, 'Schedule', {
      stateMachine: this.workflow.stateMachine,
      expression: config.schedule,
      timeZone: config.scheduleTimeZone,
    });

    // Last, once every alarm exists: the recipients hear of a failed run or a parked event.
    this.alerts = new Alerts(this, 'Alerts', { emails: config.recipients });
    this.alerts.watchAlarms();

    new CfnOutput(this, 'LakeBucketName', {
      value: this.lake.bucket.bucketName,
      description: 'Drop files under incoming/<dataset>/; reports appear under reports/<run-id>/',
    });
    new CfnOutput(this, 'StateMachineArn', {
      value: this.workflow.stateMachine.stateMachineArn,
      description: 'Start a report run by hand with input {"trigger":"manual"}',
    });
  }
}
