import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ReportModel } from '#report/model.ts';
import { headlines } from '#report/narrative/markdown.ts';
import { smallLake } from '../helpers/small-lake.ts';
import { addresses, closedPort, useLoopbacks } from '../platform/smtp-loopback.ts';
import { runInsights } from '../helpers/run-cli.ts';

/**
 * Runs `insights` through bin/insights.js, as a user would, with INSIGHTS_SMTP_URL as given
 * (and never inherited from the shell that runs the tests).
 */
function insights(args: string[], smtpEnv?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.INSIGHTS_SMTP_URL;
  if (smtpEnv !== undefined) env.INSIGHTS_SMTP_URL = smtpEnv;
  return runInsights(args, env);
}

const loopback = useLoopbacks();

const PASSWORD = 'hunter2-Zq9';

describe('insights run --smtp (a loopback SMTP server)', () => {
  it('emails the run’s report link through the server given with --smtp', async () => {
    const { root } = await smallLake();
    const server = await loopback();
    const { code, stdout, stderr } = await insights([
      'run',
      '--lake',
      root,
      '--run-id',
      'smtp-run',
      '--smtp',
      server.url(),
      '--to',
      'ana@example.test, bo@example.test',
    ]);
    expect(code, stderr).toBe(0);
    const report = join(root, 'reports/smtp-run/report.html');
    expect(stdout.trim()).toBe(report);

    expect(server.received).toHaveLength(1);
    const [got] = server.received;
    expect(got!.rcptTo).toEqual(['ana@example.test', 'bo@example.test']);
    expect(addresses(got!.mail.to)).toEqual(['ana@example.test', 'bo@example.test']);
    const model = JSON.parse(
      await readFile(join(root, 'reports/smtp-run/report.json'), 'utf8'),
    ) as ReportModel;
    const [top] = headlines(model.narratives);
    expect(got!.mail.subject).toBe(`Insights report smtp-run: ${top!.title}`);
    const link = `file://${report}`;
    expect(got!.mail.text).toContain(link);
    expect(got!.mail.text).toContain(
      `1. ${top!.title} (${top!.priority} priority)\n   ${top!.summary}`,
    );
    expect(got!.mail.html).toContain(`<a href="${link}">open the report</a>`);
    // The link works: it opens the report.
    expect(await readFile(fileURLToPath(link), 'utf8')).toContain('<h1>Insights report</h1>');
    expect(stderr).toContain(`email: ${got!.mail.messageId} via 127.0.0.1:${server.port}`);
  });

  it('takes INSIGHTS_SMTP_URL, with a login, when --smtp is absent', async () => {
    const { root } = await smallLake();
    const auth = { user: 'reports', pass: PASSWORD };
    const server = await loopback({ auth });
    const { code, stderr } = await insights(
      ['run', '--lake', root, '--run-id', 'env-run', '--to', 'ana@example.test'],
      server.url(auth),
    );
    expect(code, stderr).toBe(0);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.user).toBe('reports');
    expect(server.received[0]!.mail.subject).toMatch(/^Insights report env-run: \S/);
    expect(stderr).not.toContain(PASSWORD);
  });

  it("writes to the outbox when --smtp '' turns the variable off", async () => {
    const { root } = await smallLake();
    const server = await loopback();
    const outbox = await mkdtemp(join(tmpdir(), 'cli-outbox-'));
    const { code, stderr } = await insights(
      ['run', '--lake', root, '--run-id', 'off-run', '--smtp', '', '--outbox', outbox],
      server.url(),
    );
    expect(code, stderr).toBe(0);
    expect(server.received).toEqual([]);
    const [eml] = await readdir(outbox);
    expect(await readFile(join(outbox, eml!), 'utf8')).toMatch(
      /Subject: Insights report off-run: \S/,
    );
  });

  it('fails the run with the server named, and not the password, when nothing listens', async () => {
    const { root } = await smallLake();
    const port = await closedPort();
    const { code, stderr } = await insights([
      'run',
      '--lake',
      root,
      '--smtp',
      `smtp://reports:${PASSWORD}@127.0.0.1:${port}`,
    ]);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `Could not send the email through the SMTP server 127.0.0.1:${port}: connection refused (ECONNREFUSED)`,
    );
    expect(stderr).not.toContain(PASSWORD);
  });

  it('refuses a malformed URL, or one beside --outbox, before anything runs', async () => {
    const { root } = await smallLake();
    const bad = await insights(['run', '--lake', root, '--smtp', `smtp://reports:${PASSWORD}@`]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('error: --smtp: The SMTP URL is not a URL: expected smtp://');
    expect(bad.stderr).not.toContain(PASSWORD);

    const fromEnv = await insights(['watch', root, '--lake', root, '--once'], 'http://x');
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.stderr).toContain(
      'error: INSIGHTS_SMTP_URL: The SMTP URL does not start with smtp:// or smtps://',
    );

    const both = await insights(
      ['run', '--lake', root, '--outbox', join(root, 'ob')],
      'smtp://127.0.0.1:2525',
    );
    expect(both.code).toBe(1);
    expect(both.stderr).toContain(
      "error: --outbox and INSIGHTS_SMTP_URL both say where the email goes: give one (--smtp '' turns the variable off)",
    );
    // Nothing ran: no report, no outbox.
    expect(await readdir(root)).not.toContain('reports');
    expect(await readdir(root)).not.toContain('ob');
  });
});
