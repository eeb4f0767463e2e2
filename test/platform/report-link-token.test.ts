import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#platform/errors.ts';
import { tableKey } from '#report/csv-tables.ts';
import {
  ReportLinkError,
  isReportFile,
  isReportKey,
  parseReportLinkPath,
  reportFileOf,
  reportLinkPath,
  resolveReportLink,
  signReportFolderLink,
  signReportLink,
  verifyReportFolderLink,
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

/** The reason `verify` (verifyReportLink unless told) gives for refusing `value`. */
function refusal(
  value: string,
  secret = SECRET,
  now = DURING,
  verify: (token: string, secret: string, now: Date) => unknown = verifyReportLink,
): ReportLinkRejection {
  try {
    verify(value, secret, now);
  } catch (error) {
    expect(error).toBeInstanceOf(ReportLinkError);
    expect((error as ReportLinkError).name).toBe('ReportLinkError');
    return (error as ReportLinkError).reason;
  }
  throw new Error(`accepted ${value}`);
}

/** A token over any payload text, signed the way signReportLink signs (the v1 scheme), or folder tokens (v2). */
const signRaw = (text: string, purpose = 'serverless-insights/report-link/v1\n') => {
  const payload = Buffer.from(text).toString('base64url');
  const sig = createHmac('sha256', SECRET).update(purpose).update(payload).digest('base64url');
  return `${payload}.${sig}`;
};
const FOLDER_PURPOSE = 'serverless-insights/report-folder-link/v2\n';

/** Flips one base64url character to another, keeping the shape. */
const flip = (text: string, at: number) =>
  text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);

describe('signReportLink and verifyReportLink', () => {
  it('round-trips the key until the expiry, in a token safe in a URL as it is', () => {
    const t = token();
    expect(t).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(t)).toBe(t);
    expect(verifyReportLink(t, SECRET, ISSUED)).toEqual({ key: KEY, expiresAt: EXPIRES });
    expect(verifyReportLink(t, SECRET, DURING)).toEqual({ key: KEY, expiresAt: EXPIRES });
  });

  it('round-trips keys with spaces, unicode and URL syntax in them', () => {
    for (const key of ['reports/spring sale/report.html', 'reports/Q1 ünïcødé/a?b#c&d=e.html'])
      expect(verifyReportLink(token(key), SECRET, DURING)).toEqual({ key, expiresAt: EXPIRES });
  });

  it('accepts a Uint8Array secret as its bytes', () => {
    const bytes = new TextEncoder().encode(SECRET);
    expect(verifyReportLink(token(KEY, EXPIRES, SECRET), bytes, DURING)).toMatchObject({
      key: KEY,
    });
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
    expect(verifyReportLink(t, SECRET, new Date(EXPIRES.getTime() - 1))).toMatchObject({
      key: KEY,
    });
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

describe('folder tokens: what a path link opens', () => {
  const RUN_A = 'reports/2026-01-05T06-00-00Z-schedule/';
  const RUN_B = 'reports/2026-01-06T06-00-00Z-schedule/';
  const folderToken = (folder = RUN_A, expiresAt = EXPIRES, secret = SECRET) =>
    signReportFolderLink({ folder, expiresAt }, secret);
  const resolveRefusal = (t: string, file: string, now = DURING) =>
    refusal(t, SECRET, now, (value, secret, at) => resolveReportLink(value, file, secret, at));

  it('round-trips the folder until the expiry, in a token safe in a path segment as it is', () => {
    const t = folderToken();
    expect(t).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(t)).toBe(t);
    expect(verifyReportFolderLink(t, SECRET, ISSUED)).toEqual({
      folder: RUN_A,
      expiresAt: EXPIRES,
    });
    expect(refusal(t, SECRET, EXPIRES, verifyReportFolderLink)).toBe('expired');
  });

  it('opens exactly the file asked for, in the folder the token names', () => {
    const t = folderToken();
    for (const file of [
      'report.html',
      'report.md',
      'report.json',
      'tables/kpis.csv',
      'tables/kpi-by-dimension.csv',
    ])
      expect(resolveReportLink(t, file, SECRET, DURING)).toEqual({
        folder: RUN_A,
        expiresAt: EXPIRES,
        file,
        key: `${RUN_A}${file}`,
      });
  });

  it("never opens another run's files with a run's token, whatever the path says", () => {
    const t = folderToken(RUN_A);
    const other = RUN_B.slice('reports/'.length);
    for (const file of [
      `../${other}report.html`,
      `../${other}tables/kpis.csv`,
      `tables/../../${other}report.html`,
      `/${RUN_B}report.html`,
      `${RUN_B}report.html`,
      `${other}report.html`,
    ])
      expect(resolveRefusal(t, file), file).toBe('forbidden-file');
    // The other run opens with its own token only.
    expect(resolveReportLink(folderToken(RUN_B), 'report.html', SECRET, DURING).key).toBe(
      `${RUN_B}report.html`,
    );
    // A run's signature over a payload changed to name another run is no token.
    const [, sig] = t.split('.');
    const payload = Buffer.from(JSON.stringify({ d: RUN_B, e: EXPIRES.getTime() / 1000 })).toString(
      'base64url',
    );
    expect(resolveRefusal(`${payload}.${sig}`, 'report.html')).toBe('bad-signature');
  });

  it('refuses paths outside the folder and encoded traversal before any signature work', () => {
    // Not even a token: the file is refused first.
    for (const file of [
      '',
      '.',
      '..',
      '../report.html',
      './report.html',
      'tables/../report.html',
      'tables/./kpis.csv',
      'tables//kpis.csv',
      '%2e%2e/report.html',
      '%2E%2E%2Freport.html',
      '..%2freport.html',
      'tables%2Fkpis.csv',
      'tables/kpis%2ecsv',
      'tables%5C..%5Creport.html',
      'tables\\..\\report.html',
      'report.html%00',
      'report.html\u0000',
      'report.html\n',
      'report.html?x=1',
      'report.html#x',
      'tables/kpis.csv/',
      'tables/Kpis.csv',
      'tables/k pis.csv',
      'tables/nested/kpis.csv',
      'tables/-.csv',
      'report.htm',
      'REPORT.HTML',
      'plan.json',
      'runs/r1/plan.json',
      'curated/orders/a.parquet',
    ]) {
      expect(isReportFile(file), JSON.stringify(file)).toBe(false);
      expect(resolveRefusal('not-a-token', file), JSON.stringify(file)).toBe('forbidden-file');
    }
  });

  it("takes every table name the report links to (tableKey's shape)", () => {
    for (const name of ['kpis', 'kpi-by-dimension', 'lifetime-value-holdout', 'a1'])
      expect(isReportFile(tableKey(name)), name).toBe(true);
  });

  it('keeps the two kinds of token apart: a key token opens no folder, a folder token names no key', () => {
    expect(resolveRefusal(token(), 'report.html')).toBe('bad-signature');
    expect(refusal(folderToken())).toBe('bad-signature');
    // The same payload under the other label is no token either.
    const folderPayload = JSON.stringify({ d: RUN_A, e: EXPIRES.getTime() / 1000 });
    expect(resolveRefusal(signRaw(folderPayload), 'report.html')).toBe('bad-signature');
    expect(
      resolveReportLink(signRaw(folderPayload, FOLDER_PURPOSE), 'report.html', SECRET, DURING).key,
    ).toBe(`${RUN_A}report.html`);
  });

  it('refuses to sign, or to open, anything but a report folder', () => {
    for (const folder of [
      'reports/',
      'reports',
      `${RUN_A.slice(0, -1)}`,
      'reports/r1/tables/',
      'reports/../curated/',
      'reports/./',
      'reports/r 1/',
      'curated/orders/',
      'runs/r1/',
      `reports/${'r'.repeat(81)}/`,
    ]) {
      expect(() => folderToken(folder), folder).toThrow(ReportLinkError);
      const genuine = signRaw(
        JSON.stringify({ d: folder, e: EXPIRES.getTime() / 1000 }),
        FOLDER_PURPOSE,
      );
      expect(resolveRefusal(genuine, 'report.html'), folder).toBe('forbidden-key');
    }
    for (const text of ['{"d":"reports/r1/"}', '{"k":"reports/r1/report.html","e":1}', 'null'])
      expect(resolveRefusal(signRaw(text, FOLDER_PURPOSE), 'report.html'), text).toBe('malformed');
  });

  it('parses a request path as sent, without decoding it', () => {
    expect(parseReportLinkPath('/r/abc.def/report.html')).toEqual({
      token: 'abc.def',
      file: 'report.html',
    });
    expect(parseReportLinkPath('/r/abc.def/tables/kpis.csv')).toEqual({
      token: 'abc.def',
      file: 'tables/kpis.csv',
    });
    expect(parseReportLinkPath('/r/abc.def/%2e%2e/x')).toEqual({
      token: 'abc.def',
      file: '%2e%2e/x',
    });
    expect(parseReportLinkPath('/r/abc.def')).toEqual({ token: 'abc.def', file: '' });
    for (const path of ['/', '', '/favicon.ico', '/R/abc.def/report.html', 'r/abc.def/report.html'])
      expect(parseReportLinkPath(path), path).toBeUndefined();
    expect(reportLinkPath('abc.def', 'tables/kpis.csv')).toBe('/r/abc.def/tables/kpis.csv');
    expect(() => reportLinkPath('abc.def', '../x.csv')).toThrow(ReportLinkError);
  });

  it('splits the key of a report file into its folder and its file, and nothing else', () => {
    expect(reportFileOf(`${RUN_A}report.html`)).toEqual({ folder: RUN_A, file: 'report.html' });
    expect(reportFileOf(`${RUN_A}tables/kpis.csv`)).toEqual({
      folder: RUN_A,
      file: 'tables/kpis.csv',
    });
    for (const key of [
      'reports/latest.json',
      'reports/r1/../r2/report.html',
      'reports/r1/other.txt',
      'curated/orders/a.parquet',
      'reports/spring sale/report.html',
    ])
      expect(reportFileOf(key), key).toBeUndefined();
  });
});
