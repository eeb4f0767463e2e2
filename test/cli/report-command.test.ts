import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findReport, openLake, parseReport, storedReports } from '#cli/find-report.ts';
import {
  openCommand,
  openerCommand,
  platformOpener,
  type Opener,
  type OpenCommandOptions,
} from '#cli/open.ts';
import { reportCommand, type ReportCommandOptions, type ReportFormat } from '#cli/report.ts';
import type { ReportModel } from '#report/model.ts';
import { runDemoPipeline, type DemoRun } from '../helpers/demo-run.ts';
import { runInsights } from '../helpers/run-cli.ts';
import { captureIo } from '../helpers/capture-io.ts';

const RUN_ID = 'report-cmd';
const FILES: Record<ReportFormat, string> = {
  md: 'report.md',
  html: 'report.html',
  json: 'report.json',
};

let demo: DemoRun;
let demoLake: string;
let scratch: string;

beforeAll(async () => {
  demo = await runDemoPipeline(RUN_ID);
  demoLake = join(demo.dir, 'lake');
  scratch = await mkdtemp(join(tmpdir(), 'report-cmd-'));
});
afterAll(async () => {
  await rm(demo.dir, { recursive: true, force: true });
  await rm(scratch, { recursive: true, force: true });
});

describe('insights report', () => {
  it.each(['md', 'html', 'json'] as const)(
    're-renders the demo run as %s, byte for byte what the run stored',
    async (format) => {
      const stored = await readFile(join(demoLake, 'reports', RUN_ID, FILES[format]), 'utf8');
      const { io, stdout, stderr } = capture();
      expect(await reportCommand({ lake: demoLake, format }, io)).toBe(0);
      expect(stdout()).toBe(stored);
      expect(stderr()).toBe(
        `  report of run ${RUN_ID} (${join(demoLake, 'reports', RUN_ID, 'report.json')}) as ${format}\n`,
      );

      const out = join(scratch, `out.${format}`);
      const written = capture();
      expect(await reportCommand({ lake: demoLake, format, out }, written.io)).toBe(0);
      expect(written.stdout()).toBe('');
      expect(await readFile(out, 'utf8')).toBe(stored);
    },
  );

  it('takes the newest report by when it was made, not by run id', async () => {
    const lake = await lakeWith([
      { runId: 'zz-oldest', generatedAt: '2024-01-01T00:00:00.000Z' },
      { runId: 'aa-newest', generatedAt: '2025-06-01T00:00:00.000Z' },
    ]);
    const store = await openLake(lake);
    expect((await storedReports(store)).map((r) => r.runId)).toEqual(['aa-newest', 'zz-oldest']);
    const { io, stdout } = capture();
    expect(await reportCommand({ lake, format: 'json' }, io)).toBe(0);
    expect((JSON.parse(stdout()) as ReportModel).run.runId).toBe('aa-newest');
    // --run picks another.
    const older = capture();
    expect(await reportCommand({ lake, format: 'json', run: 'zz-oldest' }, older.io)).toBe(0);
    expect((JSON.parse(older.stdout()) as ReportModel).run.runId).toBe('zz-oldest');
  });

  it('counts a report.json it cannot read by its file time, and says what is wrong with it', async () => {
    const lake = await lakeWith([{ runId: 'good', generatedAt: '2024-01-01T00:00:00.000Z' }]);
    const broken = join(lake, 'reports', 'broken', 'report.json');
    await mkdir(join(lake, 'reports', 'broken'));
    await writeFile(broken, '{"schemaVersion": 1, "run": {');
    const store = await openLake(lake);
    expect((await findReport(store)).runId).toBe('broken');

    const { io, stdout, stderr } = capture();
    expect(await reportCommand({ lake, format: 'md' }, io)).toBe(1);
    expect(stdout()).toBe('');
    expect(stderr()).toMatch(new RegExp(`^error: ${escape(broken)} is not valid JSON: .+\\n$`));

    // Older than the good one by its file time: the good one is the newest again.
    await utimes(broken, new Date('2023-01-01'), new Date('2023-01-01'));
    expect((await findReport(store)).runId).toBe('good');
  });

  it('refuses a report that the schema does not accept, naming the file', async () => {
    const lake = await lakeWith([
      { runId: 'future', generatedAt: '2030-01-01T00:00:00.000Z', schemaVersion: 2 },
    ]);
    const path = join(lake, 'reports', 'future', 'report.json');
    const { io, stdout, stderr } = capture();
    expect(await reportCommand({ lake, format: 'html' }, io)).toBe(1);
    expect(stdout()).toBe('');
    expect(stderr()).toBe(
      `error: ${path}: schemaVersion is 2: the report was written by a newer version of insights, and this version of insights reads schemaVersion 1 only; upgrade insights to read it\n`,
    );
    expect(() => parseReport('[1, 2]', path)).toThrow(
      `${path}: a report must be a JSON object (it is [1,2])`,
    );
    const runless: Partial<ReportModel> = structuredClone(demo.report);
    delete runless.run;
    expect(() => parseReport(JSON.stringify(runless), path)).toThrow(`${path}: run is required`);
  });

  it('lists the runs it has, newest first and at most 10, for an unknown run id', async () => {
    const runs = Array.from({ length: 12 }, (_, i) => ({
      runId: `run-${String(i).padStart(2, '0')}`,
      generatedAt: `2024-01-${String(i + 1).padStart(2, '0')}T00:00:00.000Z`,
    }));
    const lake = await lakeWith(runs);
    const { io, stdout, stderr } = capture();
    expect(await reportCommand({ lake, format: 'md', run: 'nope' }, io)).toBe(1);
    expect(stdout()).toBe('');
    const newest = runs
      .map((r) => r.runId)
      .reverse()
      .slice(0, 10);
    expect(stderr()).toBe(
      `error: The lake ${lake} has no report of run nope; runs with a report, newest first: ${newest.join(', ')} (and 2 older)\n`,
    );
  });

  it('says so when there is no lake, no report, a run id that cannot be one, or no folder for --out', async () => {
    const empty = await mkdtemp(join(scratch, 'empty-'));
    const missing = join(scratch, 'no-such-lake');
    const cases: [ReportCommandOptions, string][] = [
      [
        { lake: missing, format: 'md' },
        `error: No lake folder at ${missing}: give one with --lake DIR (\`insights demo\` makes demo-out/lake)\n`,
      ],
      [
        { lake: empty, format: 'md' },
        `error: The lake ${empty} holds no report yet: \`insights run --lake ${empty}\` makes one\n`,
      ],
      [
        { lake: demoLake, format: 'md', run: '../x' },
        'error: Run id "../x" is not valid: use letters, digits, - and _ (at most 80 characters)\n',
      ],
    ];
    const folderless = join(missing, 'report.md');
    cases.push([
      { lake: demoLake, format: 'md', out: folderless },
      `error: Cannot write ${folderless}: ENOENT: no such file or directory, open '${folderless}'\n`,
    ]);
    for (const [options, message] of cases) {
      const { io, stdout, stderr } = capture();
      expect(await reportCommand(options, io)).toBe(1);
      expect(stdout()).toBe('');
      expect(stderr()).toBe(message);
    }
  });
});

describe('insights open', () => {
  const html = () => join(demoLake, 'reports', RUN_ID, 'report.html');

  it('hands the newest report.html to the opener and prints its path', async () => {
    const opened: string[] = [];
    const opener: Opener = async (path) => {
      opened.push(path);
      return { opened: true, program: 'fake-open' };
    };
    const { io, stdout, stderr } = capture(opener);
    expect(await openCommand({ lake: demoLake, format: 'html' }, io)).toBe(0);
    expect(opened).toEqual([html()]);
    expect(stdout()).toBe(`${html()}\n`);
    expect(stderr()).toBe('  opened with fake-open\n');

    const md = capture(opener);
    expect(await openCommand({ lake: demoLake, run: RUN_ID, format: 'md' }, md.io)).toBe(0);
    expect(opened.at(-1)).toBe(join(demoLake, 'reports', RUN_ID, 'report.md'));
  });

  it('with --print, or with no opener, prints the path only and exits 0', async () => {
    const opener = vi.fn<Opener>();
    const printed = capture(opener);
    expect(await openCommand({ lake: demoLake, format: 'html', print: true }, printed.io)).toBe(0);
    expect(opener).not.toHaveBeenCalled();
    expect(printed.stdout()).toBe(`${html()}\n`);
    expect(printed.stderr()).toBe('');

    const none = capture(async () => ({ opened: false, reason: 'no display' }));
    expect(await openCommand({ lake: demoLake, format: 'html' }, none.io)).toBe(0);
    expect(none.stdout()).toBe(`${html()}\n`);
    expect(none.stderr()).toBe('  not opened: no display; the path is on stdout\n');
  });

  it('says how to make a report file that the run does not have', async () => {
    const lake = await lakeWith([{ runId: 'json-only', generatedAt: '2024-01-01T00:00:00.000Z' }]);
    const opener = vi.fn<Opener>();
    const { io, stdout, stderr } = capture(opener);
    const options: OpenCommandOptions = { lake, format: 'html' };
    expect(await openCommand(options, io)).toBe(1);
    expect(opener).not.toHaveBeenCalled();
    expect(stdout()).toBe('');
    expect(stderr()).toBe(
      `error: Run json-only has no report.html (${join(lake, 'reports/json-only/report.html')}); \`insights report --run json-only --format html --out FILE\` renders it from its report.json\n`,
    );
  });

  it("uses each platform's opener, and none without a display on Linux", () => {
    expect(openerCommand('/r/report.html', 'darwin', {})).toEqual({
      command: 'open',
      args: ['/r/report.html'],
    });
    expect(openerCommand('C:\\r\\report.html', 'win32', {})).toEqual({
      command: 'cmd',
      args: ['/c', 'start', '""', '"C:\\r\\report.html"'],
      options: { windowsVerbatimArguments: true },
    });
    expect(openerCommand('/r/report.html', 'linux', { DISPLAY: ':0' })).toEqual({
      command: 'xdg-open',
      args: ['/r/report.html'],
    });
    expect(openerCommand('/r/report.html', 'linux', { WAYLAND_DISPLAY: 'wayland-0' })).toEqual({
      command: 'xdg-open',
      args: ['/r/report.html'],
    });
    expect(openerCommand('/r/report.html', 'linux', {})).toEqual({
      reason: 'no display (DISPLAY and WAYLAND_DISPLAY are not set)',
    });
  });

  it('starts the opener detached and does not wait for it; a missing opener is no error', async () => {
    const calls: { command: string; args: string[]; options: object }[] = [];
    const fakeLaunch = (event: 'spawn' | 'error') =>
      ((command: string, args: string[], options: object) => {
        calls.push({ command, args, options });
        const child = Object.assign(new EventEmitter(), { unref: vi.fn() });
        setImmediate(() =>
          event === 'spawn'
            ? child.emit('spawn')
            : child.emit('error', new Error('spawn xdg-open ENOENT')),
        );
        return child;
      }) as unknown as Parameters<typeof platformOpener>[2];

    const opened = await platformOpener('linux', { DISPLAY: ':0' }, fakeLaunch('spawn'))('/r/x');
    expect(opened).toEqual({ opened: true, program: 'xdg-open' });
    expect(calls[0]).toEqual({
      command: 'xdg-open',
      args: ['/r/x'],
      options: { detached: true, stdio: 'ignore' },
    });

    const missing = await platformOpener('linux', { DISPLAY: ':0' }, fakeLaunch('error'))('/r/x');
    expect(missing).toEqual({
      opened: false,
      reason: 'xdg-open could not be started: spawn xdg-open ENOENT',
    });
  });
});

describe('the command line', () => {
  it('has help for both, and renders and prints paths through bin/insights.js', async () => {
    for (const command of ['report', 'open']) {
      const { code, stdout } = await insights(command, '--help');
      expect(code).toBe(0);
      expect(stdout).toContain(`Usage: insights ${command}`);
    }
    const out = join(scratch, 'cli.html');
    const report = await insights('report', '--lake', demoLake, '--format', 'html', '--out', out);
    expect(report.code).toBe(0);
    expect(await readFile(out, 'utf8')).toBe(
      await readFile(join(demoLake, 'reports', RUN_ID, 'report.html'), 'utf8'),
    );
    const open = await insights('open', '--lake', demoLake, '--print');
    expect(open).toMatchObject({
      code: 0,
      stdout: `${join(demoLake, 'reports', RUN_ID, 'report.html')}\n`,
    });
    const unknown = await insights('report', '--lake', demoLake, '--run', 'nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`runs with a report, newest first: ${RUN_ID}`);
    const format = await insights('report', '--lake', demoLake, '--format', 'pdf');
    expect(format.code).not.toBe(0);
    expect(format.stderr).toContain('Allowed choices are md, html, json');
  });
});

/** A lake whose runs hold the demo's report.json under other run ids and times. */
async function lakeWith(
  runs: { runId: string; generatedAt: string; schemaVersion?: number }[],
): Promise<string> {
  const lake = await mkdtemp(join(scratch, 'lake-'));
  for (const { runId, generatedAt, schemaVersion = 1 } of runs) {
    const model = {
      ...demo.report,
      schemaVersion,
      run: { ...demo.report.run, runId, generatedAt },
    };
    await mkdir(join(lake, 'reports', runId), { recursive: true });
    await writeFile(
      join(lake, 'reports', runId, 'report.json'),
      JSON.stringify(model, null, 2) + '\n',
    );
  }
  return lake;
}

/** io for the commands: stdout and stderr kept as text, and an opener. */
function capture(opener: Opener = async () => ({ opened: false, reason: 'test' })) {
  const captured = captureIo();
  return { ...captured, io: { ...captured.io, opener } };
}

/** Runs the `insights` CLI as a user would, with no display. */
function insights(...args: string[]) {
  const env = { ...process.env };
  delete env['DISPLAY'];
  delete env['WAYLAND_DISPLAY'];
  return runInsights(args, env);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
