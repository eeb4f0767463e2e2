import { assembleReport, type AssembleInput } from '#workflow/assemble.ts';
import { awsDeps } from './aws-deps.ts';
import { step, type HandlerDeps } from './middleware.ts';

export const makeHandler = (deps: HandlerDeps) =>
  step(deps, async (rt, event: AssembleInput, _logger, telemetry) => {
    const written = await assembleReport({ store: rt.store, clock: rt.clock }, event);
    // After the report is written: a retried Assemble counts its run once.
    telemetry.count('ReportsWritten', 1);
    telemetry.count('AnalysesFailed', event.results.filter((r) => r.status === 'failed').length);
    return written;
  });

export const handler = makeHandler(awsDeps());
