import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { sesMailer } from '#platform/aws/ses-mailer.ts';
import { ConfigError, TransientError } from '#platform/errors.ts';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const mail = { to: ['ana@example.com'], subject: 'Report', text: 'Hello', html: '<p>Hello</p>' };
const awsError = (name: string, status: number) =>
  Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });

describe('the SES mailer', () => {
  it('sends text and HTML from the verified sender and returns the message id', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const id = await sesMailer(
      new SESv2Client({ region: 'eu-west-1' }),
      'reports@example.com',
    ).send(mail);
    expect(id).toBe('m-1');
    expect(ses.commandCalls(SendEmailCommand)[0]!.args[0].input).toEqual({
      FromEmailAddress: 'reports@example.com',
      Destination: { ToAddresses: ['ana@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: 'Report' },
          Body: { Text: { Data: 'Hello' }, Html: { Data: '<p>Hello</p>' } },
        },
      },
    });
  });

  it('says what to fix, naming sender and recipients, when SES rejects the message', async () => {
    ses.on(SendEmailCommand).rejects(awsError('MessageRejected', 400));
    const send = sesMailer(new SESv2Client({ region: 'eu-west-1' }), 'reports@example.com').send(
      mail,
    );
    await expect(send).rejects.toBeInstanceOf(ConfigError);
    await expect(send).rejects.toThrow(
      'Email from reports@example.com to ana@example.com was not sent: SES rejected the message: in the SES sandbox every recipient must be a verified identity too (or request production access) (MessageRejected: MessageRejected happened)',
    );
  });

  it('stops on an unverified MAIL FROM domain or a paused account, without retrying', async () => {
    for (const name of ['MailFromDomainNotVerifiedException', 'SendingPausedException']) {
      ses.reset();
      ses.on(SendEmailCommand).rejects(awsError(name, 400));
      await expect(
        sesMailer(new SESv2Client({ region: 'eu-west-1' }), 'reports@example.com').send(mail),
      ).rejects.toBeInstanceOf(ConfigError);
      expect(ses.commandCalls(SendEmailCommand)).toHaveLength(1);
    }
  });

  it('turns throttling into a TransientError, which the workflow retries', async () => {
    for (const [name, status] of [
      ['TooManyRequestsException', 429],
      ['LimitExceededException', 400],
    ] as const) {
      ses.reset();
      ses.on(SendEmailCommand).rejects(awsError(name, status));
      await expect(
        sesMailer(
          new SESv2Client({ region: 'eu-west-1', maxAttempts: 1 }),
          'reports@example.com',
        ).send(mail),
      ).rejects.toBeInstanceOf(TransientError);
    }
  });

  it('refuses to send without a sender, before calling SES', async () => {
    await expect(
      sesMailer(new SESv2Client({ region: 'eu-west-1' }), '').send(mail),
    ).rejects.toThrow('MAIL_FROM is not set');
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });
});
