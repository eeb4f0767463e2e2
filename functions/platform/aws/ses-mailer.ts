import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { ConfigError, TransientError } from '../errors.ts';
import type { Mailer } from '../ports.ts';
import { isRetryableAwsError } from './retry.ts';

/**
 * What a person must do when SES refuses a message for good: these are settings of the
 * account or the sender, so the run stops with a ConfigError rather than retrying.
 */
const REFUSALS: Record<string, string> = {
  MessageRejected:
    'SES rejected the message: in the SES sandbox every recipient must be a verified identity too (or request production access)',
  MailFromDomainNotVerifiedException:
    'the custom MAIL FROM domain of the sender is not verified in SES',
  AccountSuspendedException: 'the SES account is suspended from sending',
  SendingPausedException: 'sending is paused for this SES account or configuration set',
  NotFoundException: 'SES does not know the sender identity or configuration set',
  BadRequestException: 'SES refused the request as malformed',
};

/**
 * Sends through SES v2 from the verified `from` address. Throttling that outlasts the SDK's
 * own retries becomes a TransientError (the workflow retries Notify); a refusal becomes a
 * ConfigError that names the sender and the recipients and says what to fix.
 */
export function sesMailer(ses: SESv2Client, from: string): Mailer {
  return {
    async send(mail) {
      if (!from)
        throw new ConfigError('MAIL_FROM is not set: no verified sender to send the report from');
      try {
        const out = await ses.send(
          new SendEmailCommand({
            FromEmailAddress: from,
            Destination: { ToAddresses: mail.to },
            Content: {
              Simple: {
                Subject: { Data: mail.subject },
                Body: {
                  Text: { Data: mail.text },
                  ...(mail.html ? { Html: { Data: mail.html } } : {}),
                },
              },
            },
          }),
        );
        return out.MessageId ?? '';
      } catch (error) {
        const name = (error as { name?: string }).name ?? '';
        const message = (error as Error).message;
        if (isRetryableAwsError(error) || name === 'LimitExceededException')
          throw new TransientError(`SES did not accept the message yet (${name}: ${message})`, {
            cause: error,
          });
        const why = REFUSALS[name];
        if (why)
          throw new ConfigError(
            `Email from ${from} to ${mail.to.join(', ')} was not sent: ${why} (${name}: ${message})`,
            { cause: error },
          );
        throw error;
      }
    },
  };
}
