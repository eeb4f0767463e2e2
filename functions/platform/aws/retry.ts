import { TransientError } from '../errors.ts';

/**
 * Retries of S3 and Glue calls, done here rather than by the SDK: the SDK cannot resend a
 * streamed body it has already consumed (an upload from a file), a download that breaks
 * mid-stream must start over as a whole, and a test can drive this loop through
 * aws-sdk-client-mock, which bypasses the SDK's own retry middleware. Clients used with it
 * are built with SDK_RETRIES_OFF, so attempts never multiply (SDK x ours).
 */
export const SDK_RETRIES_OFF = { maxAttempts: 1 } as const;

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Ceiling of the first backoff; it doubles on every further attempt. */
  baseDelayMs: number;
  /** No backoff is longer than this. */
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1): the jitter. */
  random: () => number;
}

/** Worst case about 7.75 s of waiting in all, well inside a Lambda's time-out. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/**
 * "Full jitter" backoff: a uniform delay up to an exponentially growing ceiling, so clients
 * throttled together do not come back together.
 */
export function backoffDelay(policy: RetryPolicy, failedAttempts: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempts - 1));
  return Math.floor(policy.random() * ceiling);
}

/**
 * Runs `call` until it succeeds, fails for a reason retrying cannot fix (thrown as is), or
 * runs out of attempts (a TransientError naming `what`, which Lambda and Step Functions
 * retry later). `call` must build its request anew each time (a fresh file stream).
 */
export async function withRetries<T>(
  what: string,
  call: () => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetryableAwsError(error)) throw error;
      if (attempt >= policy.maxAttempts) {
        throw new TransientError(
          `${what}: still failing after ${attempt} attempts (${describe(error)}); try again later`,
          { cause: error },
        );
      }
      await policy.sleep(backoffDelay(policy, attempt));
    }
  }
}

// The throttling and transient error codes the SDK's standard retry strategy knows.
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'RequestThrottled',
  'SlowDown',
  'PriorRequestNotComplete',
]);
const TRANSIENT = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'InternalFailure',
  'InternalServiceException',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'OperationTimeoutException',
]);
const TRANSIENT_STATUS = new Set([429, 500, 502, 503, 504]);
const NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number; clockSkewCorrected?: boolean };
}

/** Throttling, a 5xx, a dropped connection, or a clock skew the SDK has just corrected. */
export function isRetryableAwsError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as AwsLikeError;
  return Boolean(
    e.$retryable ||
    (e.name && (THROTTLING.has(e.name) || TRANSIENT.has(e.name))) ||
    (e.code && NETWORK.has(e.code)) ||
    TRANSIENT_STATUS.has(e.$metadata?.httpStatusCode ?? 0) ||
    e.$metadata?.clockSkewCorrected,
  );
}

function describe(error: unknown): string {
  const e = error as AwsLikeError;
  const status = e.$metadata?.httpStatusCode;
  return [e.name ?? e.code, status ? `HTTP ${status}` : undefined, e.message]
    .filter(Boolean)
    .join(': ');
}
