import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '#cli/ingest-files.ts';
import { runReportWorkflow } from '#cli/local-workflow.ts';
import { consoleProgress } from '#cli/progress.ts';
import { localRuntime } from '#platform/local/runtime.ts';
import type { CustomerFinding, KpiFinding } from '#report/findings.ts';
import type { ReportModel } from '#report/model.ts';

/**
 * Real purchases through the whole pipeline: the CDNOW sample (6,919 purchases by 2,357
 * customers, 1997-01-01 to 1998-06-30; test/fixtures/golden/ltv/README.md), written as the
 * CSV a person would upload, ingested as an events dataset and reported on.
 */
describe('the CDNOW purchases through ingest and the report workflow', () => {
  let report: ReportModel;
  let markdown: string;
  let customers: CustomerFinding;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'insights-cdnow-'));
    const raw = await readFile(
      new URL('../fixtures/golden/ltv/CDNOW_sample.txt', import.meta.url),
      'utf8',
    );
    // Whitespace-separated, no header: customer, sample id, YYYYMMDD, CDs, dollars.
    const lines = raw
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .map(
        ([c, , d, n, v]) => `${c},${d!.slice(0, 4)}-${d!.slice(4, 6)}-${d!.slice(6, 8)},${n},${v}`,
      );
    const file = join(dir, 'purchases.csv');
    await writeFile(file, ['customer_id,purchase_date,cds,dollars', ...lines].join('\n') + '\n');
    const runtime = await localRuntime({ lake: join(dir, 'lake'), outbox: join(dir, 'outbox') });
    try {
      await ingestFiles(runtime, [file], {}, consoleProgress(process.stderr, true));
      await runReportWorkflow(runtime, { runId: 'cdnow', trigger: 'test' });
    } finally {
      runtime.close();
    }
    const read = (name: string) => readFile(join(dir, 'lake/reports/cdnow', name), 'utf8');
    report = JSON.parse(await read('report.json')) as ReportModel;
    markdown = await read('report.md');
    customers = report.findings.find((f): f is CustomerFinding => f.kind === 'customers')!;
  }, 120_000);

  it('reads every purchase and finds the customers by the name of their column', () => {
    expect(report.datasets[0]).toMatchObject({
      dataset: 'purchases',
      rowsRead: 6919,
      rowsAnalyzed: 6919,
    });
    const kpis = report.findings.find((f): f is KpiFinding => f.kind === 'kpis')!;
    expect(kpis).toMatchObject({ transactions: 6919, customers: 2357, valueColumn: 'dollars' });
    expect(customers).toMatchObject({ customerColumn: 'customer_id', customers: 2357 });
  });

  it('shows segments, predicted lifetime values and the holdout check', () => {
    expect(customers.segments.length).toBeGreaterThanOrEqual(2);
    expect(customers.segments.reduce((n, s) => n + s.customers, 0)).toBe(2357);
    const l = customers.lifetimeValue!;
    expect(l.unit).toBe('weeks');
    // Fitted to the end of the data (78 weeks), not the paper's 39: of the same order.
    expect(l.bgnbd.r).toBeGreaterThan(0.1);
    expect(l.bgnbd.r).toBeLessThan(1);
    expect(l.total).toBeGreaterThan(0);
    const h = customers.holdout!;
    expect(h.calibrationEnd).toBe('1997-12-31');
    expect(h.customers + h.newInHoldout).toBeLessThanOrEqual(2357);
    expect(h.totalActual).toBeGreaterThan(0);
    expect(Math.abs(h.totalPredicted - h.totalActual) / h.totalActual).toBeLessThan(0.3);
    expect(markdown).toContain('## Customers: segments and lifetime value');
    expect(markdown).toContain('#### Holdout check');
  });
});
