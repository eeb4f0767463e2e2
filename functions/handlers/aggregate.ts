import { aggregateRun } from '#workflow/aggregate.ts';
import { awsDeps } from './aws-deps.ts';
import { step, type HandlerDeps } from './middleware.ts';

export const makeHandler = (deps: HandlerDeps) =>
  step(deps, (rt, event: { runId: string; planKey: string }) =>
    aggregateRun({ store: rt.store, engine: rt.engine }, event),
  );

export const handler = makeHandler(awsDeps());
