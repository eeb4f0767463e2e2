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
  signReportLink,
} from '../report-link-token.ts';

/**
 * The AWS side of report links. Notify signs a token (`signedReportLinks`); the link function
 * behind a Lambda Function URL verifies it and redirects to a presigned GetObject URL that
 * lives minutes (`reportPresigner`). Both read the signing secret from Secrets Manager.
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

export interface SignedReportLinksOptions {
  /** The link function's URL (a Lambda Function URL); the token goes in its `t` parameter. */
  url: string;
  /** Days from now until the link stops working. */
  days: number;
  secret: () => Promise<string>;
  clock: Clock;
}

/** `linkTo` in AWS: `<url>?t=<token>`, the token naming the report and valid for `days` days. */
export function signedReportLinks(
  options: SignedReportLinksOptions,
): (key: string) => Promise<string> {
  return async (key) => {
    const expiresAt = new Date(options.clock.now().getTime() + options.days * 86_400_000);
    const token = signReportLink({ key, expiresAt }, await options.secret());
    const link = new URL(options.url);
    link.searchParams.set('t', token);
    return link.href;
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
} {
  let secret: (() => Promise<string>) | undefined;
  let presign: ((key: string) => Promise<string>) | undefined;
  return {
    secret: async () =>
      (secret ??= secretsManagerSecret(
        instrument(new SecretsManagerClient({})),
        required(env, 'REPORT_LINK_SECRET_ARN'),
      ))(),
    presign: async (key) =>
      (presign ??= reportPresigner(instrument(new S3Client({})), required(env, 'LAKE_BUCKET')))(
        key,
      ),
  };
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new ConfigError(`Environment variable ${name} is not set; the stack should set it`);
  return value;
}
