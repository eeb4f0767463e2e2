import type { BlobStore, Clock, Mailer } from '#platform/ports.ts';
import { scrubText } from '#report/mask.ts';
import { runKeys } from './run-keys.ts';

export interface NotifyDeps {
  store: BlobStore;
  clock: Clock;
  mailer: Mailer;
  recipients: string[];
  /** A link a recipient can open: a signed link to the link function in AWS, a file URL locally. */
  linkTo: (key: string) => Promise<string>;
}

/** A headline narrative as the email tells it: what, how important, and what to do. */
export interface Highlight {
  priority: string;
  title: string;
  summary: string;
  action?: string;
}

export type NotifyInput =
  | { runId: string; reportKey: string; coverage: string; highlights: Highlight[] }
  | { runId: string; failure: { Error?: string; Cause?: string } };

/**
 * Emails the link to a finished report with its headline narratives, or says that the run
 * failed and why. The narratives come from the masked report; an engine's error message may
 * quote a value, so both go through the same scrub as the report's free text.
 */
export async function notify(deps: NotifyDeps, input: NotifyInput) {
  if ('failure' in input) {
    const failure = scrubText(describeFailure(input.failure));
    // Recorded before the email, so that a run whose email fails too still says what failed.
    const record = { runId: input.runId, status: 'failed' as const, failure };
    await recordRun(deps, { ...record, notified: false });
    const messageId = await deps.mailer.send({
      to: deps.recipients,
      subject: `Insights run ${input.runId} failed`,
      text: [
        `The report run ${input.runId} did not complete: ${failure}`,
        '',
        'Nothing already ingested was lost; fix the cause and start the run again.',
      ].join('\n'),
    });
    await recordRun(deps, { ...record, notified: true, messageId });
    return { runId: input.runId, messageId };
  }
  const record = { runId: input.runId, status: 'succeeded' as const, reportKey: input.reportKey };
  await recordRun(deps, { ...record, notified: false });
  const link = await deps.linkTo(input.reportKey);
  const highlights = input.highlights.map((h) => ({
    priority: scrubText(h.priority),
    title: scrubText(h.title),
    summary: scrubText(h.summary),
    ...(h.action ? { action: scrubText(h.action) } : {}),
  }));
  const coverage = scrubText(input.coverage);
  const messageId = await deps.mailer.send({
    to: deps.recipients,
    subject: `Insights report ${input.runId}${highlights[0] ? `: ${highlights[0].title}` : ' is ready'}`,
    text: [
      'Your insights report is ready:',
      link,
      '',
      ...(highlights.length ? ['What matters most:', ''] : []),
      ...highlights.flatMap((h, i) => [
        `${i + 1}. ${h.title} (${h.priority} priority)`,
        `   ${h.summary}`,
        ...(h.action ? [`   What to do: ${h.action}`] : []),
        '',
      ]),
      coverage,
    ].join('\n'),
    html: [
      `<p>Your insights report is ready: <a href="${escapeHtml(link)}">open the report</a>.</p>`,
      ...(highlights.length
        ? [
            '<p>What matters most:</p>',
            '<ol>',
            ...highlights.map(
              (h) =>
                `<li><strong>${escapeHtml(h.title)}</strong> (${escapeHtml(h.priority)} priority)<br>${escapeHtml(h.summary)}` +
                (h.action ? `<br>What to do: ${escapeHtml(h.action)}` : '') +
                '</li>',
            ),
            '</ol>',
          ]
        : []),
      `<p>${escapeHtml(coverage)}</p>`,
    ].join('\n'),
  });
  await recordRun(deps, { ...record, notified: true, messageId });
  return { runId: input.runId, reportKey: input.reportKey, messageId };
}

/** `runs/<run>/outcome.json`: how a run ended, what failed, and whether people were told. */
export interface RunRecord {
  runId: string;
  status: 'succeeded' | 'failed';
  /** When the record was last written: the run's end, then the email's. */
  at: string;
  /** The report people open (a run that succeeded). */
  reportKey?: string;
  /** What failed, as the failure email says it. */
  failure?: string;
  /** Whether the email went out, and its message id or outbox file. */
  notified: boolean;
  messageId?: string;
}

async function recordRun(
  deps: Pick<NotifyDeps, 'store' | 'clock'>,
  record: Omit<RunRecord, 'at'>,
): Promise<void> {
  const full: RunRecord = { ...record, at: deps.clock.now().toISOString() };
  await deps.store.put(
    runKeys(record.runId).outcome,
    JSON.stringify(full, null, 2),
    'application/json',
  );
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A Step Functions error as a sentence. Lambda puts the function's error in Cause as JSON
 * (`errorType`, `errorMessage`, `trace`); the local runtime puts the message itself.
 */
export function describeFailure(failure: { Error?: string; Cause?: unknown }): string {
  const cause =
    typeof failure.Cause === 'string'
      ? failure.Cause
      : failure.Cause === undefined
        ? ''
        : JSON.stringify(failure.Cause);
  let message = cause;
  try {
    const parsed = JSON.parse(cause) as { errorType?: string; errorMessage?: string };
    if (parsed.errorMessage) message = parsed.errorMessage;
  } catch {
    // A plain-text cause.
  }
  const name = failure.Error && failure.Error !== 'Error' ? `${failure.Error}: ` : '';
  return `${name}${message || 'no cause was given'}`;
}
