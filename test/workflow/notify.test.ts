import { describe, expect, it } from 'vitest';
import type { BlobStore, Mail } from '#platform/ports.ts';
import { notify, type NotifyDeps, type RunRecord } from '#workflow/notify.ts';

function outbox(failMail = false) {
  const sent: Mail[] = [];
  const objects = new Map<string, string>();
  // Notify only writes its run record: the rest of the port is not needed.
  const store = {
    put: async (key: string, body: string) => {
      objects.set(key, body);
      return { key, size: body.length, etag: '' };
    },
  } as unknown as BlobStore;
  const record = (runId: string) =>
    JSON.parse(objects.get(`runs/${runId}/outcome.json`) ?? 'null') as RunRecord | null;
  return {
    sent,
    record,
    deps: {
      store,
      clock: { now: () => new Date('2026-12-05T06:00:00Z') },
      mailer: {
        send: async (mail: Mail) => {
          if (failMail) throw new Error('SMTP server at localhost:25 refused the connection');
          sent.push(mail);
          return `m${sent.length}`;
        },
      },
      recipients: ['ops@example.com'],
      linkTo: async (key: string) => `https://reports.example/${key}`,
    } satisfies NotifyDeps,
  };
}

describe('the run record', () => {
  it('says how the run ended and that people were told', async () => {
    const { deps, record } = outbox();
    await notify(deps, {
      runId: 'ok',
      reportKey: 'reports/ok/report.html',
      coverage: '',
      highlights: [],
    });
    await notify(deps, { runId: 'bad', failure: { Error: 'ConfigError', Cause: 'no workgroup' } });
    expect(record('ok')).toEqual({
      runId: 'ok',
      status: 'succeeded',
      reportKey: 'reports/ok/report.html',
      notified: true,
      messageId: 'm1',
      at: '2026-12-05T06:00:00.000Z',
    });
    expect(record('bad')).toMatchObject({
      status: 'failed',
      failure: 'ConfigError: no workgroup',
      notified: true,
      messageId: 'm2',
    });
  });

  it('still says what failed when the email fails too', async () => {
    const { deps, record } = outbox(true);
    await expect(
      notify(deps, { runId: 'bad', failure: { Error: 'TransientError', Cause: 'Athena is busy' } }),
    ).rejects.toThrow('refused');
    expect(record('bad')).toMatchObject({
      status: 'failed',
      failure: 'TransientError: Athena is busy',
      notified: false,
    });
  });
});

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

  it('masks the highlights in the text and the html', async () => {
    const { sent, deps } = outbox();
    await notify(deps, {
      runId: 'r2',
      reportKey: 'reports/r2/report.html',
      coverage: 'Analysed 1 dataset.',
      highlights: [
        {
          priority: 'High',
          title: 'One row',
          summary: 'Row of bo@x.example.',
          action: 'Call bo@x.example',
        },
      ],
    });
    expect(sent[0]!.text).toContain('Row of b•••@x•••.example.');
    expect(sent[0]!.text).toContain('What to do: Call b•••@x•••.example');
    expect(sent[0]!.html).toContain('Row of b•••@x•••.example.');
    expect(JSON.stringify(sent)).not.toContain('bo@');
  });

  it('tells the top narratives in order, as text and as escaped html, with the link', async () => {
    const { sent, deps } = outbox();
    await notify(deps, {
      runId: 'r3',
      reportKey: 'reports/r3/report.html',
      coverage: 'Analysed 2 datasets.',
      highlights: [
        { priority: 'High', title: 'Revenue <fell>', summary: 'It fell 41%.', action: 'Look' },
        { priority: 'Medium', title: 'Second', summary: 'Two.' },
      ],
    });
    const mail = sent[0]!;
    expect(mail.subject).toBe('Insights report r3: Revenue <fell>');
    expect(mail.text).toBe(
      [
        'Your insights report is ready:',
        'https://reports.example/reports/r3/report.html',
        '',
        'What matters most:',
        '',
        '1. Revenue <fell> (High priority)',
        '   It fell 41%.',
        '   What to do: Look',
        '',
        '2. Second (Medium priority)',
        '   Two.',
        '',
        'Analysed 2 datasets.',
      ].join('\n'),
    );
    expect(mail.html).toContain('<a href="https://reports.example/reports/r3/report.html">');
    expect(mail.html).toContain('<li><strong>Revenue &#60;fell&#62;</strong> (High priority)');
    expect(mail.html).not.toContain('<fell>');
  });
});
