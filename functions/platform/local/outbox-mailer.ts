import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock, Mailer } from '../ports.ts';

/**
 * Email on a laptop: each message becomes an RFC 5322 `.eml` file in the outbox folder,
 * which any mail client opens.
 */
export function outboxMailer(folder: string, from: string, clock: Clock): Mailer {
  return {
    async send(mail) {
      await mkdir(folder, { recursive: true });
      const date = clock.now();
      const boundary = `insights-${date.getTime().toString(36)}`;
      const headers = [
        `From: ${from}`,
        `To: ${mail.to.join(', ')}`,
        `Subject: ${encodeHeader(mail.subject)}`,
        `Date: ${date.toUTCString()}`,
        'MIME-Version: 1.0',
      ];
      const body = mail.html
        ? [
            `Content-Type: multipart/alternative; boundary="${boundary}"`,
            '',
            `--${boundary}`,
            'Content-Type: text/plain; charset=utf-8',
            'Content-Transfer-Encoding: 8bit',
            '',
            mail.text,
            `--${boundary}`,
            'Content-Type: text/html; charset=utf-8',
            'Content-Transfer-Encoding: 8bit',
            '',
            mail.html,
            `--${boundary}--`,
          ]
        : [
            'Content-Type: text/plain; charset=utf-8',
            'Content-Transfer-Encoding: 8bit',
            '',
            mail.text,
          ];
      const stamp = date.toISOString().replace(/[:.]/g, '-');
      const path = join(folder, `${stamp}-${slug(mail.subject)}.eml`);
      await writeFile(path, [...headers, ...body, ''].join('\r\n'));
      return path;
    },
  };
}

function encodeHeader(value: string): string {
  // RFC 2047 for anything beyond printable ASCII.
  return /^[\x20-\x7e]*$/.test(value)
    ? value
    : `=?utf-8?B?${Buffer.from(value).toString('base64')}?=`;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}
