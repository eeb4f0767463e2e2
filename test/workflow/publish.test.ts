import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findReport } from '#cli/find-report.ts';
import { fsBlobStore } from '#platform/local/fs-blob-store.ts';
import type { BlobStore } from '#platform/ports.ts';
import {
  LATEST_REPORT_KEY,
  publishReport,
  readLatestReport,
  type ReportFile,
} from '#workflow/publish.ts';
import { FaultPlan } from '../helpers/faults.ts';

const files = (run: string): ReportFile[] => [
  { name: 'tables/kpis.csv', body: `kpi,value\nrevenue,${run.length}\n`, contentType: 'text/csv' },
  { name: 'report.md', body: `# Report ${run}\n`, contentType: 'text/markdown' },
  { name: 'report.html', body: `<h1>Report ${run}</h1>`, contentType: 'text/html' },
  {
    name: 'report.json',
    body: JSON.stringify({ run: { runId: run } }),
    contentType: 'application/json',
  },
];

describe('publishing a report', () => {
  let dir: string;
  let store: BlobStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'insights-publish-'));
    store = fsBlobStore(dir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('stages every file under the run, then copies them into reports/, report.json last, then points latest at it', async () => {
    const plan = new FaultPlan([]);
    const copies: string[] = [];
    const watched = plan.store(store);
    const recording: BlobStore = {
      ...watched,
      copy: async (from, to) => {
        // When report.json is copied, everything else is already in place.
        if (to.endsWith('/report.json'))
          expect(await store.listKeys('reports/r1/')).toHaveLength(3);
        copies.push(to);
        return watched.copy(from, to);
      },
    };
    const latest = await publishReport(recording, 'r1', '2026-12-01T00:00:00.000Z', files('r1'));
    expect(copies.at(-1)).toBe('reports/r1/report.json');
    expect(await store.listKeys('runs/r1/report/')).toHaveLength(4);
    for (const f of files('r1')) expect(await store.getText(`reports/r1/${f.name}`)).toBe(f.body);
    expect(latest).toEqual({
      runId: 'r1',
      generatedAt: '2026-12-01T00:00:00.000Z',
      reportKey: 'reports/r1/report.html',
      jsonKey: 'reports/r1/report.json',
    });
    expect(await readLatestReport(store)).toEqual(latest);
  });

  it('shows nothing of a report whose writing stopped half way, and a retry publishes it whole', async () => {
    await publishReport(store, 'r0', '2026-11-01T00:00:00.000Z', files('r0'));
    for (const rule of [
      { op: 'store.put', fault: 'partial', match: (k: string) => k.endsWith('report.html') },
      { op: 'store.copy', fault: 'crash', after: 2 },
      { op: 'store.copy', fault: 'crash-after', match: (k: string) => k.endsWith('report.json') },
    ] as const) {
      const faulty = new FaultPlan([rule]).store(store);
      await expect(
        publishReport(faulty, 'r1', '2026-12-01T00:00:00.000Z', files('r1')),
      ).rejects.toThrow('injected');
      // No report.json: every reader (insights open, report, check, the latest pointer)
      // still sees the last complete report, unless the marker itself was written.
      const marker = await store.head('reports/r1/report.json');
      expect(Boolean(marker)).toBe(rule.fault === 'crash-after');
      if (!marker) expect((await readLatestReport(store))?.runId).toBe('r0');
      await rm(join(dir, 'reports', 'r1'), { recursive: true, force: true });
    }
    await publishReport(store, 'r1', '2026-12-01T00:00:00.000Z', files('r1'));
    for (const f of files('r1')) expect(await store.getText(`reports/r1/${f.name}`)).toBe(f.body);
    expect((await readLatestReport(store))?.runId).toBe('r1');
    expect((await findReport(store)).runId).toBe('r1');
  });

  it('moves latest forward only: a report made earlier that finishes later does not take it', async () => {
    await publishReport(store, 'new', '2026-12-02T00:00:00.000Z', files('new'));
    await publishReport(store, 'old', '2026-12-01T00:00:00.000Z', files('old'));
    expect((await readLatestReport(store))?.runId).toBe('new');
    expect((await findReport(store, 'old')).runId).toBe('old');
  });

  it('ignores a latest pointer it did not write', async () => {
    await publishReport(store, 'r1', '2026-12-01T00:00:00.000Z', files('r1'));
    for (const text of [
      'not json',
      JSON.stringify({ runId: '../x', generatedAt: '2027-01-01' }),
      JSON.stringify({
        runId: 'r1',
        generatedAt: '2027-01-01',
        reportKey: 'incoming/secret.csv',
        jsonKey: 'reports/r1/report.json',
      }),
    ]) {
      await store.put(LATEST_REPORT_KEY, text);
      expect(await readLatestReport(store)).toBeUndefined();
    }
  });
});
