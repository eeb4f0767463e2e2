import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, TransientError } from '#platform/errors.ts';
import { localRuntime } from '#platform/local/runtime.ts';
import { parseSmtpUrl, smtpMailer } from '#platform/local/smtp-mailer.ts';
import type { Mail } from '#platform/ports.ts';
import { addresses, closedPort, useLoopbacks } from './smtp-loopback.ts';

const LINK = 'file:///tmp/lake/reports/run-1/report.md';

/** A mail as notify writes one: the link in the text, and as an anchor in the HTML. */
const mail: Mail = {
  to: ['ana@example.test', 'bo@example.test'],
  subject: 'Insights report run-1 is ready – 3 flags',
  text: ['Your insights report is ready:', '', LINK, '', 'Ünusual: 3 rows.'].join('\n'),
  html: `<p>Your insights report is ready: <a href="${LINK}">open the report</a>.</p><p>Ünusual: 3 rows.</p>`,
};

/** A password with every character a URL must escape, and none the test could find by chance. */
const PASSWORD = 'pä$$ w:rd/@%?#-7q3';

const loopback = useLoopbacks();

/** Everything an error shows: message, name, cause and properties, as a log would print it. */
function shown(error: unknown): string {
  return `${String(error)}\n${inspect(error, { depth: 5 })}`;
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('smtpMailer (a loopback smtp-server, read back with mailparser)', () => {
  it('delivers subject, recipients, text and HTML as sent, without a login', async () => {
    const server = await loopback();
    const id = await smtpMailer(server.url(), 'insights@example.test').send(mail);

    expect(server.received).toHaveLength(1);
    const [got] = server.received;
    expect(got!.from).toBe('insights@example.test');
    expect(got!.rcptTo).toEqual(mail.to);
    expect(got!.user).toBeUndefined();
    expect(got!.mail.subject).toBe(mail.subject);
    expect(addresses(got!.mail.to)).toEqual(mail.to);
    expect(addresses(got!.mail.from)).toEqual(['insights@example.test']);
    expect(got!.mail.text?.trimEnd()).toBe(mail.text);
    expect(got!.mail.html).toBe(mail.html);
    expect(got!.mail.text).toContain(LINK);
    expect(got!.mail.html).toContain(`href="${LINK}"`);
    // What the caller is told: the Message-ID and the server it went to.
    expect(id).toBe(`${got!.mail.messageId} via 127.0.0.1:${server.port}`);
  });

  it('sends a text-only mail as text/plain', async () => {
    const server = await loopback();
    await smtpMailer(server.url(), 'insights@example.test').send({
      to: ['ana@example.test'],
      subject: 'Insights run r failed',
      text: 'The report run r did not complete: no engine',
    });
    const [got] = server.received;
    expect(got!.mail.text?.trimEnd()).toBe('The report run r did not complete: no engine');
    expect(got!.mail.html).toBe(false);
    expect(got!.mail.headers.get('content-type')).toMatchObject({ value: 'text/plain' });
  });

  it('logs in with the user and password of the URL (percent-decoded)', async () => {
    const auth = { user: 'reports@example.test', pass: PASSWORD };
    const server = await loopback({ auth });
    await smtpMailer(server.url(auth), 'insights@example.test').send(mail);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.user).toBe('reports@example.test');
    expect(server.received[0]!.mail.subject).toBe(mail.subject);
    expect(server.received[0]!.mail.text).toContain(LINK);
  });

  it('names the server, not the password, when the login is refused', async () => {
    const server = await loopback({ auth: { user: 'reports', pass: 'right' } });
    const url = server.url({ user: 'reports', pass: PASSWORD });
    const error = await failure(smtpMailer(url, 'insights@example.test').send(mail));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `Could not send the email through the SMTP server 127.0.0.1:${server.port}: the server refused the login: 535 Invalid username or password`,
    );
    expect(shown(error)).not.toContain(PASSWORD);
    expect(shown(error)).not.toContain(encodeURIComponent(PASSWORD));
    expect(server.received).toEqual([]);
  });

  it('says a login is needed when the URL has none and the server asks for one', async () => {
    const server = await loopback({ auth: { user: 'reports', pass: 'right' } });
    const error = await failure(smtpMailer(server.url(), 'insights@example.test').send(mail));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      new RegExp(
        `SMTP server 127\\.0\\.0\\.1:${server.port}: the server asks for a login.*user:password@`,
      ),
    );
  });

  it('gives a clear, retryable error for a port nothing listens on, without the password', async () => {
    const port = await closedPort();
    const mailer = smtpMailer(
      `smtp://reports:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`,
      'i@x.test',
    );
    const error = await failure(mailer.send(mail));
    expect(error).toBeInstanceOf(TransientError);
    expect(error.name).toBe('TransientError');
    expect(error.message).toBe(
      `Could not send the email through the SMTP server 127.0.0.1:${port}: connection refused (ECONNREFUSED): is the server running, and are the host and port right?`,
    );
    expect(shown(error)).not.toContain(PASSWORD);
    expect(shown(error)).not.toContain(encodeURIComponent(PASSWORD));
  });

  it('names the server and the recipient it refused, for good (not retried)', async () => {
    const server = await loopback({ reject: ['ana@example.test'] });
    const error = await failure(
      smtpMailer(server.url(), 'i@x.test').send({ ...mail, to: ['ana@example.test'] }),
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `Could not send the email through the SMTP server 127.0.0.1:${server.port}: the server rejected the recipient ana@example.test: 550 No such user here`,
    );
    expect(server.received).toEqual([]);
  });

  it('fails when some recipients are refused, saying who got it (a retry would repeat it)', async () => {
    const server = await loopback({ reject: ['bo@example.test'] });
    const error = await failure(smtpMailer(server.url(), 'i@x.test').send(mail));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `The SMTP server 127.0.0.1:${server.port} rejected the recipient bo@example.test (550 No such user here); the email went to ana@example.test only`,
    );
    expect(server.received.map((r) => r.rcptTo)).toEqual([['ana@example.test']]);
  });
});

describe('parseSmtpUrl', () => {
  it('reads host, port, TLS and a percent-encoded login', () => {
    expect(parseSmtpUrl('smtp://mail.example.test')).toEqual({
      host: 'mail.example.test',
      port: 587,
      secure: false,
    });
    expect(parseSmtpUrl('smtps://mail.example.test')).toEqual({
      host: 'mail.example.test',
      port: 465,
      secure: true,
    });
    expect(parseSmtpUrl('smtp://127.0.0.1:2525/')).toEqual({
      host: '127.0.0.1',
      port: 2525,
      secure: false,
    });
    expect(parseSmtpUrl('smtp://[::1]:25')).toEqual({ host: '::1', port: 25, secure: false });
    expect(
      parseSmtpUrl(
        `smtps://me%40example.test:${encodeURIComponent(PASSWORD)}@mail.example.test:2465`,
      ),
    ).toEqual({
      host: 'mail.example.test',
      port: 2465,
      secure: true,
      auth: { user: 'me@example.test', pass: PASSWORD },
    });
  });

  it.each([
    ['not a URL', 'smtp://mail example', /is not a URL: expected smtp:\/\//],
    ['no scheme', 'me:hunter2@mail.example.test', /does not start with smtp:\/\/ or smtps:\/\//],
    ['an out-of-range port', 'smtp://u:hunter2@h:70000', /is not a URL/],
    [
      'another scheme',
      'http://u:hunter2@mail.example.test',
      /does not start with smtp:\/\/ or smtps:\/\//,
    ],
    ['no host', 'smtp:///x', /names no host/],
    ['a path', 'smtp://u:hunter2@h/inbox', /path, query or fragment/],
    ['a query', 'smtp://u:hunter2@h?pool=true', /path, query or fragment/],
    ['port 0', 'smtp://h:0', /port is 0/],
    ['a user without a password', 'smtp://me@h', /user without a password/],
    ['a password without a user', 'smtp://:hunter2@h', /password without a user/],
    ['a broken %-escape', 'smtp://me:hunter2%zz@h', /malformed %-escape/],
  ])('rejects %s with a ConfigError that does not repeat the URL', (_, url, message) => {
    let error: unknown;
    try {
      parseSmtpUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('makes the local runtime fail at its start on a malformed URL', async () => {
    await expect(
      localRuntime({ lake: '/nonexistent/lake', smtp: 'smtp://me:hunter2@' }),
    ).rejects.toThrow(ConfigError);
  });
});
