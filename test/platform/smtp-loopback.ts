import { createServer } from 'node:net';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterEach } from 'vitest';

/** A message as the loopback server got it: the SMTP envelope, the login and the parsed mail. */
export interface Received {
  from: string;
  rcptTo: string[];
  /** The user who logged in, where the server asked for a login. */
  user?: string;
  mail: ParsedMail;
}

export interface Loopback {
  port: number;
  received: Received[];
  /** `smtp://[user:pass@]127.0.0.1:port`, user and password percent-encoded. */
  url(auth?: { user: string; pass: string }): string;
  close(): Promise<void>;
}

/**
 * An SMTP server on 127.0.0.1 at a free port (smtp-server), which parses each message with
 * mailparser. Plain text only (no STARTTLS); with `auth`, a login with exactly that user
 * and password is required. Recipients in `reject` get `550 No such user here`.
 */
export async function smtpLoopback(
  options: { auth?: { user: string; pass: string }; reject?: string[] } = {},
): Promise<Loopback> {
  const received: Received[] = [];
  const { auth, reject = [] } = options;
  const server = new SMTPServer({
    logger: false,
    disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !auth,
    onAuth(login, _session, callback) {
      if (auth && login.username === auth.user && login.password === auth.pass)
        callback(null, { user: login.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (!reject.includes(address.address)) return callback();
      callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const from = session.envelope.mailFrom;
          received.push({
            from: from ? from.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            ...(typeof session.user === 'string' ? { user: session.user } : {}),
            mail,
          });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    received,
    url: (login) =>
      login
        ? `smtp://${encodeURIComponent(login.user)}:${encodeURIComponent(login.pass)}@127.0.0.1:${port}`
        : `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The addresses of a To or Cc header as mailparser gives them. */
export function addresses(header: AddressObject | AddressObject[] | undefined): string[] {
  return [header ?? []].flat().flatMap((h) => h.value.map((a) => a.address ?? ''));
}

/**
 * `smtpLoopback` for a test file: every server it starts is closed after each test. Call it
 * at the top level of the file.
 */
export function useLoopbacks(): (
  options?: Parameters<typeof smtpLoopback>[0],
) => Promise<Loopback> {
  const servers: Loopback[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (options) => {
    const server = await smtpLoopback(options);
    servers.push(server);
    return server;
  };
}
