/**
 * The error taxonomy that Step Functions matches on (`ErrorEquals` uses the error name):
 * input problems are never retried, transient ones are, configuration errors stop the run
 * and tell a person.
 */

/** The input cannot be processed as it is: quarantine it and say why; retrying will not help. */
export class InputRejectedError extends Error {
  override readonly name = 'InputRejectedError';
  constructor(
    message: string,
    readonly details: { file?: string; row?: number; column?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A dependency failed in a way that may pass: throttling, a time-out, a dropped connection. */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}

/** The deployment or the run's settings are wrong: a person has to fix something. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A key that the store does not hold. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}
