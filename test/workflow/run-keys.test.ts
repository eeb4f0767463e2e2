import { describe, expect, it } from 'vitest';
import { InputRejectedError } from '#platform/errors.ts';
import { describeFailure } from '#workflow/notify.ts';
import { newRunId, runKeys } from '#workflow/run-keys.ts';

describe('run ids and keys', () => {
  it('makes sortable run ids that are valid execution names', () => {
    const id = newRunId(new Date('2026-11-25T01:02:03.456Z'), 'demo');
    expect(id).toBe('20261125T010203Z-demo');
    expect(runKeys(id).reportMarkdown).toBe('reports/20261125T010203Z-demo/report.md');
  });

  it('refuses run ids that could escape their folder', () => {
    expect(() => runKeys('../etc')).toThrow(InputRejectedError);
    expect(() => runKeys('')).toThrow(/not valid/);
  });

  it('turns analysis ids into safe file names', () => {
    expect(runKeys('r1').findings('outliers-sales/../x')).toBe(
      'runs/r1/findings/outliers-sales-x.json',
    );
  });
});

describe('describeFailure', () => {
  it('reads the message out of a Lambda error, and takes a local one as it is', () => {
    expect(
      describeFailure({
        Error: 'ConfigError',
        Cause: JSON.stringify({
          errorType: 'ConfigError',
          errorMessage: 'MAIL_FROM is not set',
          trace: [],
        }),
      }),
    ).toBe('ConfigError: MAIL_FROM is not set');
    expect(describeFailure({ Error: 'Error', Cause: 'no engine' })).toBe('no engine');
    expect(describeFailure({})).toBe('no cause was given');
  });
});
