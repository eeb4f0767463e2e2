import { awsRuntime } from '#platform/aws/runtime.ts';
import { defaultLogger, once, type HandlerDeps } from './middleware.ts';

/** The deployed wiring: the AWS runtime from the Lambda environment, built once per cold start. */
export const awsDeps = (): HandlerDeps => ({
  runtime: once(() => awsRuntime()),
  logger: defaultLogger(),
});
