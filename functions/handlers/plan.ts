import { planRun, type PlanInput } from '#workflow/plan.ts';
import { awsDeps } from './aws-deps.ts';
import { step, type HandlerDeps } from './middleware.ts';

export const makeHandler = (deps: HandlerDeps) =>
  step(deps, (rt, event: PlanInput) => planRun({ store: rt.store, catalog: rt.catalog }, event));

export const handler = makeHandler(awsDeps());
