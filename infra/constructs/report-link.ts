import { Duration } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { FunctionUrlAuthType, type FunctionUrl } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge, acknowledgeWildcardResource } from '../nag.ts';
import { InsightsFunction, type FunctionSettings } from './insights-function.ts';
import type { LakeStorage } from './lake.ts';

export interface ReportLinkProps {
  readonly lake: LakeStorage;
  /** The shared settings; of their environment the link function gets LAKE_BUCKET only. */
  readonly settings: FunctionSettings;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
}

/**
 * The emailed report link: a generated signing secret, and the function behind a Lambda
 * Function URL that checks a link's token (functions/platform/report-link-token.ts) for
 * `/r/<token>/<file>`, serves the report page itself (so that its relative links to its
 * tables come back here with the token) and redirects the tables to presigned S3 URLs that
 * live five minutes. The link itself lives as long as its token says (REPORT_LINK_DAYS),
 * whatever the lifetime of the credentials that presign.
 */
export class ReportLink extends Construct {
  readonly function: InsightsFunction;
  readonly url: FunctionUrl;
  /** HMAC-SHA256 key of the tokens: notify signs with it, the link function verifies. */
  readonly secret: Secret;

  constructor(scope: Construct, id: string, props: ReportLinkProps) {
    super(scope, id);
    const { lake } = props;

    this.secret = new Secret(this, 'SigningKey', {
      description:
        'serverless-insights: signs the emailed report links; a new value revokes every link already sent',
      // 64 letters and digits: ~380 bits, above the 256 of the HMAC-SHA256 output.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
    });
    acknowledge(
      this.secret,
      'SMG4',
      'Rotating the report link key revokes every link already emailed, so it is rotated by hand (a new secret value) when a link must be revoked or the key is exposed, not on a schedule.',
    );

    this.function = new InsightsFunction(this, 'ReportLink', {
      handler: 'report-link',
      description:
        'Opens an emailed report link: checks its signed token, serves the report, redirects to its tables',
      // No Glue database or Athena workgroup: this function only reads and presigns reports.
      settings: { ...props.settings, environment: { LAKE_BUCKET: lake.bucket.bucketName } },
      environment: { REPORT_LINK_SECRET_ARN: this.secret.secretArn },
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(10),
    });

    // Auth NONE on purpose: the link is opened by a person's browser from an email, with no AWS
    // credentials. The HMAC token in the path (`/r/<token>/...`) is the authentication: without
    // the secret nobody can name a report or extend an expiry, and a token opens only the
    // report files of its own reports/<run-id>/ folder. The function can do nothing else: its
    // role reads reports/* and the key.
    this.url = this.function.function.addFunctionUrl({ authType: FunctionUrlAuthType.NONE });

    const role = this.function.role;
    // GetObject on reports/* only, and no listing: the function reads report pages with it to
    // serve them, and the presigned URLs are signed with this role, so S3 itself refuses any
    // key outside reports/, whatever a token says.
    const reports = lake.bucket.arnForObjects('reports/*');
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [reports] }),
    );
    acknowledgeWildcardResource(
      role,
      reports,
      'Report keys are made per run (reports/<run-id>/...); the link function reads and presigns reads of any report and of nothing else.',
    );
    this.secret.grantRead(role);
  }

  /** Lets `grantee` sign report links: read the signing key. */
  grantSigning(grantee: IGrantable): void {
    this.secret.grantRead(grantee);
  }
}
