import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReportWorkflow } from '#cli/local-workflow.ts';
import { localRuntime, type LocalRuntime } from '#platform/local/runtime.ts';
import type { ReportModel } from '#report/model.ts';
import type { RunRecord } from '#workflow/notify.ts';
import { readLatestReport } from '#workflow/publish.ts';
import { FaultPlan, type FaultRule } from '../helpers/faults.ts';
import { smallLake } from '../helpers/small-lake.ts';

/**
 * The real state machine (report.asl.json) on the local runtime, its ports failing on
 * command. Transient faults are retried and the report is the one a run without faults
 * makes; permanent ones end in the failure email and a run record that says what failed.
 * Either way nothing ingested changes.
 */
let root: string;
let runtime: LocalRuntime;
let clean: ReportModel;
let lakeBefore: Record<string, string>;

const outbox = () => join(root, 'outbox');
const emails = async () => (await readdir(outbox()).catch(() => [])).length;
const readJson = async <T>(key: string) => JSON.parse(await readFile(join(root, key), 'utf8')) as T;
/** What ingest made: every curated, quarantine and manifest object, by its hash. */
async function lakeState(): Promise<Record<string, string>> {
  const objects = await Promise.all(
    ['curated/', 'quarantine/', 'manifests/', 'incoming/'].map((p) => runtime.store.list(p)),
  );
  return Object.fromEntries(objects.flat().map((o) => [o.key, o.etag]));
}
/** The report without what differs between two runs of the same data: its id, times, usage. */
const findingsOf = (r: ReportModel) => JSON.stringify({ ...r, run: null });

beforeAll(async () => {
  ({ root } = await smallLake());
  runtime = await localRuntime({ lake: root, outbox: join(root, 'outbox') });
  await runReportWorkflow(runtime, { runId: 'clean', trigger: 'test' });
  clean = await readJson<ReportModel>('reports/clean/report.json');
  lakeBefore = await lakeState();
});
afterAll(async () => {
  runtime?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

function faulty(rules: FaultRule[]) {
  const faults = new FaultPlan(rules);
  return { faults, runtime: faults.runtime(runtime) };
}

describe('transient faults in every step', () => {
  it('are retried with backoff, and the run ends with the report a run without faults makes', async () => {
    const { faults, runtime: flaky } = faulty([
      // Plan lists the manifests; Aggregate's first query; a query inside the analyses.
      { op: 'store.list', fault: 'throttle', match: (p) => p.startsWith('manifests/') },
      { op: 'engine.query', fault: 'throttle' },
      { op: 'engine.query', fault: 'timeout', after: 8 },
      // An analysis storing its findings; Assemble publishing; Notify sending.
      { op: 'store.put', fault: 'throttle', match: (k) => k.includes('/findings/') },
      { op: 'store.copy', fault: 'timeout', match: (k) => k.endsWith('/report.json') },
      { op: 'mailer.send', fault: 'throttle' },
    ]);
    const sent = await emails();
    const result = await runReportWorkflow(flaky, {
      runId: 'flaky',
      trigger: 'test',
      retryPauseMs: 1,
    });
    // Each once (the analyses run at once: in any order).
    expect(faults.injected.map((f) => `${f.op} ${f.fault}`).sort()).toEqual([
      'engine.query throttle',
      'engine.query timeout',
      'mailer.send throttle',
      'store.copy timeout',
      'store.list throttle',
      'store.put throttle',
    ]);
    const report = await readJson<ReportModel>('reports/flaky/report.json');
    expect(findingsOf(report)).toBe(findingsOf(clean));
    expect(result.reportKey).toBe('reports/flaky/report.html');
    expect(await emails()).toBe(sent + 1);
    expect(await readJson<RunRecord>('runs/flaky/outcome.json')).toMatchObject({
      status: 'succeeded',
      notified: true,
    });
    expect((await readLatestReport(runtime.store))?.runId).toBe('flaky');
    expect(await lakeState()).toEqual(lakeBefore);
  });
});

describe('a permanent fault', () => {
  const cases: { name: string; rule: FaultRule; says: string }[] = [
    {
      name: 'a query the engine refuses in Aggregate',
      rule: { op: 'engine.query', fault: 'refuse' },
      says: 'engine.query',
    },
    {
      name: 'Assemble dying half way through writing the report',
      rule: { op: 'store.put', fault: 'partial', match: (k) => k.endsWith('report/report.html') },
      says: 'died half way through store.put runs/broken-1/report/report.html',
    },
  ];
  cases.forEach(({ name, rule, says }, i) => {
    it(`${name}: the failure is emailed and recorded, no report appears, and a new run makes the same report`, async () => {
      const runId = `broken-${i}`;
      const latest = await readLatestReport(runtime.store);
      const sent = await emails();
      await expect(
        runReportWorkflow(faulty([rule]).runtime, { runId, trigger: 'test', retryPauseMs: 1 }),
      ).rejects.toThrow(`Report run ${runId} failed`);

      const record = await readJson<RunRecord>(`runs/${runId}/outcome.json`);
      expect(record).toMatchObject({ status: 'failed', notified: true });
      expect(record.failure).toContain(says);
      expect(await emails()).toBe(sent + 1);
      const mails = await readdir(outbox());
      const texts = await Promise.all(mails.map((m) => readFile(join(outbox(), m), 'utf8')));
      expect(texts.some((t) => t.includes(`Subject: Insights run ${runId} failed`))).toBe(true);
      // Nothing of the report is visible, and the newest report is still the one before.
      expect(await runtime.store.listKeys(`reports/${runId}/`)).toEqual([]);
      expect(await readLatestReport(runtime.store)).toEqual(latest);
      expect(await lakeState()).toEqual(lakeBefore);

      await runReportWorkflow(runtime, { runId: `${runId}-again`, trigger: 'test' });
      const again = await readJson<ReportModel>(`reports/${runId}-again/report.json`);
      expect(findingsOf(again)).toBe(findingsOf(clean));
    });
  });

  it('in the email itself: the report is published and the run record says nobody was told', async () => {
    const { runtime: mute } = faulty([{ op: 'mailer.send', fault: 'refuse' }]);
    await expect(
      runReportWorkflow(mute, { runId: 'unsent', trigger: 'test', retryPauseMs: 1 }),
    ).rejects.toThrow(
      'Report run unsent failed: its report was written, but the email could not be sent: injected: mailer.send',
    );
    expect(await readJson<RunRecord>('runs/unsent/outcome.json')).toMatchObject({
      status: 'succeeded',
      reportKey: 'reports/unsent/report.html',
      notified: false,
    });
    const report = await readJson<ReportModel>('reports/unsent/report.json');
    expect(findingsOf(report)).toBe(findingsOf(clean));
    expect(await lakeState()).toEqual(lakeBefore);
  });
});
