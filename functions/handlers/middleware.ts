import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Runtime } from '#platform/runtime.ts';

/** What every handler is built from: the runtime (built once, lazily) and a logger. */
export interface HandlerDeps {
  runtime: () => Promise<Runtime>;
  logger: Logger;
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

/** A thin Lambda handler: log context in, the domain call, errors out with their names intact. */
export function step<Event, Result>(
  deps: HandlerDeps,
  work: (runtime: Runtime, event: Event, logger: Logger) => Promise<Result>,
) {
  return middy(async (event: Event) => work(await deps.runtime(), event, deps.logger)).use(
    injectLambdaContext(deps.logger),
  );
}

export const defaultLogger = () => new Logger({ serviceName: 'serverless-insights' });
