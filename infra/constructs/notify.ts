import { Duration, Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StringParameter } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { mailDomain } from '../config.ts';
import { InsightsFunction, type FunctionSettings } from './insights-function.ts';
import type { LakeStorage } from './lake.ts';
import type { ReportLink } from './report-link.ts';
import { STEP_MEMORY_MB } from '../../functions/workflow/step-memory.ts';

export interface NotifyProps {
  /** Where the emailed links point (REPORT_LINK_URL) and the key notify signs them with. */
  readonly reportLink: ReportLink;
  /** Where the run record goes: `runs/<run>/outcome.json`. */
  readonly lake: LakeStorage;
  readonly settings: FunctionSettings;
  /** Name of the SSM String parameter holding the comma-separated recipients. */
  readonly recipientsParameterName: string;
  /** Its initial value; operators change the parameter, not the stack. */
  readonly recipients: string[];
  /** Sender address; sending is allowed only from it, through its own or its domain's SES identity. */
  readonly mailFrom: string;
  /** How many days an emailed report link stays valid (REPORT_LINK_DAYS, 1-90). */
  readonly reportLinkDays: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
}

/** Tells people: the recipients parameter and the function that emails a report link (or a failure). */
export class Notify extends Construct {
  readonly function: InsightsFunction;
  readonly recipientsParameter: StringParameter;

  constructor(scope: Construct, id: string, props: NotifyProps) {
    super(scope, id);
    this.recipientsParameter = new StringParameter(this, 'Recipients', {
      parameterName: props.recipientsParameterName,
      stringValue: props.recipients.join(','),
      description:
        'serverless-insights: comma-separated email addresses that receive the report link',
    });

    this.function = new InsightsFunction(this, 'Notify', {
      handler: 'notify',
      description: 'Emails the link to a run report, or the failure of a run',
      settings: props.settings,
      environment: {
        RECIPIENTS_PARAMETER: this.recipientsParameter.parameterName,
        MAIL_FROM: props.mailFrom,
        REPORT_LINK_DAYS: String(props.reportLinkDays),
        REPORT_LINK_URL: props.reportLink.url.url,
        REPORT_LINK_SECRET_ARN: props.reportLink.secret.secretArn,
      },
      memorySize: STEP_MEMORY_MB.notify,
      timeout: props.timeout ?? Duration.seconds(30),
    });
    const role = this.function.role;
    // Signing a link needs the key, not the report: the link function reads the report when
    // the link is opened.
    props.reportLink.grantSigning(role);
    // The run record only: notify reads nothing of the lake.
    props.lake.grantPrefixes(role, { write: ['runs'] });
    this.recipientsParameter.grantRead(role);

    // SES authorises a send against the identity that verified the sender: the address
    // itself, or its domain, whichever the account verified.
    const identity = (name: string) =>
      Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: name });
    role.addToPrincipalPolicy(
      new PolicyStatement({
        // SESv2 SendEmail is authorised as ses:SendEmail; raw MIME (attachments) as ses:SendRawEmail.
        actions: ['ses:SendEmail', 'ses:SendRawEmail'],
        resources: [identity(mailDomain(props.mailFrom)), identity(props.mailFrom)],
        conditions: { StringEquals: { 'ses:FromAddress': props.mailFrom } },
      }),
    );
  }
}
