import { join } from 'node:path';
import { Duration, Size } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing, type ILayerVersion } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import { LAYER_PACKAGES } from '../../layers/duckdb/build.ts';
import { REPO_ROOT, handlerEntry, type HandlerName } from '../paths.ts';
import { logGroup } from './defaults.ts';

/**
 * The newest Node.js runtime this aws-cdk-lib knows (cdk-nag L1 checks for exactly that).
 * Bump it with aws-cdk-lib.
 */
export const LAMBDA_RUNTIME = Runtime.NODEJS_24_X;

/** What every function of the stack shares. */
export interface FunctionSettings {
  /** The environment contract the handlers read (LAKE_BUCKET, GLUE_DATABASE, ...). */
  readonly environment: Record<string, string>;
  /** Powertools `LOG_LEVEL`. */
  readonly logLevel: string;
  /**
   * CloudWatch namespace of the business metrics (`POWERTOOLS_METRICS_NAMESPACE`). The handlers
   * write them as EMF lines to their own log group: no extra permission, no PutMetricData.
   */
  readonly metricsNamespace: string;
  readonly logRetention: RetentionDays;
}

export interface InsightsFunctionProps {
  /** The handler file, `functions/handlers/<handler>.ts`, which exports `handler`. */
  readonly handler: HandlerName;
  readonly description: string;
  readonly settings: FunctionSettings;
  /** Extra environment for this function only. @default - none */
  readonly environment?: Record<string, string>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default Size.mebibytes(512) */
  readonly ephemeralStorageSize?: Size;
  /**
   * arm64 is cheaper for pure JavaScript; a function that loads a native binary from a
   * layer must match the layer's architecture.
   * @default Architecture.ARM_64
   */
  readonly architecture?: Architecture;
  /** @default - none */
  readonly layers?: ILayerVersion[];
}

/**
 * One of our Lambdas: NodejsFunction bundled by the local esbuild into an ESM file, the
 * latest Node runtime, X-Ray active tracing (the handlers add their own subsegment and
 * annotations through Powertools' Tracer), Powertools settings (service, metrics namespace,
 * log level), its own log group and its own role that can write only to that log group.
 * Callers add data grants.
 */
export class InsightsFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** The bundled source file. */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: InsightsFunctionProps) {
    super(scope, id);
    this.entry = handlerEntry(props.handler);
    this.logGroup = logGroup(this, 'Logs', props.settings.logRetention);

    // Our own role instead of the default one, which carries the AWSLambdaBasicExecutionRole
    // managed policy (logs on every log group: cdk-nag IAM4).
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `serverless-insights ${props.handler} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: this.entry,
      handler: 'handler',
      description: props.description,
      runtime: LAMBDA_RUNTIME,
      architecture: props.architecture ?? Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      ephemeralStorageSize: props.ephemeralStorageSize ?? Size.mebibytes(512),
      role: this.role,
      logGroup: this.logGroup,
      tracing: Tracing.ACTIVE,
      layers: props.layers,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'serverless-insights',
        POWERTOOLS_METRICS_NAMESPACE: props.settings.metricsNamespace,
        LOG_LEVEL: props.settings.logLevel,
        // Stack traces point into the TypeScript sources.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.settings.environment,
        ...props.environment,
      },
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        // Never Docker: esbuild is a devDependency and bundles locally.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        // Prefer packages' ESM builds; fall back to CJS.
        mainFields: ['module', 'main'],
        // CJS dependencies bundled into an ESM file still call require(): give them one.
        banner:
          "import { createRequire as __insightsCreateRequire } from 'node:module'; const require = __insightsCreateRequire(import.meta.url);",
        // Bundle the AWS SDK too: the version we pinned and tested is the version that runs.
        bundleAwsSDK: true,
        // DuckDB's native binding cannot be bundled; only a function with the DuckDB layer can
        // load it, so the others must never import it at load time.
        externalModules: [...LAYER_PACKAGES],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
      },
    });

    acknowledge(
      this.role,
      'IAM5[Resource::*]',
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions. No other statement of this role uses "*".',
    );
  }
}
