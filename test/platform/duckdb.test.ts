import { describe, expect, it } from 'vitest';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';

describe('openDuckDb', () => {
  it('returns plain JSON-safe values, exact where a number would lose digits', async () => {
    const duck = await openDuckDb();
    const [row] = await duck.all(
      `SELECT 42::BIGINT AS small, 1234567890123456789::BIGINT AS big, 2.5::DECIMAL(10,2) AS dec,
         DATE '2024-02-29' AS day, TIMESTAMP '2024-01-02 03:04:05' AS ts, NULL AS nothing, 'x' AS text`,
    );
    duck.close();
    expect(row).toEqual({
      small: 42,
      big: '1234567890123456789',
      dec: 2.5,
      day: '2024-02-29',
      ts: '2024-01-02T03:04:05',
      nothing: null,
      text: 'x',
    });
  });
});
