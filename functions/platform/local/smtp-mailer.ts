import nodemailer from 'nodemailer';
import type { NodemailerError, SMTPTransportOptions } from 'nodemailer';
import { ConfigError, TransientError } from '../errors.ts';
import type { Mailer } from '../ports.ts';

/** An SMTP server as an `smtp://` or `smtps://` URL names it. */
export interface SmtpServer {
  host: string;
  /** @default 587 for `smtp://`, 465 for `smtps://` */
  port: number;
  /** TLS from the first byte (`smtps://`); `smtp://` upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  auth?: { user: string; pass: string };
}

const FORM = 'smtp://[user:password@]host[:port] or smtps://...';

/**
 * Reads `smtp://[user:password@]host[:port]` or `smtps://...` (user and password
 * percent-encoded). Anything else is a ConfigError whose message never repeats the URL,
 * which may hold a password.
 */
export function parseSmtpUrl(text: string): SmtpServer {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new ConfigError(`The SMTP URL is not a URL: expected ${FORM}`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new ConfigError(`The SMTP URL does not start with smtp:// or smtps://: expected ${FORM}`);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new ConfigError(`The SMTP URL names no host: expected ${FORM}`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash)
    throw new ConfigError(
      `The SMTP URL has a path, query or fragment after the host, which would be ignored: expected ${FORM}`,
    );
  const secure = url.protocol === 'smtps:';
  const port = url.port === '' ? (secure ? 465 : 587) : Number(url.port);
  if (port === 0) throw new ConfigError(`The SMTP URL's port is 0: expected 1 to 65535`);
  const server: SmtpServer = { host, port, secure };
  if (url.username || url.password) {
    if (!url.username || !url.password)
      throw new ConfigError(
        `The SMTP URL gives a ${url.username ? 'user without a password' : 'password without a user'}: expected ${FORM}`,
      );
    try {
      server.auth = {
        user: decodeURIComponent(url.username),
        pass: decodeURIComponent(url.password),
      };
    } catch {
      throw new ConfigError(
        'The SMTP URL has a malformed %-escape in its user or password (write % itself as %25)',
      );
    }
  }
  return server;
}

/**
 * Email through an SMTP server: text and, where the mail has it, HTML as
 * multipart/alternative. A server that cannot be reached, or answers 4xx, gives a
 * TransientError (the workflow retries it); a refused login, recipient or message gives a
 * ConfigError. Each names the server as `host:port`, never the password.
 */
export function smtpMailer(url: string, from: string): Mailer {
  const server = parseSmtpUrl(url);
  const options: SMTPTransportOptions = {
    host: server.host,
    port: server.port,
    secure: server.secure,
    ...(server.auth ? { auth: server.auth } : {}),
    // nodemailer waits 2 minutes to connect and 10 for a silent socket by default.
    connectionTimeout: 20_000,
    greetingTimeout: 20_000,
    socketTimeout: 60_000,
  };
  const transport = nodemailer.createTransport(options);
  const where = `${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}`;
  return {
    async send(mail) {
      let info;
      try {
        info = await transport.sendMail({
          from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.html === undefined ? {} : { html: mail.html }),
        });
      } catch (error) {
        throw smtpError(error as NodemailerError, where, server.auth?.pass);
      }
      if (info.rejected.length > 0) {
        // The others have the message already: a retry would send it to them again.
        const replies = (info.rejectedErrors ?? []).map((e) => e.response).filter(Boolean);
        throw new ConfigError(
          hide(
            `The SMTP server ${where} rejected the recipient ${list(info.rejected)}${replies.length ? ` (${replies.join('; ')})` : ''}; the email went to ${list(info.accepted)} only`,
            server.auth?.pass,
          ),
        );
      }
      return `${info.messageId} via ${where}`;
    },
  };
}

/**
 * A nodemailer error as a sentence naming the server and what failed. The library's error
 * is not kept as the cause: its fields may hold the SMTP exchange, and a login's lines carry
 * the password (base64 is not a secret).
 */
function smtpError(error: NodemailerError, where: string, pass: string | undefined): Error {
  const reply = error.response ? `: ${error.response}` : '';
  const permanent = error.responseCode !== undefined && error.responseCode >= 500;
  const make = (message: string, transient: boolean) => {
    const text = hide(
      `Could not send the email through the SMTP server ${where}: ${message}`,
      pass,
    );
    return transient ? new TransientError(text) : new ConfigError(text);
  };
  switch (error.code) {
    case 'EAUTH':
      return make(`the server refused the login${reply}`, false);
    case 'ENOAUTH':
      return make('the server asks for a login: give user:password@ in the SMTP URL', false);
    case 'EENVELOPE': {
      if (error.responseCode === undefined) return make(error.message, false);
      if (error.responseCode === 530)
        return make(
          `the server asks for a login${reply}: give user:password@ in the SMTP URL`,
          false,
        );
      const what = error.command?.startsWith('MAIL')
        ? 'sender'
        : `recipient${error.rejected?.length ? ` ${list(error.rejected)}` : ''}`;
      return make(`the server rejected the ${what}${reply}`, !permanent);
    }
    case 'EMESSAGE':
      return make(`the server rejected the message${reply}`, !permanent);
    case 'ETLS':
      return make(`TLS failed (${error.message})`, false);
    case 'EDNS':
      return make(`the host was not found (${error.originalCode ?? error.message})`, true);
    case 'ETIMEDOUT':
      return make('the server did not answer in time', true);
    case 'ESOCKET':
    case 'ECONNECTION':
      return make(
        error.originalCode === 'ECONNREFUSED'
          ? 'connection refused (ECONNREFUSED): is the server running, and are the host and port right?'
          : `the connection failed (${error.originalCode ?? error.message})`,
        true,
      );
    default:
      return make(error.message, error.responseCode !== undefined && !permanent);
  }
}

function list(addresses: string[]): string {
  return addresses.length > 0 ? addresses.join(', ') : 'no one';
}

/** No message of ours quotes the password; this also keeps it out of a server's reply. */
function hide(message: string, pass: string | undefined): string {
  if (!pass) return message;
  return message.replaceAll(pass, '***').replaceAll(encodeURIComponent(pass), '***');
}
