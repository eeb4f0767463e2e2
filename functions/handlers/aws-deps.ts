import { awsRuntime, awsTableSync } from '#platform/aws/runtime.ts';
import type { IngestHandlerDeps } from './ingest.ts';
import { awsObservability, once, tracedClients, type HandlerDeps } from './middleware.ts';

/** The deployed wiring: the AWS runtime from the Lambda environment, built once per cold start. */
export function awsDeps(): HandlerDeps {
  const observability = awsObservability();
  return {
    runtime: once(() => awsRuntime(process.env, tracedClients(observability))),
    ...observability,
  };
}

/** The ingest function's wiring: the runtime, and the Glue table sync (built on first use). */
export function awsIngestDeps(): IngestHandlerDeps {
  let sync: ReturnType<typeof awsTableSync> | undefined;
  const deps = awsDeps();
  return {
    ...deps,
    syncTable: (contract) => (sync ??= awsTableSync(process.env, tracedClients(deps)))(contract),
  };
}
