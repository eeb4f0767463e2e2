import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ingestFiles } from '#cli/ingest-files.ts';
import { runReportWorkflow } from '#cli/local-workflow.ts';
import { consoleProgress } from '#cli/progress.ts';
import { localRuntime } from '#platform/local/runtime.ts';

/**
 * Hostile values in company names, dimension values and column names go through ingest and
 * the report, and come out as text in report.html: never a tag, never an attribute.
 */
const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';

describe('report.html with hostile data', () => {
  let html: string;
  let markdown: string;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'insights-xss-'));
    const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
    const industries = [SCRIPT, IMG, 'Retail'];
    const customers = Array.from({ length: 30 }, (_, i) =>
      [`C${i}`, quote(i % 2 ? SCRIPT : IMG), quote(industries[i % 3]!), 100 + i].join(','),
    );
    await writeFile(
      join(dir, 'customers.csv'),
      [`customer_id,company_name,industry,${quote(IMG)}`, ...customers].join('\n') + '\n',
    );
    const orders = Array.from({ length: 400 }, (_, i) => {
      const day = new Date(Date.UTC(2024, 0, 1 + (i % 200))).toISOString().slice(0, 10);
      return [
        `O${i}`,
        day,
        `C${(i * 7) % 30}`,
        quote(industries[i % 3]!),
        (10 + (i % 13)).toFixed(2),
      ].join(',');
    });
    await writeFile(
      join(dir, 'orders.csv'),
      ['order_id,order_date,customer_id,channel,net_amount', ...orders].join('\n') + '\n',
    );
    const runtime = await localRuntime({ lake: join(dir, 'lake'), outbox: join(dir, 'outbox') });
    try {
      const quiet = consoleProgress(process.stderr, true);
      await ingestFiles(runtime, [join(dir, 'customers.csv')], {}, quiet);
      await ingestFiles(runtime, [join(dir, 'orders.csv')], {}, quiet);
      await runReportWorkflow(runtime, { runId: 'xss', trigger: 'test' });
    } finally {
      runtime.close();
    }
    html = await readFile(join(dir, 'lake/reports/xss/report.html'), 'utf8');
    markdown = await readFile(join(dir, 'lake/reports/xss/report.md'), 'utf8');
  }, 120_000);

  it('shows the hostile values as text', () => {
    // They are in the report (channel splits, profiles), escaped.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('never as markup: no script, no img, no event handler attribute', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    // No tag carries an event handler (the text may say "onerror=", escaped, outside tags).
    const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
    expect(tags.filter((t) => /\son[a-z]+\s*=/i.test(t))).toEqual([]);
    // The Markdown keeps them inert too: angle brackets escaped.
    expect(markdown).not.toContain(SCRIPT);
  });
});
