import { describe, expect, it } from 'vitest';
import type { Mail } from '#platform/ports.ts';
import { notify } from '#workflow/notify.ts';

function outbox() {
  const sent: Mail[] = [];
  return {
    sent,
    deps: {
      mailer: { send: async (mail: Mail) => (sent.push(mail), `m${sent.length}`) },
      recipients: ['ops@example.com'],
      linkTo: async (key: string) => `https://reports.example/${key}`,
    },
  };
}

describe('the email', () => {
  it('masks an email or phone number an engine error quotes', async () => {
    const { sent, deps } = outbox();
    await notify(deps, {
      runId: 'r1',
      failure: {
        Error: 'ConversionException',
        Cause: 'Could not convert string "ann.lee@shop.example" to DOUBLE (+1 555 010 4477)',
      },
    });
    expect(sent[0]!.text).toContain(
      'ConversionException: Could not convert string "a•••@s•••.example" to DOUBLE (+• ••• ••• ••77)',
    );
    expect(sent[0]!.text).not.toMatch(/ann\.lee|4477/);
  });

  it('masks the summary in the text and the html', async () => {
    const { sent, deps } = outbox();
    await notify(deps, {
      runId: 'r2',
      reportKey: 'reports/r2/report.md',
      summary: 'Row of bo@x.example.',
    });
    expect(sent[0]!.text).toContain('Row of b•••@x•••.example.');
    expect(sent[0]!.html).toContain('Row of b•••@x•••.example.');
    expect(JSON.stringify(sent)).not.toContain('bo@');
  });
});
