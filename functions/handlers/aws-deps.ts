import { awsRuntime, awsTableSync } from '#platform/aws/runtime.ts';
import type { IngestHandlerDeps } from './ingest.ts';
import { awsObservability, once, type HandlerDeps } from './middleware.ts';

/** The deployed wiring: the AWS runtime from the Lambda environment, built once per cold start. */
export const awsDeps = (): HandlerDeps => ({
  runtime: once(() => awsRuntime()),
  ...awsObservability(),
});

/** The ingest function's wiring: the runtime, and the Glue table sync (built on first use). */
export function awsIngestDeps(): IngestHandlerDeps {
  let sync: ReturnType<typeof awsTableSync> | undefined;
  return { ...awsDeps(), syncTable: (contract) => (sync ??= awsTableSync())(contract) };
}
