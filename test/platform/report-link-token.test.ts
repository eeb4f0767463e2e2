import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#platform/errors.ts';
import {
  ReportLinkError,
  isReportKey,
  signReportLink,
  verifyReportLink,
  type ReportLinkRejection,
} from '#platform/report-link-token.ts';

const SECRET = 'k'.repeat(32) + 'this-is-only-a-test-secret';
const OTHER_SECRET = 'o'.repeat(64);
const KEY = 'reports/2026-01-05T06-00-00Z-schedule/report.html';
const ISSUED = new Date('2026-01-05T06:00:00Z');
const EXPIRES = new Date('2026-01-12T06:00:00Z');
const DURING = new Date('2026-01-11T23:59:59Z');

const token = (key = KEY, expiresAt = EXPIRES, secret = SECRET) =>
  signReportLink({ key, expiresAt }, secret);

/** The reason verifyReportLink gives for refusing `value`. */
function refusal(value: string, secret = SECRET, now = DURING): ReportLinkRejection {
  try {
    verifyReportLink(value, secret, now);
  } catch (error) {
    expect(error).toBeInstanceOf(ReportLinkError);
    expect((error as ReportLinkError).name).toBe('ReportLinkError');
    return (error as ReportLinkError).reason;
  }
  throw new Error(`accepted ${value}`);
}

/** A token over any payload text, signed the way signReportLink signs (the v1 scheme). */
const signRaw = (text: string) => {
  const payload = Buffer.from(text).toString('base64url');
  const sig = createHmac('sha256', SECRET)
    .update('serverless-insights/report-link/v1\n')
    .update(payload)
    .digest('base64url');
  return `${payload}.${sig}`;
};

/** Flips one base64url character to another, keeping the shape. */
const flip = (text: string, at: number) =>
  text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);

describe('signReportLink and verifyReportLink', () => {
  it('round-trips the key until the expiry, in a token safe in a URL as it is', () => {
    const t = token();
    expect(t).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(t)).toBe(t);
    expect(verifyReportLink(t, SECRET, ISSUED)).toEqual({ key: KEY });
    expect(verifyReportLink(t, SECRET, DURING)).toEqual({ key: KEY });
  });

  it('round-trips keys with spaces, unicode and URL syntax in them', () => {
    for (const key of ['reports/spring sale/report.html', 'reports/Q1 ünïcødé/a?b#c&d=e.html'])
      expect(verifyReportLink(token(key), SECRET, DURING)).toEqual({ key });
  });

  it('accepts a Uint8Array secret as its bytes', () => {
    const bytes = new TextEncoder().encode(SECRET);
    expect(verifyReportLink(token(KEY, EXPIRES, SECRET), bytes, DURING)).toEqual({ key: KEY });
  });

  it('refuses a tampered payload (another key, a later expiry) as a bad signature', () => {
    const [payload, sig] = token().split('.') as [string, string];
    const forged = (claims: object) =>
      `${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
    expect(
      refusal(forged({ k: 'reports/other-run/report.html', e: EXPIRES.getTime() / 1000 })),
    ).toBe('bad-signature');
    expect(refusal(forged({ k: KEY, e: EXPIRES.getTime() / 1000 + 86_400 }))).toBe('bad-signature');
    expect(refusal(`${flip(payload, 3)}.${sig}`)).toBe('bad-signature');
  });

  it('refuses a tampered signature, a truncated one and a longer one', () => {
    const [payload, sig] = token().split('.') as [string, string];
    expect(refusal(`${payload}.${flip(sig, 10)}`)).toBe('bad-signature');
    expect(refusal(`${payload}.${sig.slice(0, -1)}`)).toBe('bad-signature');
    expect(refusal(`${payload}.${sig}A`)).toBe('bad-signature');
    // 32 bytes take 43 base64url characters, the last with 2 unused bits: another encoding
    // of the same bytes is still not the signature.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = `${sig.slice(0, -1)}${alphabet[alphabet.indexOf(sig.at(-1)!) ^ 1]}`;
    expect(Buffer.from(sibling, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    expect(refusal(`${payload}.${sibling}`)).toBe('bad-signature');
  });

  it('refuses a token signed with another secret', () => {
    expect(refusal(token(KEY, EXPIRES, OTHER_SECRET))).toBe('bad-signature');
  });

  it('refuses an expired token from the expiry second on, by the clock it is given', () => {
    const t = token();
    expect(verifyReportLink(t, SECRET, new Date(EXPIRES.getTime() - 1))).toEqual({ key: KEY });
    expect(refusal(t, SECRET, EXPIRES)).toBe('expired');
    expect(refusal(t, SECRET, new Date('2027-01-01T00:00:00Z'))).toBe('expired');
  });

  it('checks the signature before the expiry: a forged expired token is a bad signature', () => {
    expect(refusal(token(KEY, EXPIRES, OTHER_SECRET), SECRET, new Date('2030-01-01'))).toBe(
      'bad-signature',
    );
  });

  it('refuses to sign a key outside reports/', () => {
    for (const key of [
      'curated/orders/month=2026-01/a.parquet',
      'incoming/orders/file.csv',
      'runs/r1/plan.json',
      'reports',
      'reports/',
      '/reports/r1/report.html',
      'reportsx/r1/report.html',
      'reports/../curated/orders/a.parquet',
      'reports/./r1/report.html',
      'reports//r1/report.html',
      'reports/r1\\..\\..\\curated',
      'reports/r1/report.html\n',
    ]) {
      expect(() => token(key), key).toThrow(ReportLinkError);
      expect(isReportKey(key), key).toBe(false);
    }
  });

  it('refuses a genuine token that names a key outside reports/ (signed by other code with the secret)', () => {
    const claims = { k: 'curated/orders/a.parquet', e: EXPIRES.getTime() / 1000 };
    expect(refusal(signRaw(JSON.stringify(claims)))).toBe('forbidden-key');
  });

  it('refuses a genuine signature over a payload that is not the claims of a token as malformed', () => {
    for (const text of ['not json', 'null', '42', '{"k":"reports/r/a.html"}', '{"k":1,"e":2}'])
      expect(refusal(signRaw(text)), text).toBe('malformed');
  });

  it('refuses garbage as malformed without throwing anything else', () => {
    for (const garbage of [
      '',
      '.',
      'abc',
      'abc.',
      '.abc',
      'a.b.c',
      'a b.c',
      'eyJ9.%%%',
      'a+b/c=.def',
      '<script>alert(1)</script>',
      `${'A'.repeat(3000)}.${'B'.repeat(43)}`,
    ]) {
      expect(refusal(garbage), JSON.stringify(garbage)).toBe('malformed');
    }
    expect(() => verifyReportLink(undefined as unknown as string, SECRET, DURING)).toThrow(
      ReportLinkError,
    );
  });

  it('refuses a short secret as a configuration error, when signing and when verifying', () => {
    expect(() => token(KEY, EXPIRES, 'short')).toThrow(ConfigError);
    expect(() => verifyReportLink(token(), '', DURING)).toThrow(ConfigError);
  });

  it('refuses an expiry that is no date', () => {
    expect(() => token(KEY, new Date(Number.NaN))).toThrow(RangeError);
  });
});
