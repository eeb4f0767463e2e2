import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ConfigError } from '../errors.ts';
import { asIs, type InstrumentClient } from './instrument.ts';
import type { Clock } from '../ports.ts';
import {
  MAX_REPORT_LINK_DAYS,
  ReportLinkError,
  isReportKey,
  reportFileOf,
  reportLinkPath,
  signReportFolderLink,
} from '../report-link-token.ts';

/**
 * The AWS side of report links. Notify signs a folder token (`signedReportLinks`); the link
 * function behind a Lambda Function URL verifies it, then serves the report page itself
 * (`reportReader`: GetObject) or redirects to a presigned GetObject URL of one of the
 * report's files that lives minutes (`reportPresigner`). Both read the signing secret from
 * Secrets Manager.
 */

/** How long the redirect target lives: enough to follow a redirect, too short to be worth forwarding. */
export const PRESIGNED_SECONDS = 300;

/**
 * Reads a Secrets Manager secret's string on first use and keeps it for the life of the
 * process (one read per cold start). A failed read is not kept: the next call tries again.
 * A rotated secret reaches a warm container only when the container is replaced.
 */
export function secretsManagerSecret(
  client: SecretsManagerClient,
  secretId: string,
): () => Promise<string> {
  let value: Promise<string> | undefined;
  return () =>
    (value ??= client
      .send(new GetSecretValueCommand({ SecretId: secretId }))
      .then((out) => {
        if (!out.SecretString)
          throw new ConfigError(`Secret ${secretId} has no string value to sign report links`);
        return out.SecretString;
      })
      .catch((error: unknown) => {
        value = undefined;
        throw error;
      }));
}

/** Presigns GetObject on the lake for keys under `reports/` only, valid for `seconds`. */
export function reportPresigner(
  s3: S3Client,
  bucket: string,
  seconds: number = PRESIGNED_SECONDS,
): (key: string) => Promise<string> {
  return async (key) => {
    if (!isReportKey(key))
      throw new ReportLinkError('forbidden-key', 'Only keys under reports/ are presigned');
    return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key }), {
      expiresIn: seconds,
    });
  };
}

/** What reading a report file to serve it found. */
export type ReportRead =
  | { status: 'ok'; body: string }
  /** Longer than asked for: not read (its size in bytes, as S3 told it). */
  | { status: 'too-large'; bytes: number }
  | { status: 'missing' };

/**
 * Reads a report file under `reports/` as UTF-8 text, if it is at most `maxBytes` long; a
 * longer one is not read (its stream is dropped unread). Only a missing key (NoSuchKey, 404)
 * is `missing`; any other failure is thrown. The role has no s3:ListBucket, so S3 answers a
 * missing key with AccessDenied, which is thrown as it is (reports are never deleted by the
 * stack: a missing one was removed by hand).
 */
export function reportReader(
  s3: S3Client,
  bucket: string,
): (key: string, maxBytes: number) => Promise<ReportRead> {
  return async (key, maxBytes) => {
    if (!isReportKey(key))
      throw new ReportLinkError('forbidden-key', 'Only keys under reports/ are read');
    let out;
    try {
      out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (isMissing(error)) return { status: 'missing' };
      throw error;
    }
    const declared = out.ContentLength;
    if (declared !== undefined && declared > maxBytes) {
      (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
      return { status: 'too-large', bytes: declared };
    }
    const body = (await out.Body?.transformToString('utf-8')) ?? '';
    const bytes = Buffer.byteLength(body, 'utf8');
    return bytes > maxBytes ? { status: 'too-large', bytes } : { status: 'ok', body };
  };
}

function isMissing(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
  };
  return name === 'NoSuchKey' || name === 'NotFound' || $metadata?.httpStatusCode === 404;
}

export interface SignedReportLinksOptions {
  /** The link function's URL (a Lambda Function URL); links are paths on its origin, `/r/<token>/<file>`. */
  url: string;
  /** Days from now until the link stops working. */
  days: number;
  secret: () => Promise<string>;
  clock: Clock;
}

/**
 * `linkTo` in AWS: `<url origin>/r/<token>/<file>` for a key `reports/<run-id>/<file>`, the
 * token opening that report's folder for `days` days. A path, not a query: the report's
 * relative links (`tables/kpis.csv`) then resolve to the same token on the same origin.
 */
export function signedReportLinks(
  options: SignedReportLinksOptions,
): (key: string) => Promise<string> {
  return async (key) => {
    const at = reportFileOf(key);
    if (!at)
      throw new ReportLinkError(
        'forbidden-key',
        'Only a file of a report folder (reports/<run-id>/report.html, ...) can be linked',
      );
    const expiresAt = new Date(options.clock.now().getTime() + options.days * 86_400_000);
    const token = signReportFolderLink({ folder: at.folder, expiresAt }, await options.secret());
    return new URL(reportLinkPath(token, at.file), options.url).href;
  };
}

/** REPORT_LINK_DAYS: a whole number of days, 1 to MAX_REPORT_LINK_DAYS; 7 when unset. */
export function reportLinkDays(value: string | undefined): number {
  const days = Number(value ?? '7');
  if (!/^\d+$/.test((value ?? '7').trim()) || days < 1 || days > MAX_REPORT_LINK_DAYS)
    throw new ConfigError(
      `REPORT_LINK_DAYS must be a whole number of days from 1 to ${MAX_REPORT_LINK_DAYS}; got "${value}"`,
    );
  return days;
}

/** What the link function needs from AWS, read from its environment on first use. */
export function reportLinkAdapters(
  env: NodeJS.ProcessEnv = process.env,
  instrument: InstrumentClient = asIs,
): {
  secret: () => Promise<string>;
  presign: (key: string) => Promise<string>;
  read: (key: string, maxBytes: number) => Promise<ReportRead>;
} {
  let secret: (() => Promise<string>) | undefined;
  let s3: S3Client | undefined;
  let presign: ((key: string) => Promise<string>) | undefined;
  let read: ((key: string, maxBytes: number) => Promise<ReportRead>) | undefined;
  const lake = () => (s3 ??= instrument(new S3Client({})));
  return {
    secret: async () =>
      (secret ??= secretsManagerSecret(
        instrument(new SecretsManagerClient({})),
        required(env, 'REPORT_LINK_SECRET_ARN'),
      ))(),
    presign: async (key) =>
      (presign ??= reportPresigner(lake(), required(env, 'LAKE_BUCKET')))(key),
    read: async (key, maxBytes) =>
      (read ??= reportReader(lake(), required(env, 'LAKE_BUCKET')))(key, maxBytes),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new ConfigError(`Environment variable ${name} is not set; the stack should set it`);
  return value;
}
