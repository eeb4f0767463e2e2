import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from './errors.ts';

/**
 * Signed report links: the emailed link carries a token that names one report and when the
 * link stops working, signed with HMAC-SHA256 under a secret only the stack knows. The link
 * function checks the token and only then presigns a short-lived S3 URL, so the link's
 * lifetime no longer depends on the lifetime of anyone's AWS credentials.
 *
 * Token: `<payload>.<signature>`, both base64url (no padding): the payload is the JSON
 * `{"k":"<key>","e":<expiry, Unix seconds>}`, the signature the HMAC of a purpose label and
 * the payload text exactly as sent. Everything in it is URL-safe, so it goes into a query
 * string as it is.
 */

/** Only reports may be linked: a token must never open raw, curated or run data. */
export const REPORT_LINK_PREFIX = 'reports/';

/** Shorter secrets are refused: RFC 2104 advises a key no shorter than the hash output (32 bytes). */
export const MIN_SECRET_BYTES = 32;

/**
 * The longest a link may be made to live, in days. Presigned S3 URLs stop at 7 days; a token
 * has no such cap, but an emailed link is a bearer credential for business data: 90 days
 * bounds what a forwarded or leaked email can still open (rotating the secret revokes all).
 */
export const MAX_REPORT_LINK_DAYS = 90;

/** Tokens longer than this are not even parsed (a report key is far shorter). */
const MAX_TOKEN_LENGTH = 2048;

/** Binds the signature to this use: the same secret signing anything else cannot make a link. */
const PURPOSE = 'serverless-insights/report-link/v1\n';

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type ReportLinkRejection =
  /** Not a token at all: wrong shape, not base64url, not the JSON a token carries. */
  | 'malformed'
  /** Well formed, but not signed with this secret (tampered, or another stack's). */
  | 'bad-signature'
  /** Genuine, but its time is up. */
  | 'expired'
  /** Names a key outside `reports/` (refused when signing and when verifying). */
  | 'forbidden-key';

/** Why a report link cannot be made or used; `reason` is for the caller, never for the user. */
export class ReportLinkError extends Error {
  override readonly name = 'ReportLinkError';
  constructor(
    readonly reason: ReportLinkRejection,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ReportLinkClaims {
  /** The report's key in the lake, under `reports/`. */
  key: string;
  /** When the link stops working (kept to the second). */
  expiresAt: Date;
}

/**
 * A URL-safe token for `key` that verifies until `expiresAt`.
 *
 * @example
 * const token = signReportLink(
 *   { key: 'reports/run-1/report.html', expiresAt: new Date('2026-02-01T00:00:00Z') },
 *   secret,
 * ); // '<base64url of {"k":"reports/run-1/report.html","e":1769904000}>.<base64url HMAC>'
 * verifyReportLink(token, secret, new Date('2026-01-25T00:00:00Z')); // { key: 'reports/run-1/report.html' }
 */
export function signReportLink(claims: ReportLinkClaims, secret: string | Uint8Array): string {
  const hmacKey = secretBytes(secret);
  if (!isReportKey(claims.key))
    throw new ReportLinkError('forbidden-key', 'Only keys under reports/ can be linked');
  const expiry = Math.floor(claims.expiresAt.getTime() / 1000);
  if (!Number.isSafeInteger(expiry) || expiry <= 0)
    throw new RangeError('expiresAt must be a valid date after 1970');
  const payload = Buffer.from(JSON.stringify({ k: claims.key, e: expiry }), 'utf8').toString(
    'base64url',
  );
  return `${payload}.${signature(payload, hmacKey)}`;
}

/**
 * The report key a token names, if the token was signed with `secret`, still holds at `now`,
 * and names a report. Throws a ReportLinkError saying which check failed otherwise. The
 * signature is checked (in constant time) before anything in the payload is read.
 */
export function verifyReportLink(
  token: string,
  secret: string | Uint8Array,
  now: Date,
): { key: string } {
  const hmacKey = secretBytes(secret);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)
    throw new ReportLinkError('malformed', 'Not a report link token');
  const parts = token.split('.');
  const [payload, sig] = parts;
  if (
    parts.length !== 2 ||
    payload === undefined ||
    sig === undefined ||
    !BASE64URL.test(payload) ||
    !BASE64URL.test(sig)
  )
    throw new ReportLinkError('malformed', 'Not a report link token');

  const expected = Buffer.from(signature(payload, hmacKey), 'ascii');
  const given = Buffer.from(sig, 'ascii');
  // Comparing the base64url text (not decoded bytes) also refuses other encodings of the same bytes.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new ReportLinkError('bad-signature', 'The report link was not signed with this secret');

  const claims = parseClaims(payload);
  if (!isReportKey(claims.k))
    throw new ReportLinkError('forbidden-key', 'The report link names a key outside reports/');
  if (now.getTime() >= claims.e * 1000)
    throw new ReportLinkError('expired', 'The report link has expired');
  return { key: claims.k };
}

/**
 * A key under `reports/` with something after it, and nothing a URL or a path could read as
 * another place: no `.` or `..` segment, no empty segment, no backslash, no control character (Cc).
 */
export function isReportKey(key: unknown): key is string {
  if (typeof key !== 'string' || !key.startsWith(REPORT_LINK_PREFIX)) return false;
  if (key.length > 1024 || key.includes('\\') || /\p{Cc}/u.test(key)) return false;
  const segments = key.split('/');
  return segments.length >= 2 && segments.every((s) => s !== '' && s !== '.' && s !== '..');
}

function signature(payload: string, key: Buffer): string {
  return createHmac('sha256', key).update(PURPOSE).update(payload).digest('base64url');
}

function secretBytes(secret: string | Uint8Array): Buffer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < MIN_SECRET_BYTES)
    throw new ConfigError(
      `The report link secret must be at least ${MIN_SECRET_BYTES} bytes; it is ${bytes.length}`,
    );
  return bytes;
}

function parseClaims(payload: string): { k: string; e: number } {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new ReportLinkError('malformed', 'The report link payload is not JSON', { cause });
  }
  const { k, e } = (claims ?? {}) as { k?: unknown; e?: unknown };
  if (typeof k !== 'string' || typeof e !== 'number' || !Number.isSafeInteger(e))
    throw new ReportLinkError('malformed', 'The report link payload lacks its key or expiry');
  return { k, e };
}
