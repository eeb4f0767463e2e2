import { runAnalysis, type AnalyzeInput } from '#workflow/analyze.ts';
import { awsDeps } from './aws-deps.ts';
import { step, type HandlerDeps } from './middleware.ts';

export const makeHandler = (deps: HandlerDeps) =>
  step(deps, (rt, event: AnalyzeInput, _logger, telemetry) => {
    telemetry.annotate('dataset', event.analysis.dataset);
    telemetry.annotate('analysis', event.analysis.kind);
    return runAnalysis({ store: rt.store, engine: rt.engine }, event);
  });

export const handler = makeHandler(awsDeps());
