import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigError } from './errors.ts';

/**
 * Signed report links: the emailed link carries a token that names one report's folder and
 * when the link stops working, signed with HMAC-SHA256 under a secret only the stack knows.
 * The link function checks the token and only then serves the report or presigns a
 * short-lived S3 URL of one of its files, so the link's lifetime no longer depends on the
 * lifetime of anyone's AWS credentials.
 *
 * The link is a path, `<function URL>/r/<token>/report.html`, so that the report's relative
 * links (`tables/kpis.csv`) resolve to `/r/<token>/tables/kpis.csv` on the same origin and
 * carry the token too. The token opens the files of its folder whose names have a report
 * file's shape (`isReportFile`: report.html, .md, .json, tables/<name>.csv), nothing else.
 *
 * Token: `<payload>.<signature>`, both base64url (no padding), the signature the HMAC of a
 * purpose label and the payload text exactly as sent. Two kinds, each with its own label, so
 * that neither verifies as the other:
 * - a folder token (v2, made now): payload `{"d":"reports/<run-id>/","e":<expiry, Unix seconds>}`;
 * - a key token (v1, emailed before path links, as `<function URL>?t=<token>`): payload
 *   `{"k":"<key>","e":<expiry>}`. The link function still accepts these for as long as they
 *   live, and answers them with a redirect to the path link of the same report and expiry.
 * Everything in a token is URL-safe, so it goes into a path segment or a query string as it is.
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
/** The folder tokens' own label: a key token never verifies as a folder token, nor the reverse. */
const FOLDER_PURPOSE = 'serverless-insights/report-folder-link/v2\n';

/** A report's folder: `reports/<run-id>/`, the run id as Step Functions names allow (run-keys.ts). */
const REPORT_FOLDER = /^reports\/[A-Za-z0-9_-]{1,80}\/$/;

/**
 * The files of a report folder a link may open, by shape: the report in its three forms and
 * its tables as CSV (`tableKey`: lower-case letters, digits and `-`). No `%`, `\`, `.` or `..`
 * segment, no empty segment can match, so no encoding of a way out of the folder does.
 */
const REPORT_FILE = /^(?:report\.(?:html|md|json)|tables\/[a-z0-9][a-z0-9-]{0,127}\.csv)$/;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export type ReportLinkRejection =
  /** Not a token at all: wrong shape, not base64url, not the JSON a token carries. */
  | 'malformed'
  /** Well formed, but not signed with this secret (tampered, or another stack's). */
  | 'bad-signature'
  /** Genuine, but its time is up. */
  | 'expired'
  /** Names a key outside `reports/` (refused when signing and when verifying). */
  | 'forbidden-key'
  /** Asks a folder link for something that is not one of its report's files (`isReportFile`). */
  | 'forbidden-file';

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
 * verifyReportLink(token, secret, new Date('2026-01-25T00:00:00Z'));
 * // { key: 'reports/run-1/report.html', expiresAt: new Date('2026-02-01T00:00:00Z') }
 *
 * These key tokens are what notify emailed before path links (`?t=<token>`); it now signs
 * folder tokens (`signReportFolderLink`). Kept so that the links already sent keep working.
 */
export function signReportLink(claims: ReportLinkClaims, secret: string | Uint8Array): string {
  const hmacKey = secretBytes(secret);
  if (!isReportKey(claims.key))
    throw new ReportLinkError('forbidden-key', 'Only keys under reports/ can be linked');
  return signed({ k: claims.key, e: expirySeconds(claims.expiresAt) }, hmacKey, PURPOSE);
}

/**
 * The report key a key token (v1) names and its expiry, if the token was signed with
 * `secret`, still holds at `now`, and names a report. Throws a ReportLinkError saying which
 * check failed otherwise. The signature is checked (in constant time) before anything in the
 * payload is read. A folder token is not a key token: it fails as a bad signature.
 */
export function verifyReportLink(
  token: string,
  secret: string | Uint8Array,
  now: Date,
): { key: string; expiresAt: Date } {
  const claims = verified(token, secret, PURPOSE, 'k');
  if (!isReportKey(claims.value))
    throw new ReportLinkError('forbidden-key', 'The report link names a key outside reports/');
  return { key: claims.value, expiresAt: unexpired(claims.e, now) };
}

export interface ReportFolderClaims {
  /** The report's folder in the lake: `reports/<run-id>/`. */
  folder: string;
  /** When the link stops working (kept to the second). */
  expiresAt: Date;
}

/**
 * A URL-safe token that opens the files of one report folder until `expiresAt`.
 *
 * @example
 * const token = signReportFolderLink(
 *   { folder: 'reports/run-1/', expiresAt: new Date('2026-02-01T00:00:00Z') },
 *   secret,
 * );
 * resolveReportLink(token, 'tables/kpis.csv', secret, new Date('2026-01-25T00:00:00Z'));
 * // { key: 'reports/run-1/tables/kpis.csv', file: 'tables/kpis.csv', ... }
 */
export function signReportFolderLink(
  claims: ReportFolderClaims,
  secret: string | Uint8Array,
): string {
  const hmacKey = secretBytes(secret);
  if (!isReportFolder(claims.folder))
    throw new ReportLinkError(
      'forbidden-key',
      'Only a report folder (reports/<run-id>/) can be linked',
    );
  return signed({ d: claims.folder, e: expirySeconds(claims.expiresAt) }, hmacKey, FOLDER_PURPOSE);
}

/**
 * The folder a folder token (v2) opens and its expiry, if the token was signed with `secret`,
 * still holds at `now`, and names a report folder. Throws a ReportLinkError otherwise; a key
 * token (v1) is not a folder token and fails as a bad signature.
 */
export function verifyReportFolderLink(
  token: string,
  secret: string | Uint8Array,
  now: Date,
): ReportFolderClaims {
  const claims = verified(token, secret, FOLDER_PURPOSE, 'd');
  if (!isReportFolder(claims.value))
    throw new ReportLinkError('forbidden-key', 'The report link names no report folder');
  return { folder: claims.value, expiresAt: unexpired(claims.e, now) };
}

/** What a folder link opens for one request: the key of exactly the file asked for. */
export interface ResolvedReportLink extends ReportFolderClaims {
  /** The file asked for, relative to the folder: `report.html`, `tables/kpis.csv`. */
  file: string;
  /** `folder` + `file`: the only key this request may read. */
  key: string;
}

/**
 * The key `/r/<token>/<file>` opens: `file` must have a report file's shape (checked first,
 * before any signature work), and the token must be a genuine, unexpired folder token. The
 * key is the token's folder and the file: a token of one run opens that run's files only,
 * whatever the path says.
 */
export function resolveReportLink(
  token: string,
  file: string,
  secret: string | Uint8Array,
  now: Date,
): ResolvedReportLink {
  if (!isReportFile(file))
    throw new ReportLinkError('forbidden-file', 'The report link asks for no file of a report');
  const claims = verifyReportFolderLink(token, secret, now);
  return { ...claims, file, key: `${claims.folder}${file}` };
}

/** Where folder links live on the link function: `/r/<token>/<file>`. */
export const REPORT_LINK_PATH_PREFIX = '/r/';

/** The path of a folder link to `file`: `/r/<token>/<file>`. */
export function reportLinkPath(token: string, file: string): string {
  if (!isReportFile(file))
    throw new ReportLinkError('forbidden-file', 'Only a report file can be linked');
  return `${REPORT_LINK_PATH_PREFIX}${token}/${file}`;
}

/**
 * The token and the file of a request path `/r/<token>/<file>`, exactly as sent (nothing is
 * decoded: `resolveReportLink` refuses any `%`); undefined for a path outside `/r/`.
 */
export function parseReportLinkPath(path: string): { token: string; file: string } | undefined {
  if (!path.startsWith(REPORT_LINK_PATH_PREFIX)) return undefined;
  const rest = path.slice(REPORT_LINK_PATH_PREFIX.length);
  const slash = rest.indexOf('/');
  return slash < 0
    ? { token: rest, file: '' }
    : { token: rest.slice(0, slash), file: rest.slice(slash + 1) };
}

/** A report folder, `reports/<run-id>/`. */
export function isReportFolder(folder: unknown): folder is string {
  return typeof folder === 'string' && REPORT_FOLDER.test(folder);
}

/** A file of a report folder a link may open, relative to it (`REPORT_FILE`). */
export function isReportFile(file: unknown): file is string {
  return typeof file === 'string' && REPORT_FILE.test(file);
}

/**
 * A key of a report file split into its folder and its file (`reports/r1/tables/kpis.csv`:
 * `reports/r1/` and `tables/kpis.csv`); undefined for any other key.
 */
export function reportFileOf(key: string): { folder: string; file: string } | undefined {
  const match = /^(reports\/[^/]+\/)(.*)$/.exec(key);
  if (!match || !isReportFolder(match[1]) || !isReportFile(match[2])) return undefined;
  return { folder: match[1], file: match[2] };
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

function expirySeconds(expiresAt: Date): number {
  const expiry = Math.floor(expiresAt.getTime() / 1000);
  if (!Number.isSafeInteger(expiry) || expiry <= 0)
    throw new RangeError('expiresAt must be a valid date after 1970');
  return expiry;
}

function signed(claims: object, hmacKey: Buffer, purpose: string): string {
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${payload}.${signature(payload, hmacKey, purpose)}`;
}

/**
 * The claim `field` of a token and its expiry (Unix seconds), once the token's shape and its
 * signature under `purpose` hold: the signature is checked (in constant time) before anything
 * in the payload is read.
 */
function verified(
  token: string,
  secret: string | Uint8Array,
  purpose: string,
  field: 'k' | 'd',
): { value: string; e: number } {
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

  const expected = Buffer.from(signature(payload, hmacKey, purpose), 'ascii');
  const given = Buffer.from(sig, 'ascii');
  // Comparing the base64url text (not decoded bytes) also refuses other encodings of the same bytes.
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new ReportLinkError('bad-signature', 'The report link was not signed with this secret');

  return parseClaims(payload, field);
}

/** The expiry as a date, if it is still ahead of `now`. */
function unexpired(e: number, now: Date): Date {
  if (now.getTime() >= e * 1000)
    throw new ReportLinkError('expired', 'The report link has expired');
  return new Date(e * 1000);
}

function signature(payload: string, key: Buffer, purpose: string): string {
  return createHmac('sha256', key).update(purpose).update(payload).digest('base64url');
}

function secretBytes(secret: string | Uint8Array): Buffer {
  const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : Buffer.from(secret);
  if (bytes.length < MIN_SECRET_BYTES)
    throw new ConfigError(
      `The report link secret must be at least ${MIN_SECRET_BYTES} bytes; it is ${bytes.length}`,
    );
  return bytes;
}

function parseClaims(payload: string, field: 'k' | 'd'): { value: string; e: number } {
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new ReportLinkError('malformed', 'The report link payload is not JSON', { cause });
  }
  const record = (claims ?? {}) as Record<string, unknown>;
  const [value, e] = [record[field], record['e']];
  if (typeof value !== 'string' || typeof e !== 'number' || !Number.isSafeInteger(e))
    throw new ReportLinkError('malformed', 'The report link payload lacks its key or expiry');
  return { value, e };
}
