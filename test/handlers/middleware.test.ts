import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  awsObservability,
  once,
  step,
  tracedClients,
  type HandlerDeps,
  type Telemetry,
} from '#handlers/middleware.ts';
import type { Runtime } from '#platform/runtime.ts';

describe('once', () => {
  it('builds once and reuses what it built', async () => {
    let builds = 0;
    const get = once(async () => ++builds);
    expect([await get(), await get()]).toEqual([1, 1]);
  });

  it('tries again after a failed build', async () => {
    let builds = 0;
    const get = once(async () => {
      builds += 1;
      if (builds === 1) throw new Error('throttled');
      return builds;
    });
    await expect(get()).rejects.toThrow('throttled');
    expect(await get()).toBe(2);
    expect(await get()).toBe(2);
  });
});

const context = {
  functionName: 'ingest',
  awsRequestId: 'r1',
  getRemainingTimeInMillis: () => 1000,
} as unknown as Context;
const runtime = async () => ({}) as Runtime;
const silent = () => new Logger({ logLevel: 'SILENT' });

/** A handler that counts what its event says, then fails when told to. */
const counting = (deps: HandlerDeps) =>
  step(
    deps,
    async (
      _rt,
      event: { runId?: string; counts: Parameters<Telemetry['count']>[]; fail?: boolean },
      _logger,
      telemetry,
    ) => {
      for (const [metric, value] of event.counts) telemetry.count(metric, value);
      if (event.fail)
        throw Object.assign(new Error('Athena is throttling'), { name: 'TransientError' });
      return 'done';
    },
  );

/** The lines written to a stream (Powertools writes EMF and logs to the streams, not through console). */
function capture(stream: NodeJS.WriteStream): string[] {
  const lines: string[] = [];
  vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  return lines;
}
const captureStdout = () => capture(process.stdout);

type Emf = {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: unknown[] }[] };
} & Record<string, unknown>;

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('metrics', () => {
  const deployed = () => {
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'serverless-insights');
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'ServerlessInsights');
    return { runtime, ...awsObservability(), logger: silent() };
  };

  it('are written as one EMF line in the namespace from POWERTOOLS_METRICS_NAMESPACE, with the run id', async () => {
    const handler = counting(deployed());
    const stdout = captureStdout();
    const event = {
      runId: 'run-1',
      counts: [
        ['RowsIngested', 6],
        ['RowsQuarantined', 1],
      ],
    } as const;

    expect(await handler(structuredClone(event) as never, context)).toBe('done');

    expect(stdout).toHaveLength(1);
    const emf = JSON.parse(stdout[0]!) as Emf;
    expect(emf._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'ServerlessInsights',
        Dimensions: [['service']],
        Metrics: [
          { Name: 'RowsIngested', Unit: 'Count' },
          { Name: 'RowsQuarantined', Unit: 'Count' },
        ],
      },
    ]);
    expect(emf).toMatchObject({
      service: 'serverless-insights',
      RowsIngested: 6,
      RowsQuarantined: 1,
      runId: 'run-1',
    });
  });

  it('write nothing for an invocation that counted nothing, and no run id into the next one', async () => {
    const handler = counting(deployed());
    const stdout = captureStdout();
    // Not even Powertools' "No application metrics to publish" warning.
    const stderr = capture(process.stderr);

    await handler({ runId: 'run-1', counts: [] } as never, context);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([]);

    await handler({ counts: [['ReportsWritten', 1]] } as never, context);
    expect(stdout).toHaveLength(1);
    const emf = JSON.parse(stdout[0]!) as Emf;
    expect(emf['ReportsWritten']).toBe(1);
    expect(emf).not.toHaveProperty('runId');
  });

  it('still flush what a failed invocation counted, and the error keeps its name', async () => {
    const handler = counting(deployed());
    const stdout = captureStdout();

    await expect(
      handler({ counts: [['AnalysesFailed', 2]], fail: true } as never, context),
    ).rejects.toMatchObject({ name: 'TransientError' });
    expect(stdout).toHaveLength(1);
    expect((JSON.parse(stdout[0]!) as Emf)['AnalysesFailed']).toBe(2);
  });

  it.each([
    ['POWERTOOLS_METRICS_DISABLED', 'true'],
    ['POWERTOOLS_DEV', 'true'],
  ])('write nothing to stdout when %s=%s', async (name, value) => {
    vi.stubEnv(name, value);
    const handler = counting(deployed());
    const stdout = captureStdout();

    expect(await handler({ runId: 'run-1', counts: [['RowsIngested', 6]] } as never, context)).toBe(
      'done',
    );
    expect(stdout).toEqual([]);
  });

  it('write nothing without a Metrics instance, as the local runtime builds the handlers', async () => {
    const handler = counting({ runtime, logger: silent() });
    const stdout = captureStdout();

    expect(await handler({ runId: 'run-1', counts: [['RowsIngested', 6]] } as never, context)).toBe(
      'done',
    );
    expect(stdout).toEqual([]);
  });
});

describe('tracing', () => {
  it('annotates the invocation with the run id of its event and what the handler adds', async () => {
    // Outside Lambda the Tracer is disabled and traces nothing; the calls are what is checked.
    const tracer = new Tracer({ serviceName: 'serverless-insights' });
    const metrics = new Metrics({ namespace: 'Test', logger: silent() });
    const annotations = vi.spyOn(tracer, 'putAnnotation');
    const handler = step(
      { runtime, logger: silent(), tracer, metrics },
      async (_rt, _event: { runId: string }, _logger, telemetry) => {
        telemetry.annotate('dataset', 'orders');
        return 'done';
      },
    );

    expect(await handler({ runId: 'run-7' }, context)).toBe('done');
    expect(annotations.mock.calls).toEqual([
      ['runId', 'run-7'],
      ['dataset', 'orders'],
    ]);
  });

  it("makes each AWS client a subsegment of the trace through the tracer's captureAWSv3Client", () => {
    const tracer = new Tracer({ serviceName: 'serverless-insights' });
    const client = { send: async () => ({}) };
    const traced = { ...client };
    const capture = vi.spyOn(tracer, 'captureAWSv3Client').mockReturnValue(traced);
    expect(tracedClients({ logger: silent(), tracer })(client)).toBe(traced);
    expect(capture).toHaveBeenCalledWith(client);
    // Without a tracer (the local runtime), the client as it is.
    expect(tracedClients({ logger: silent() })(client)).toBe(client);
  });

  it('has no Tracer outside Lambda, where there is nothing to trace', () => {
    expect(process.env['AWS_EXECUTION_ENV']).toBeUndefined();
    expect(awsObservability().tracer).toBeUndefined();
  });
});
