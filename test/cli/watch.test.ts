import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeFile, WatchSchedule, type SeenFile } from '#cli/watch-schedule.ts';
import type { Manifest } from '#platform/ports.ts';

const ROOT = join(import.meta.dirname, '../..');

describe('placeFile', () => {
  it('takes the first folder as the dataset and keeps the path below it', () => {
    expect(placeFile('sales/jan.csv')).toEqual({
      kind: 'dataset',
      folder: 'sales',
      name: 'jan.csv',
    });
    expect(placeFile('My Sales/2024/01.csv')).toEqual({
      kind: 'dataset',
      folder: 'My Sales',
      name: '2024/01.csv',
    });
    expect(placeFile('loose.csv')).toEqual({ kind: 'top-level' });
  });

  it('ignores hidden, lock and temporary files, and anything in a hidden folder', () => {
    for (const path of [
      '.DS_Store',
      'sales/.DS_Store',
      'sales/.~lock.jan.csv#',
      'sales/~$jan.xlsx',
      'sales/jan.csv.tmp',
      'sales/jan.csv.part',
      'sales/jan.csv.crdownload',
      'sales/jan.csv~',
      'sales/.git/config',
      '.hidden/jan.csv',
    ]) {
      expect(placeFile(path), path).toEqual({ kind: 'ignored' });
    }
  });
});

describe('WatchSchedule (a fake clock in ms)', () => {
  const file = (path: string, size: number, mtimeMs = 1000): SeenFile => ({ path, size, mtimeMs });
  const paths = (files: SeenFile[]) => files.map((f) => f.path);

  it('lets a file through only once its size and mtime held for the settle interval', () => {
    const s = new WatchSchedule({ settleMs: 1000, quietMs: 5000 });
    expect(s.observe([file('a/x.csv', 10)], 0).ready).toEqual([]);
    // Still growing: the settle interval starts again.
    expect(s.observe([file('a/x.csv', 20, 1500)], 900).ready).toEqual([]);
    expect(s.observe([file('a/x.csv', 20, 1500)], 1800).ready).toEqual([]);
    expect(s.pending).toBe(1);
    expect(s.observe([file('a/x.csv', 20, 1500)], 1900).ready).toEqual([file('a/x.csv', 20, 1500)]);
  });

  it('hands a file over once per version: again only after it changes and settles', () => {
    const s = new WatchSchedule({ settleMs: 100, quietMs: 1000 });
    s.observe([file('a/x.csv', 10)], 0);
    const [ready] = s.observe([file('a/x.csv', 10)], 100).ready;
    s.handled(ready!, true, 150);
    expect(s.observe([file('a/x.csv', 10)], 200).ready).toEqual([]);
    expect(s.pending).toBe(0);
    // Rewritten in place with the same size: the mtime tells.
    expect(s.observe([file('a/x.csv', 10, 2000)], 300).ready).toEqual([]);
    expect(s.observe([file('a/x.csv', 10, 2000)], 400).ready).toEqual([file('a/x.csv', 10, 2000)]);
  });

  it('retries a failed file only when it changes', () => {
    const s = new WatchSchedule({ settleMs: 0, quietMs: 0 });
    const [ready] = s.observe([file('a/bad.csv', 0)], 0).ready;
    s.handled(ready!, false, 0);
    expect(s.observe([file('a/bad.csv', 0)], 10).ready).toEqual([]);
    expect(s.runDue(10)).toBe(false);
    expect(paths(s.observe([file('a/bad.csv', 5, 2000)], 20).ready)).toEqual(['a/bad.csv']);
  });

  it('starts one run after a burst, once the quiet period passed since the last activity', () => {
    const s = new WatchSchedule({ settleMs: 100, quietMs: 1000 });
    s.observe([file('a/1.csv', 1)], 0);
    s.handled(s.observe([file('a/1.csv', 1)], 100).ready[0]!, true, 200);
    expect(s.runDue(1100)).toBe(false);
    // A new file during the quiet period restarts the timer, and the run waits for it.
    const both = [file('a/1.csv', 1), file('a/2.csv', 2)];
    s.observe(both, 1150);
    expect(s.runDue(1250)).toBe(false);
    s.handled(s.observe(both, 1250).ready[0]!, true, 1300);
    expect(s.runDue(2299)).toBe(false);
    expect(s.unreported).toBe(2);
    expect(s.runDue(2300)).toBe(true);
    s.reportStarted();
    expect(s.runDue(2300)).toBe(false);
    s.observe(both, 9000);
    expect(s.runDue(99_000)).toBe(false);
  });

  it('does not run while a file is still settling, even when the quiet period is shorter', () => {
    const s = new WatchSchedule({ settleMs: 5000, quietMs: 0 });
    s.observe([file('a/1.csv', 1)], 0);
    s.handled(s.observe([file('a/1.csv', 1)], 5000).ready[0]!, true, 5000);
    s.observe([file('a/1.csv', 1), file('a/2.csv', 1)], 5100);
    expect(s.runDue(9000)).toBe(false);
    expect(s.observe([file('a/1.csv', 1), file('a/2.csv', 1)], 10_100).ready).toHaveLength(1);
  });

  it('runs nothing when nothing reached the lake (same bytes, or a failure)', () => {
    const s = new WatchSchedule({ settleMs: 0, quietMs: 0 });
    for (const [ready] of [s.observe([file('a/1.csv', 1)], 0).ready]) s.handled(ready!, false, 0);
    expect(s.runDue(1_000_000)).toBe(false);
  });

  it('names a file at the top once per version, and forgets deleted files', () => {
    const s = new WatchSchedule({ settleMs: 0, quietMs: 0 });
    expect(s.observe([file('loose.csv', 1), file('.DS_Store', 1)], 0).misplaced).toEqual([
      'loose.csv',
    ]);
    expect(s.observe([file('loose.csv', 1)], 10).misplaced).toEqual([]);
    expect(s.observe([file('loose.csv', 2)], 20).misplaced).toEqual(['loose.csv']);
    expect(s.observe([], 30).misplaced).toEqual([]);
    expect(s.observe([file('loose.csv', 2)], 40).misplaced).toEqual(['loose.csv']);

    s.handled(s.observe([file('a/x.csv', 1)], 50).ready[0]!, true, 50);
    s.observe([], 60);
    // Dropped again: considered anew (ingest then finds the same bytes and does nothing).
    expect(paths(s.observe([file('a/x.csv', 1)], 70).ready)).toEqual(['a/x.csv']);
  });
});

/** `insights` as a user runs it, through bin/insights.js, with its output as it comes. */
function start(...args: string[]) {
  const child = spawn(process.execPath, [join(ROOT, 'bin/insights.js'), ...args], { cwd: ROOT });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number>((resolve) =>
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1))),
  );
  /** Waits for a condition on the output, not for a fixed time. */
  const waitFor = async (what: string, condition: () => boolean, timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(
          `Gave up waiting for ${what}.\nstdout:\n${out.stdout}\nstderr:\n${out.stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { child, out, exited, waitFor };
}

async function run(...args: string[]) {
  const { out, exited } = start(...args);
  const code = await exited;
  return { code, ...out };
}

async function folders() {
  const root = await mkdtemp(join(tmpdir(), 'watch-'));
  const drop = join(root, 'drop');
  await mkdir(drop);
  return { drop, lake: join(root, 'lake') };
}

const ORDERS_2 = 'order_id,order_date,amount\nA1,2024-01-02,10\nA2,2024-01-03,12\n';
const ORDERS_3 = ORDERS_2 + 'A3,2024-02-04,9\n';

async function manifests(lake: string, dataset: string): Promise<Manifest[]> {
  const dir = join(lake, 'manifests', dataset);
  const names = await readdir(dir).catch(() => []);
  return Promise.all(
    names.map(async (n) => JSON.parse(await readFile(join(dir, n), 'utf8')) as Manifest),
  );
}
/** The runs with a report folder (reports/latest.json, the pointer to the newest, is not one). */
const reports = async (lake: string) =>
  (await readdir(join(lake, 'reports')).catch(() => [] as string[])).filter(
    (name) => name !== 'latest.json',
  );
const FAST = ['--poll', '0.05', '--settle', '0.2'];

describe('insights watch --once', () => {
  it('ingests each dataset folder, skips the rest, reports once, and does nothing the second time', async () => {
    const { drop, lake } = await folders();
    await mkdir(join(drop, 'orders', '2024'), { recursive: true });
    await writeFile(join(drop, 'orders', 'a.csv'), ORDERS_2);
    await writeFile(join(drop, 'orders', '2024', '01.csv'), ORDERS_3);
    await writeFile(join(drop, 'orders', 'b.csv.part'), 'order_id\nhalf');
    await writeFile(join(drop, 'orders', '.~lock.a.csv#'), 'lock');
    await writeFile(join(drop, '.DS_Store'), 'mac');
    await writeFile(join(drop, 'loose.csv'), ORDERS_2);

    const first = await run('watch', drop, '--lake', lake, '--once', ...FAST);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain(`${join(drop, 'orders/a.csv')} -> orders: 2 rows read`);
    expect(first.stderr).toContain(`${join(drop, 'orders/2024/01.csv')} -> orders: 3 rows read`);
    expect(first.stderr).toContain(
      `${join(drop, 'loose.csv')} is not in a dataset folder, skipped`,
    );
    expect(first.stderr).not.toMatch(/b\.csv\.part|lock|DS_Store/);
    expect((await readdir(join(lake, 'incoming', 'orders'), { recursive: true })).sort()).toEqual([
      '2024',
      '2024/01.csv',
      'a.csv',
    ]);
    const [report] = await reports(lake);
    expect(first.stdout.trim()).toBe(join(lake, 'reports', report!, 'report.html'));

    const again = await run('watch', drop, '--lake', lake, '--once', ...FAST);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain('a.csv -> orders: unchanged');
    expect(again.stderr).toContain('nothing new was ingested: no report run');
    expect(again.stdout).toBe('');
    expect(await reports(lake)).toHaveLength(1);
  });

  it('takes a changed file as a new version whose rows replace the old ones', async () => {
    const { drop, lake } = await folders();
    await mkdir(join(drop, 'orders'));
    await writeFile(join(drop, 'orders', 'a.csv'), ORDERS_2);
    expect((await run('watch', drop, '--lake', lake, '--once', ...FAST)).code).toBe(0);
    await writeFile(join(drop, 'orders', 'a.csv'), ORDERS_3);
    const changed = await run('watch', drop, '--lake', lake, '--once', ...FAST);
    expect(changed.code, changed.stderr).toBe(0);
    const kept = await manifests(lake, 'orders');
    expect(kept.map((m) => [m.sourceKey, m.rowsRead])).toEqual([['incoming/orders/a.csv', 3]]);
    expect(await reports(lake)).toHaveLength(2);
  });

  it('exits 1 when a file cannot be ingested, and refuses a lake inside the folder', async () => {
    const { drop, lake } = await folders();
    await mkdir(join(drop, 'orders'));
    await writeFile(join(drop, 'orders', 'empty.csv'), '');
    const empty = await run('watch', drop, '--lake', lake, '--once', ...FAST);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(new RegExp(`${join(drop, 'orders/empty.csv')}: .*empty`, 'i'));

    const inside = await run('watch', drop, '--lake', join(drop, 'lake'), '--once');
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain('is inside the watched folder');
    const missing = await run('watch', join(drop, 'nope'), '--lake', lake, '--once');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('is not a folder');
  });
});

describe('insights watch (live)', () => {
  it('ingests a file as it arrives, then its new version, and runs one report after the quiet period', async () => {
    const { drop, lake } = await folders();
    // The quiet period is far longer than the few ms between the test's two writes.
    const watch = start('watch', drop, '--lake', lake, '--quiet-period', '4', ...FAST);
    try {
      await watch.waitFor('the watch to start', () => watch.out.stderr.includes('watching'));
      await mkdir(join(drop, 'orders'));
      // Written elsewhere and moved in, as a careful tool does; the temp name is ignored.
      await writeFile(join(drop, 'orders', 'a.csv.tmp'), ORDERS_2);
      await rename(join(drop, 'orders', 'a.csv.tmp'), join(drop, 'orders', 'a.csv'));
      await watch.waitFor('the first version', () => watch.out.stderr.includes('2 rows read'));
      await writeFile(join(drop, 'orders', 'a.csv'), ORDERS_3);
      await watch.waitFor('the second version', () => watch.out.stderr.includes('3 rows read'));
      await watch.waitFor('the report', () => watch.out.stdout.includes('report.html'));
    } finally {
      watch.child.kill('SIGTERM');
    }
    expect(await watch.exited).toBe(0);
    const { stdout, stderr } = watch.out;
    expect(stderr.indexOf('> report run')).toBeGreaterThan(stderr.indexOf('3 rows read'));
    expect(stderr.match(/> report run/g)).toHaveLength(1);
    expect(await reports(lake)).toHaveLength(1);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect((await manifests(lake, 'orders')).map((m) => m.rowsRead)).toEqual([3]);
    expect(stderr).not.toContain('a.csv.tmp');
  });

  it('on SIGTERM finishes the file in progress, then exits cleanly and says what is unreported', async () => {
    const { drop, lake } = await folders();
    await mkdir(join(drop, 'orders'));
    const watch = start('watch', drop, '--lake', lake, '--quiet-period', '600', ...FAST);
    await watch.waitFor('the watch to start', () => watch.out.stderr.includes('watching'));
    await writeFile(join(drop, 'orders', 'a.csv'), ORDERS_3);
    await watch.waitFor('the ingest to start', () => watch.out.stderr.includes('> ingest'));
    watch.child.kill('SIGTERM');
    expect(await watch.exited).toBe(0);
    expect(watch.out.stderr).toContain('SIGTERM: stopping after the file in progress');
    expect(watch.out.stderr).toContain('3 rows read, 3 curated');
    expect(watch.out.stderr).toContain('1 file(s) ingested since the last report');
    expect((await manifests(lake, 'orders')).map((m) => m.rowsRead)).toEqual([3]);
    expect(await reports(lake)).toEqual([]);
  });
});
