import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** The repository root: infra code runs from here (`cdk synth`) or from vitest, whatever the cwd. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** THE state machine: deployed by the stack, executed in-process by the local runtime. */
export const WORKFLOW_DEFINITION_PATH = join(REPO_ROOT, 'functions', 'workflow', 'report.asl.json');

/** The Lambda handlers, one file per function, each exporting `handler`. */
export type HandlerName =
  'ingest' | 'plan' | 'aggregate' | 'analyze' | 'assemble' | 'notify' | 'report-link';

export const handlerEntry = (name: HandlerName): string =>
  join(REPO_ROOT, 'functions', 'handlers', `${name}.ts`);
