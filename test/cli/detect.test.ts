import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captured, dates, parseCsv } from './series-command.ts';
import { detectCommand, type DetectOptions } from '#cli/detect.ts';

let dir: string;

const run = (file: string, options: DetectOptions) =>
  captured((io) => detectCommand(join(dir, file), options, io));

const N = 98;
const days = dates('2024-01-01', N);
// Deterministic noise in [-1.5, 1.5] (sum of three uniforms), so the remainders have a scale.
let state = 7;
const uniform = () => {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 2 ** 32 - 0.5;
};
const noise = Array.from({ length: 3 * N }, () => uniform() + uniform() + uniform());
const wobble = (i: number, k: number) => noise[i + k * N]!;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'detect-cli-'));
  const weekly = [0, 6, 3, -4, 8, -2, -11];
  const lines = ['Date,Store,Units Sold'];
  for (const store of ['north', 'south'])
    days.forEach((d, i) => {
      if (store === 'south' && i === 40) return; // a gap: filled, never flagged
      let v =
        (store === 'north' ? 40 : 20) +
        0.1 * i +
        weekly[i % 7]! +
        wobble(i, store === 'north' ? 0 : 1);
      if (store === 'north' && i === 30) v += 30; // spike
      if (store === 'south' && i === 70) v -= 15; // drop
      lines.push(`${d},${store},${v.toFixed(2)}`);
    });
  await writeFile(join(dir, 'sales.csv'), lines.join('\n') + '\n');
  await writeFile(
    join(dir, 'clean.csv'),
    'date,value\n' +
      days.map((d, i) => `${d},${(100 + weekly[i % 7]! + wobble(i, 2)).toFixed(2)}`).join('\n') +
      '\n',
  );
  await writeFile(
    join(dir, 'short.csv'),
    'date,value\n' +
      days
        .slice(0, 6)
        .map((d, i) => `${d},${i}`)
        .join('\n') +
      '\n',
  );
  await writeFile(
    join(dir, 'irregular.csv'),
    'date,value\n2024-01-01,1\n2024-01-04,2\n2024-01-09,3\n2024-01-11,4\n',
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('insights detect', () => {
  it('prints one row per flagged point of each series', async () => {
    const { code, out, err } = await run('sales.csv', {
      time: 'Date',
      value: 'Units Sold',
      series: 'Store',
    });
    expect(code).toBe(0);
    expect(out.split('\r\n')[0]).toBe('series_id,timestamp,value,expected,score,method');
    const rows = parseCsv(out);
    // The planted spike and drop are flagged and are their series' strongest flags (an
    // ordinary point of this noise may just cross 3.5 too: the threshold's false positives).
    for (const [store, day, sign] of [
      ['north', days[30], 1],
      ['south', days[70], -1],
    ] as const) {
      const flagged = rows.filter((r) => r['series_id'] === store);
      const top = flagged.reduce((p, r) =>
        Math.abs(Number(r['score'])) > Math.abs(Number(p['score'])) ? r : p,
      );
      expect(top).toMatchObject({ timestamp: day, method: 'seasonal-mad' });
      expect(sign * Number(top['score'])).toBeGreaterThan(10);
      expect(sign * (Number(top['value']) - Number(top['expected']))).toBeGreaterThan(12);
      for (const r of flagged)
        if (r !== top) expect(Math.abs(Number(r['score']))).toBeLessThan(4.5);
    }
    expect(err).toMatch(
      /series north: 98 daily points, \d+ tests \(seasonal period 7; (log|linear) scale; robust z-score beyond 3\.50\); \d odd point/,
    );
    expect(err).toMatch(/series south: .*\n {2}note: 1 missing daily value\(s\) filled/);
  });

  it('prints only the header for a clean seasonal series', async () => {
    const { code, out } = await run('clean.csv', { time: 'date', value: 'value' });
    expect(code).toBe(0);
    expect(out).toBe('series_id,timestamp,value,expected,score,method\r\n');
  });

  it('writes JSON with flags, expected ranges, directions and incidents', async () => {
    const { code, out } = await run('sales.csv', {
      time: 'Date',
      value: 'Units Sold',
      series: 'Store',
      format: 'json',
    });
    expect(code).toBe(0);
    const json = JSON.parse(out) as {
      series: {
        series_id: string;
        tests: number;
        flags: Record<string, unknown>[];
        incidents: { start: string; end: string; flags: number }[];
      }[];
    };
    expect(json.series.map((s) => s.series_id)).toEqual(['north', 'south']);
    const north = json.series[0]!;
    expect(north.tests).toBeGreaterThan(N);
    expect(north.flags[0]).toMatchObject({
      timestamp: days[30],
      direction: 'high',
      method: 'seasonal-mad',
    });
    expect(north.flags[0]).toHaveProperty('lower');
    expect(north.flags[0]).not.toHaveProperty('index');
    expect(north.incidents).toContainEqual(
      expect.objectContaining({ start: days[30], end: days[30], flags: 1 }),
    );
  });

  it('names the file and the column that is missing, and lists the columns', async () => {
    const { code, out, err } = await run('sales.csv', { time: 'Date', value: 'Revenue' });
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(
      /sales\.csv has no column "Revenue" \(--value\); its columns: Date, Store, Units Sold/,
    );
  });

  it('refuses too few points, an irregular time column, a bad format and a missing file', async () => {
    const short = await run('short.csv', { time: 'date', value: 'value' });
    expect(short.code).toBe(1);
    expect(short.err).toMatch(/short\.csv: 6 points, need 10/);
    const irregular = await run('irregular.csv', { time: 'date', value: 'value' });
    expect(irregular.code).toBe(1);
    expect(irregular.err).toMatch(/irregular\.csv, column date: the time column is irregular/);
    const format = await run('clean.csv', { time: 'date', value: 'value', format: 'xml' });
    expect(format.code).toBe(1);
    expect(format.err).toMatch(/--format must be csv or json/);
    const missing = await run('nope.csv', { time: 'date', value: 'value' });
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/Cannot read .*nope\.csv: no such file/);
  });
});
