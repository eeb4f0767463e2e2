import { assembleReport, type AssembleInput } from '#workflow/assemble.ts';
import { awsDeps } from './aws-deps.ts';
import { step, type HandlerDeps } from './middleware.ts';

export const makeHandler = (deps: HandlerDeps) =>
  step(deps, (rt, event: AssembleInput) =>
    assembleReport({ store: rt.store, clock: rt.clock }, event),
  );

export const handler = makeHandler(awsDeps());
