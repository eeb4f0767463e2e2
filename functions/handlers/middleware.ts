import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import { asIs, type InstrumentClient } from '#platform/aws/instrument.ts';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Runtime } from '#platform/runtime.ts';

/**
 * The business metrics, each a count, emitted by the handler that knows it (CloudWatch
 * namespace POWERTOOLS_METRICS_NAMESPACE, dimension `service`):
 * - RowsIngested, RowsQuarantined: rows of a file curated into the lake, and set aside (ingest);
 * - AnalysesFailed, ReportsWritten: analyses of a run that failed, and the report written (assemble);
 * - ReportLinksOpened, ReportLinksRefused: emailed links that opened a report, or did not (report-link).
 */
export const BUSINESS_METRICS = [
  'RowsIngested',
  'RowsQuarantined',
  'AnalysesFailed',
  'ReportsWritten',
  'ReportLinksOpened',
  'ReportLinksRefused',
] as const;
export type BusinessMetric = (typeof BUSINESS_METRICS)[number];

/** Trace annotations (searchable in X-Ray: `annotation.runId = "..."`). */
export type AnnotationKey = 'runId' | 'dataset' | 'analysis';

/**
 * Powertools logger, tracer and metrics. The local runtime passes no tracer and no metrics:
 * nothing is traced, nothing is written to stdout.
 */
export interface Observability {
  logger: Logger;
  /** X-Ray, in Lambda only. @default - nothing traced */
  tracer?: Tracer;
  /**
   * CloudWatch metrics as EMF lines on stdout, flushed after each invocation.
   * @default - nothing emitted
   */
  metrics?: Metrics;
}

/** What every handler is built from: the runtime (built once, lazily) and Powertools. */
export interface HandlerDeps extends Observability {
  runtime: () => Promise<Runtime>;
}

/** What a handler tells about one invocation; a no-op for what the deps do not have. */
export interface Telemetry {
  /** An X-Ray annotation, also metadata of the invocation's EMF line (metrics lead back to the run). */
  annotate(key: AnnotationKey, value: string): void;
  /** Adds to a business metric of this invocation. */
  count(metric: BusinessMetric, value: number): void;
}

/**
 * Builds the runtime on first use and reuses it for the life of the process (a cold start).
 * A failed build is not kept: the next invocation tries again (a throttled SSM read at cold
 * start must not fail every later call of a warm container).
 */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    }));
}

/**
 * A thin Lambda handler: log context in, the handler traced (annotated with the event's
 * `runId`), the domain call, business metrics flushed, errors out with their names intact.
 */
export function step<Event, Result>(
  deps: HandlerDeps,
  work: (runtime: Runtime, event: Event, logger: Logger, telemetry: Telemetry) => Promise<Result>,
) {
  const telemetry = telemetryOf(deps);
  return middy(async (event: Event) => {
    const runId = (event as { runId?: unknown } | null | undefined)?.runId;
    if (typeof runId === 'string') telemetry.annotate('runId', runId);
    return work(await deps.runtime(), event, deps.logger, telemetry);
  }).use(observe(deps));
}

/**
 * The Powertools middlewares of every handler: Lambda context in the logs, the handler as an
 * X-Ray subsegment (errors recorded, responses not: they can hold presigned URLs and report
 * text), and the metrics flushed after the invocation, whether it succeeded or failed.
 */
export function observe(deps: Observability): middy.MiddlewareObj[] {
  return [
    injectLambdaContext(deps.logger),
    ...(deps.tracer ? [captureLambdaHandler(deps.tracer, { captureResponse: false })] : []),
    ...(deps.metrics ? [flushMetrics(deps.metrics)] : []),
  ];
}

/**
 * Writes the invocation's metrics as one EMF line, or nothing when it counted none (Powertools'
 * own `logMetrics` would log a warning on every invocation that has no business metric).
 */
export function flushMetrics(metrics: Metrics): middy.MiddlewareObj {
  const flush = () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    else metrics.clearMetadata();
  };
  return { after: flush, onError: flush };
}

export function telemetryOf({ tracer, metrics }: Observability): Telemetry {
  return {
    annotate(key, value) {
      tracer?.putAnnotation(key, value);
      metrics?.addMetadata(key, value);
    },
    count(metric, value) {
      metrics?.addMetric(metric, MetricUnit.Count, value);
    },
  };
}

export const defaultLogger = () => new Logger({ serviceName: 'serverless-insights' });

// The X-Ray SDK under Powertools' Tracer installs a process-wide async hook as it loads, and
// the Tracer traces nothing outside Lambda anyway: load it in Lambda only, so the local runtime
// and the tests (which import these handlers) never carry it.
const tracing = process.env['AWS_EXECUTION_ENV']
  ? await import('@aws-lambda-powertools/tracer')
  : undefined;

/** Each AWS SDK client a subsegment of the trace, where there is a tracer. */
export function tracedClients({ tracer }: Observability): InstrumentClient {
  return tracer ? (client) => tracer.captureAWSv3Client(client) : asIs;
}

/**
 * Powertools as deployed, configured by the function's environment: POWERTOOLS_SERVICE_NAME,
 * POWERTOOLS_METRICS_NAMESPACE, LOG_LEVEL; POWERTOOLS_METRICS_DISABLED or POWERTOOLS_DEV turn
 * the metrics off, POWERTOOLS_TRACE_ENABLED=false the tracing.
 */
export function awsObservability(): Observability {
  const logger = defaultLogger();
  return {
    logger,
    // Metrics' own warnings (a bad metric name, say) go through the logger as JSON.
    metrics: new Metrics({ logger }),
    ...(tracing ? { tracer: new tracing.Tracer() } : {}),
  };
}
