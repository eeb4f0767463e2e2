import { Aws, Duration, Stack } from 'aws-cdk-lib';
import { CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase } from 'aws-cdk-lib/aws-glue';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeWildcardResource } from '../nag.ts';
import { secureBucket } from './defaults.ts';

/** The top-level folders of the lake (see DESIGN.md "The lake"). */
export const LAKE_PREFIXES = [
  'incoming',
  'curated',
  'quarantine',
  'manifests',
  'catalog',
  // Contracts a person provides (`config/contracts/<dataset>.json`); only read by the stack.
  'config',
  'runs',
  'reports',
  'athena-results',
] as const;
export type LakePrefix = (typeof LAKE_PREFIXES)[number];

/** Object access by top-level prefix. */
export interface LakeAccess {
  /** GetObject (and GetObjectVersion) on `<prefix>/*`. @default - none */
  readonly read?: LakePrefix[];
  /** PutObject (and AbortMultipartUpload) on `<prefix>/*`. @default - none */
  readonly write?: LakePrefix[];
  /** DeleteObject on `<prefix>/*`. @default - none */
  readonly delete?: LakePrefix[];
}

export interface LakeStorageProps {
  /** Base of the Glue database and Athena workgroup names (unique per account and region). */
  readonly name: string;
  /** Athena fails a query that scans more than this. */
  readonly bytesScannedCutoffPerQuery: number;
  /** @default Duration.days(7) */
  readonly athenaResultsExpiration?: Duration;
  /** Older versions of overwritten or deleted objects are kept this long. @default Duration.days(30) */
  readonly noncurrentVersionExpiration?: Duration;
  /** @default Duration.days(365) */
  readonly accessLogsExpiration?: Duration;
}

/**
 * The lake: one bucket (prefixes per DESIGN.md) with its access-log bucket, the Glue
 * database over it, and the Athena workgroup that queries it. Grants are by prefix.
 */
export class LakeStorage extends Construct {
  readonly bucket: Bucket;
  readonly logsBucket: Bucket;
  readonly databaseName: string;
  readonly workGroupName: string;
  readonly workGroupArn: string;
  /** Prefix findings already acknowledged per role: one acknowledgement per finding. */
  private readonly acknowledgedPrefixes = new Map<IRole, Set<LakePrefix>>();
  /** Roles whose Glue table wildcard finding is already acknowledged. */
  private readonly acknowledgedTables = new Set<IRole>();

  constructor(scope: Construct, id: string, props: LakeStorageProps) {
    super(scope, id);

    // cdk-nag S1 recognises a bucket that receives access logs: no log bucket for the log bucket.
    this.logsBucket = secureBucket(this, 'AccessLogs', {
      versioned: false,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: props.accessLogsExpiration ?? Duration.days(365) },
      ],
    });

    this.bucket = secureBucket(this, 'Bucket', {
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'lake/',
      lifecycleRules: [
        {
          id: 'expire-athena-results',
          prefix: 'athena-results/',
          expiration: props.athenaResultsExpiration ?? Duration.days(7),
          noncurrentVersionExpiration: Duration.days(1),
        },
        {
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: props.noncurrentVersionExpiration ?? Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
    });
    // S3 -> EventBridge notifications, set natively on the bucket. The L2 `eventBridgeEnabled`
    // does the same through a custom resource (an extra Python Lambda, a managed policy and
    // `*` grants that cdk-nag flags). Do not add `bucket.addEventNotification(...)` later: that
    // custom resource would overwrite this setting.
    (this.bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };

    // Glue and Athena names: lower case, underscores for Glue (Athena quotes hyphens).
    const base = props.name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .replace(/[^a-z0-9_]/g, '_');
    this.databaseName = base;
    new CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: {
        name: this.databaseName,
        description:
          'serverless-insights: one table per dataset over curated/ (partition projection)',
      },
    });

    this.workGroupName = base.replace(/_/g, '-');
    const workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'serverless-insights aggregate and analysis queries',
      // Deleting the stack deletes the workgroup even when it holds saved queries.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        // Clients cannot override the result location, encryption or scan limit.
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.bucket.bucketName}/athena-results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });
    this.workGroupArn = Stack.of(this).formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: workGroup.name,
    });
  }

  /**
   * Grants object access by prefix. Listing is granted with any access: without
   * s3:ListBucket a missing key answers 403 instead of 404, and "not found" is a normal
   * answer for the handlers (a dataset's first contract, a first run).
   */
  grantPrefixes(role: IRole, access: LakeAccess): void {
    const read = access.read ?? [];
    const write = access.write ?? [];
    const remove = access.delete ?? [];
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucket', 's3:GetBucketLocation'],
        resources: [this.bucket.bucketArn],
      }),
    );
    const grant = (actions: string[], prefixes: LakePrefix[]) => {
      if (prefixes.length === 0) return;
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions,
          resources: prefixes.map((p) => this.bucket.arnForObjects(`${p}/*`)),
        }),
      );
    };
    grant(['s3:GetObject', 's3:GetObjectVersion'], read);
    grant(['s3:PutObject', 's3:AbortMultipartUpload'], write);
    grant(['s3:DeleteObject'], remove);

    const acknowledged = this.acknowledgedPrefixes.get(role) ?? new Set<LakePrefix>();
    this.acknowledgedPrefixes.set(role, acknowledged);
    for (const prefix of new Set([...read, ...write, ...remove])) {
      if (acknowledged.has(prefix)) continue;
      acknowledged.add(prefix);
      acknowledgeWildcardResource(
        role,
        this.bucket.arnForObjects(`${prefix}/*`),
        `Object keys under ${prefix}/ are made at run time (dataset, partition, run id); the prefix is the narrowest fixed scope.`,
      );
    }
  }

  /**
   * Grants running Athena queries in the workgroup over the database's tables: the Athena
   * calls, Glue reads, the curated data the queries scan, and the results location.
   */
  grantQueries(role: IRole): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'athena:StartQueryExecution',
          'athena:GetQueryExecution',
          'athena:GetQueryResults',
          'athena:StopQueryExecution',
        ],
        resources: [this.workGroupArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'glue:GetDatabase',
          'glue:GetTable',
          'glue:GetTables',
          'glue:GetPartition',
          'glue:GetPartitions',
          'glue:BatchGetPartition',
        ],
        resources: this.glueTableScope(role),
      }),
    );
    // Athena writes results with the caller's credentials and may use multipart uploads.
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListBucketMultipartUploads'],
        resources: [this.bucket.bucketArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:ListMultipartUploadParts'],
        resources: [this.bucket.arnForObjects('athena-results/*')],
      }),
    );
    this.grantPrefixes(role, { read: ['curated', 'athena-results'], write: ['athena-results'] });
  }

  /**
   * Grants keeping the dataset tables in step with their contracts (ingest): read, create
   * and update tables of this database, never delete them or touch another database.
   */
  grantTableUpserts(role: IRole): void {
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['glue:GetTable', 'glue:CreateTable', 'glue:UpdateTable'],
        resources: this.glueTableScope(role),
      }),
    );
  }

  /**
   * The catalog, the database and its tables: Glue checks a table call against all three.
   * The table wildcard is acknowledged for `role` once.
   */
  private glueTableScope(role: IRole): string[] {
    const stack = Stack.of(this);
    const tables = stack.formatArn({
      service: 'glue',
      resource: 'table',
      resourceName: `${this.databaseName}/*`,
    });
    if (!this.acknowledgedTables.has(role)) {
      this.acknowledgedTables.add(role);
      acknowledgeWildcardResource(
        role,
        tables,
        'One Glue table per dataset, named after the data and created by ingest at run time; access is limited to the tables of this database.',
      );
    }
    return [
      stack.formatArn({ service: 'glue', resource: 'catalog' }),
      stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
      tables,
    ];
  }
}
