import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runReportWorkflow } from '#cli/local-workflow.ts';
import { ingestObject } from '#ingest/ingest.ts';
import { localRuntime, type LocalRuntime } from '#platform/local/runtime.ts';
import type { ReportModel } from '#report/model.ts';

/** Lakes in states the demo never reaches, through ingest and the real workflow. */
async function lakeWith(
  files: Record<string, string>[],
): Promise<{ runtime: LocalRuntime; root: string }> {
  const root = await mkdtemp(join(tmpdir(), 'lake-states-'));
  const runtime = await localRuntime({ lake: root, outbox: join(root, 'outbox') });
  for (const batch of files) {
    for (const [key, body] of Object.entries(batch)) {
      await runtime.store.put(key, body);
      await ingestObject(
        {
          store: runtime.store,
          catalog: runtime.catalog,
          duck: await runtime.duck(),
          clock: runtime.clock,
          workDir: runtime.workDir,
        },
        { key },
      );
    }
  }
  return { runtime, root };
}

async function report(runtime: LocalRuntime, root: string, runId: string): Promise<ReportModel> {
  await runReportWorkflow(runtime, { runId, trigger: 'test' });
  runtime.close();
  return JSON.parse(
    await readFile(join(root, 'reports', runId, 'report.json'), 'utf8'),
  ) as ReportModel;
}

const products = (ids: number[], price = 10) =>
  'product_id,category,price\n' + ids.map((i) => `P${i},c${i % 3},${price + i}`).join('\n') + '\n';

describe('the report over lakes the demo does not make', () => {
  it('counts an entity once when two exports of it are ingested', async () => {
    const { runtime, root } = await lakeWith([
      { 'incoming/products/jan.csv': products([1, 2, 3, 4, 5, 6, 7, 8]) },
      { 'incoming/products/feb.csv': products([5, 6, 7, 8, 9, 10], 100) },
    ]);
    const model = await report(runtime, root, 'entities-twice');
    const section = model.datasets.find((d) => d.dataset === 'products')!;
    expect(section.rowsCurated).toBe(14);
    expect(section.rowsAnalyzed).toBe(10);
    expect(section.columns.find((c) => c.name === 'product_id')).toMatchObject({ distinct: 10 });
  });

  it('counts an event once when two overlapping exports hold it', async () => {
    const week = (ids: number[]) =>
      'order_id,order_date,amount\n' +
      ids.map((i) => `A${i},2024-01-${String(i).padStart(2, '0')},${i}`).join('\n') +
      '\n';
    const { runtime, root } = await lakeWith([
      {
        'incoming/orders/w1.csv': week([1, 2, 3, 4, 5, 6, 7, 8]),
        'incoming/orders/w2.csv': week([6, 7, 8, 9, 10]),
      },
    ]);
    const model = await report(runtime, root, 'events-twice');
    expect(model.datasets[0]).toMatchObject({ rowsCurated: 13, rowsAnalyzed: 10 });
  });

  it('still reports the other datasets when one has no valid rows left', async () => {
    const sales =
      'order_id,order_date,amount\nA1,2024-01-02,10\nA2,2024-02-03,12\nA3,2024-03-04,9\n';
    const { runtime, root } = await lakeWith([
      {
        'incoming/orders/orders.csv': sales,
        'incoming/stock/stock.csv': 'sku,units\nS1,4\nS2,5\n',
      },
      { 'incoming/stock/stock.csv': '' },
    ]);
    const model = await report(runtime, root, 'one-empty');
    expect(model.datasets.map((d) => d.dataset)).toEqual(['orders']);
    expect(model.skippedDatasets).toEqual([
      {
        dataset: 'stock',
        reason: 'no valid rows have been ingested',
        fileErrors: [
          { sourceKey: 'incoming/stock/stock.csv', error: expect.stringMatching(/empty/) },
        ],
      },
    ]);
    const md = await readFile(join(root, 'reports/one-empty/report.md'), 'utf8');
    expect(md).toMatch(
      /Files that could not be ingested:\n\n- `incoming\/stock\/stock\.csv`: .*empty/,
    );
  });

  it('names a dataset whose only file could not be read, though it has no contract', async () => {
    const { runtime, root } = await lakeWith([
      {
        'incoming/orders/orders.csv': 'order_id,amount\nA1,10\nA2,12\n',
        'incoming/notes/notes.csv': 'a,b\n',
      },
    ]);
    const model = await report(runtime, root, 'header-only');
    expect(model.skippedDatasets).toEqual([
      {
        dataset: 'notes',
        reason: 'no valid rows have been ingested',
        fileErrors: [
          { sourceKey: 'incoming/notes/notes.csv', error: expect.stringMatching(/no data rows/) },
        ],
      },
    ]);
  });
});
