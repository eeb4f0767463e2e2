import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  isRetryableAwsError,
  withRetries,
  type RetryPolicy,
} from '#platform/aws/retry.ts';
import { TransientError } from '#platform/errors.ts';

const awsError = (name: string, status?: number, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: status ? { httpStatusCode: status } : {},
    ...extra,
  });

/** A policy that records its sleeps instead of sleeping; jitter fixed at `random`. */
function recording(random = 0.5, maxAttempts = 4): RetryPolicy & { slept: number[] } {
  const slept: number[] = [];
  return {
    ...DEFAULT_RETRY_POLICY,
    maxAttempts,
    baseDelayMs: 100,
    maxDelayMs: 350,
    random: () => random,
    sleep: async (ms) => void slept.push(ms),
    slept,
  };
}

describe('isRetryableAwsError', () => {
  it('retries throttling, 5xx, dropped connections and corrected clock skew', () => {
    for (const error of [
      awsError('SlowDown', 503),
      awsError('ThrottlingException', 400),
      awsError('TooManyRequestsException', 429),
      awsError('Unknown', 503),
      awsError('InternalServiceException', 500),
      awsError('Whatever', 400, { $retryable: { throttling: true } }),
      awsError('RequestTimeTooSkewed', 403, {
        $metadata: { httpStatusCode: 403, clockSkewCorrected: true },
      }),
      Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
    ]) {
      expect(isRetryableAwsError(error), (error as Error).name).toBe(true);
    }
  });

  it('does not retry what another attempt cannot fix', () => {
    for (const error of [
      awsError('NoSuchKey', 404),
      awsError('AccessDenied', 403),
      awsError('EntityNotFoundException', 400),
      awsError('InvalidInputException', 400),
      new Error('plain bug'),
      'a string',
      undefined,
    ]) {
      expect(isRetryableAwsError(error)).toBe(false);
    }
  });
});

describe('backoffDelay', () => {
  it('doubles its ceiling per failed attempt up to the cap, and jitters below it', () => {
    const top = recording(0.999999);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(top, n))).toEqual([99, 199, 349, 349, 349]);
    const bottom = recording(0);
    expect(backoffDelay(bottom, 3)).toBe(0);
  });
});

describe('withRetries', () => {
  it('retries a throttled call with growing delays, then returns its result', async () => {
    const policy = recording(0.5);
    let calls = 0;
    const result = await withRetries(
      'S3 GetObject s3://lake/k',
      async () => {
        if (++calls < 3) throw awsError('SlowDown', 503);
        return 'ok';
      },
      policy,
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(policy.slept).toEqual([50, 100]);
  });

  it('gives up after the last attempt with a TransientError that names the call and the cause', async () => {
    const policy = recording(0.5, 3);
    let calls = 0;
    const failing = withRetries(
      'Glue CreateTable db.sales',
      async () => {
        calls++;
        throw awsError('ThrottlingException', 400);
      },
      policy,
    );
    await expect(failing).rejects.toThrow(TransientError);
    await expect(failing).rejects.toThrow(
      'Glue CreateTable db.sales: still failing after 3 attempts (ThrottlingException: HTTP 400: ThrottlingException happened)',
    );
    expect(calls).toBe(3);
    expect(policy.slept).toHaveLength(2);
  });

  it('throws a non-retryable error at once, as it is', async () => {
    const policy = recording();
    const denied = awsError('AccessDenied', 403);
    let calls = 0;
    await expect(
      withRetries(
        'S3 PutObject',
        async () => {
          calls++;
          throw denied;
        },
        policy,
      ),
    ).rejects.toBe(denied);
    expect(calls).toBe(1);
    expect(policy.slept).toEqual([]);
  });
});
