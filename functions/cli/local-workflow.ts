import { readFileSync } from 'node:fs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import * as aggregate from '#handlers/aggregate.ts';
import * as analyze from '#handlers/analyze.ts';
import * as assemble from '#handlers/assemble.ts';
import type { HandlerDeps } from '#handlers/middleware.ts';
import * as notify from '#handlers/notify.ts';
import * as plan from '#handlers/plan.ts';
import type { LocalQueryEngine } from '#platform/local/duckdb-query-engine.ts';
import type { Runtime } from '#platform/runtime.ts';
import { describeFailure } from '#workflow/notify.ts';
import { STEP_TIMEOUT_SECONDS } from '#workflow/step-memory.ts';

export const definitionPath = new URL('../workflow/report.asl.json', import.meta.url);

/** The Lambda behind each `${...Arn}` placeholder, as infra/ substitutes them in AWS. */
const FUNCTIONS = ['Plan', 'Aggregate', 'Analyze', 'Assemble', 'Notify'] as const;

/**
 * The state machine JSON with each placeholder replaced by a local function ARN, and each
 * task without TimeoutSeconds given its Lambda's timeout: in AWS such a task waits as long
 * as the Lambda may run, where the local runner would stop it after 60 s.
 */
export function localDefinition(): Record<string, unknown> {
  let text = readFileSync(definitionPath, 'utf8');
  for (const name of FUNCTIONS) {
    text = text.replaceAll(
      `\${${name}FunctionArn}`,
      `arn:aws:lambda:local:000000000000:function:insights-${name.toLowerCase()}`,
    );
  }
  const left = /\$\{[A-Za-z]+\}/.exec(text);
  if (left)
    throw new Error(
      `report.asl.json has a placeholder the local runtime does not bind: ${left[0]}`,
    );
  const definition = JSON.parse(text) as StatesOf;
  withLambdaTimeouts(definition);
  return definition as Record<string, unknown>;
}

interface StatesOf {
  States?: Record<
    string,
    {
      Type?: string;
      TimeoutSeconds?: number;
      Parameters?: { FunctionName?: unknown };
      ItemProcessor?: StatesOf;
      Iterator?: StatesOf;
      Branches?: StatesOf[];
    }
  >;
}

/** Sets each Lambda task's TimeoutSeconds, where it has none, to its function's timeout. */
function withLambdaTimeouts(machine: StatesOf): void {
  for (const state of Object.values(machine.States ?? {})) {
    for (const inner of [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])])
      if (inner) withLambdaTimeouts(inner);
    const fn = /function:insights-([a-z]+)$/.exec(String(state.Parameters?.FunctionName))?.[1];
    if (state.Type !== 'Task' || state.TimeoutSeconds !== undefined || !fn) continue;
    const timeout = STEP_TIMEOUT_SECONDS[fn as keyof typeof STEP_TIMEOUT_SECONDS];
    if (timeout !== undefined) state.TimeoutSeconds = timeout;
  }
}

export interface WorkflowRun {
  runId: string;
  /** What started the run; a run started with no input at all is a manual one. */
  trigger?: string;
  /** Called as states start and end, for progress output. */
  onProgress?: (message: string) => void;
  /** Retry pauses locally, in ms (the definition's are seconds, meant for AWS). @default 50 */
  retryPauseMs?: number;
  /** Called as each task's handler starts (for benchmarks). */
  onTaskStarted?: (task: { state: string; analysisId?: string }) => void;
  /**
   * Called as each task's handler ends, with its wall time (for benchmarks): the state's
   * name, and for an analysis its id.
   */
  onTaskTimed?: (task: { state: string; analysisId?: string; startMs: number; ms: number }) => void;
}

export interface WorkflowResult {
  runId: string;
  reportKey: string;
  messageId: string;
}

/**
 * Executes report.asl.json in-process with aws-local-stepfunctions. Each Task is bound to
 * the same middy handler that Lambda runs, built on the local runtime instead of AWS.
 */
export async function runReportWorkflow(
  runtime: Runtime,
  run: WorkflowRun,
): Promise<WorkflowResult> {
  // DuckDB's views are made from the lake as it is when the run starts (Athena needs nothing).
  await (runtime.engine as Partial<LocalQueryEngine>).refresh?.();
  const deps: HandlerDeps = {
    runtime: async () => runtime,
    logger: new Logger({ logLevel: 'SILENT' }),
  };
  const invoke = (name: string, handler: (event: never, context: Context) => Promise<unknown>) => {
    return async (input: unknown) => {
      const { Payload } = input as { Payload: never };
      const analysisId = (Payload as { analysis?: { id?: string } } | undefined)?.analysis?.id;
      const task = { state: name, ...(analysisId === undefined ? {} : { analysisId }) };
      run.onTaskStarted?.(task);
      const startMs = performance.now();
      const result = (await handler(Payload, lambdaContext(name))) as never;
      run.onTaskTimed?.({ ...task, startMs, ms: performance.now() - startMs });
      return { Payload: result };
    };
  };
  const notifyHandler = invoke('notify', notify.makeHandler(deps));
  // What NotifyFailure was told, so a failed run can say why, not only that it failed.
  let failure: { Error?: string; Cause?: string } | undefined;
  let failureEmailed = false;
  const notifyFailure = async (input: unknown) => {
    failure = (input as { Payload: { failure: typeof failure } }).Payload.failure;
    const sent = await notifyHandler(input);
    failureEmailed = true;
    return sent;
  };
  // Why Notify last failed: the report was written, but nobody could be told.
  let unsent: Error | undefined;
  const notifyReady = async (input: unknown) => {
    try {
      return await notifyHandler(input);
    } catch (error) {
      unsent = error as Error;
      throw error;
    }
  };
  const local = {
    Plan: invoke('plan', plan.makeHandler(deps)),
    Aggregate: invoke('aggregate', aggregate.makeHandler(deps)),
    RunAnalysis: invoke('analyze', analyze.makeHandler(deps)),
    Assemble: invoke('assemble', assemble.makeHandler(deps)),
    Notify: notifyReady,
    NotifyFailure: notifyFailure,
  };
  const pause = run.retryPauseMs ?? 50;
  const machine = new StateMachine(localDefinition() as never);
  const input: Record<string, string> = run.trigger === undefined ? {} : { trigger: run.trigger };
  const execution = machine.run(input, {
    overrides: {
      taskResourceLocalHandlers: local,
      retryIntervalOverrides: Object.fromEntries(Object.keys(local).map((state) => [state, pause])),
    },
    context: {
      Execution: {
        Name: run.runId,
        Input: input,
        StartTime: runtime.clock.now().toISOString(),
      },
    },
  });
  const progress = (async () => {
    if (!run.onProgress) return;
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered' && event.index === undefined)
        run.onProgress(`${event.state.name} ...`);
      if (event.type === 'MapIterationSucceeded' || event.type === 'MapIterationFailed') {
        run.onProgress(
          `  analysis ${event.index + 1} ${event.type === 'MapIterationSucceeded' ? 'done' : 'failed'}`,
        );
      }
    }
  })();
  try {
    return (await execution.result) as unknown as WorkflowResult;
  } catch (error) {
    if (!failure && unsent)
      throw new Error(
        `Report run ${run.runId} failed: its report was written, but the email could not be sent: ${unsent.message}`,
        { cause: error },
      );
    if (!failure) throw error;
    throw new Error(
      `Report run ${run.runId} failed: ${describeFailure(failure)} ` +
        (failureEmailed
          ? '(the recipients were emailed)'
          : '(and the email saying so could not be sent either)'),
      {
        cause: error,
      },
    );
  } finally {
    await progress.catch(() => undefined);
  }
}

function lambdaContext(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `insights-${name}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:insights-${name}`,
    memoryLimitInMB: '1024',
    awsRequestId: `local-${name}`,
    logGroupName: `/local/insights-${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 900_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
