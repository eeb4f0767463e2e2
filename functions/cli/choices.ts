/**
 * The constants `main.ts` needs to declare the commands (choices, defaults, exit codes),
 * apart from the commands themselves: the CLI loads a command's module only when it runs,
 * so that `insights explain` does not wait for the workflow runner to load.
 */

/** `--lake` of `insights report` and `insights open`: where `insights demo` writes its lake. */
export const DEFAULT_LAKE = 'demo-out/lake';

export const REPORT_FORMATS = ['md', 'html', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const CHECK_FORMATS = ['text', 'json'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

/** `insights check`'s exit codes: 1 means problems found, so trouble is 2. */
export const CHECK_EXIT = {
  /** Every raw object version has a terminal outcome, and no output is orphaned. */
  ok: 0,
  /** Some version is pending or broken, or some output is orphaned. */
  problems: 1,
  /** A usage error, no lake folder, or a result that could not be written. */
  trouble: 2,
} as const;
