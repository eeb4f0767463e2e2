import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GroundTruth } from '#demo/generate.ts';
import type { OutlierFinding } from '#report/findings.ts';
import type { ReportModel } from '#report/model.ts';
import { runDemoPipeline } from '../helpers/demo-run.ts';

/** The demo through ingest and the real workflow JSON, checked against what the generator planted. */
describe('demo end to end on the local runtime', () => {
  let dir: string;
  let truth: GroundTruth;
  let report: ReportModel;
  let markdown: string;

  beforeAll(async () => {
    const run = await runDemoPipeline('e2e');
    expect(run.result.reportKey).toBe('reports/e2e/report.md');
    ({ dir, report, markdown } = run);
    truth = run.demo.groundTruth;
  });

  it('counts every dataset as generated, less exactly the invalid rows', () => {
    for (const [name, t] of Object.entries(truth.datasets)) {
      const section = report.datasets.find((d) => d.dataset === name);
      expect(section, name).toBeDefined();
      expect(section).toMatchObject({
        rowsRead: t.rowsGenerated,
        rowsQuarantined: t.invalidRows.length,
        rowsAnalyzed: t.rowsValid,
      });
      expect(markdown).toMatch(
        new RegExp(
          `\\| ${name} \\| [a-z ]+ \\| 1 \\| ${t.rowsGenerated.toLocaleString('en-US')} \\| ${t.rowsValid.toLocaleString('en-US')} \\| ${t.invalidRows.length} \\|`,
        ),
      );
    }
  });

  it('quarantines each invalid row with its line and column, and shows it in the report', async () => {
    for (const [name, t] of Object.entries(truth.datasets)) {
      const [file] = await readdir(join(dir, 'lake/quarantine', name));
      const rows = (await readFile(join(dir, 'lake/quarantine', name, file!), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { line: number; reasons: { column: string }[] });
      expect(rows.map((r) => [r.line, r.reasons.map((x) => x.column)]).sort()).toEqual(
        t.invalidRows.map((i) => [i.line, [i.column]]).sort(),
      );
      for (const invalid of t.invalidRows) {
        expect(markdown).toMatch(
          new RegExp(
            `\\| incoming/${name}/${name}\\.csv \\| ${invalid.line} \\| ${invalid.column} \\| `,
          ),
        );
      }
    }
  });

  it('finds every planted anomaly outside the IQR fences and lists its date or id', () => {
    expect(truth.anomalies.length).toBeGreaterThanOrEqual(7);
    for (const a of truth.anomalies) {
      const finding = report.findings.find(
        (f): f is OutlierFinding =>
          f.kind === 'outliers' && f.dataset === a.dataset && f.column === a.column,
      );
      expect(finding, `${a.dataset}.${a.column}`).toBeDefined();
      expect(a.value < finding!.low || a.value > finding!.high, `${a.key} ${a.column}`).toBe(true);
      const listed = finding!.examples.find((e) => e.id === a.key || e.date === a.key);
      expect(listed, `${a.dataset}.${a.column} ${a.key} is listed`).toBeDefined();
      expect(listed!.value).toBeCloseTo(a.value, 2);
      expect(markdown).toContain(`| ${a.key} |`);
    }
  });

  it('profiles every column: ids unique over the valid rows, foreign keys found, ranges of measures', () => {
    for (const [name, t] of Object.entries(truth.datasets)) {
      const section = report.datasets.find((d) => d.dataset === name)!;
      const id = section.columns.find((c) => c.role === 'id');
      if (id) expect(id, name).toMatchObject({ nulls: 0, distinct: t.rowsValid });
    }
    const transactions = report.datasets.find((d) => d.dataset === 'sales_transactions')!;
    expect(transactions.columns.filter((c) => c.role === 'foreign_key').map((c) => c.name)).toEqual(
      ['customer_id', 'product_id'],
    );
    expect(markdown).toContain('| customer_id | string | foreign key | 0 |');
  });

  it('reports monthly trends of the time series and events, not of the entities', () => {
    const trended = new Set(
      report.findings.filter((f) => f.kind === 'monthly_trend').map((f) => f.dataset),
    );
    expect([...trended].sort()).toEqual(['daily_sales_metrics', 'sales_transactions']);
    expect(markdown).toContain('## Trends');
    expect(markdown).toContain('| 2024-12 (partial) |');
  });

  it('has the computed sections and no placeholder', () => {
    for (const heading of [
      '## Executive summary',
      '## Anomalies',
      '## Trends',
      '## Data analyzed',
      '### Columns',
      '## Methodology',
    ]) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).not.toMatch(/\$X|TODO|\[\.\.\.\]|NaN|undefined|Infinity/);
  });

  it('emails a link to the report', async () => {
    const [eml] = await readdir(join(dir, 'outbox'));
    const mail = await readFile(join(dir, 'outbox', eml!), 'utf8');
    expect(mail).toContain(`file://${join(dir, 'lake/reports/e2e/report.md')}`);
  });
});

describe('insights demo (the CLI behind npm start)', () => {
  it('prints the report path and exits 0', async () => {
    const out = await mkdtemp(join(tmpdir(), 'insights-cli-'));
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './functions/platform/polyfills.ts',
        'functions/cli/main.ts',
        'demo',
        '--out',
        out,
        '--quiet',
      ],
      { cwd: join(import.meta.dirname, '../..') },
    );
    const path = stdout.trim();
    expect(path).toMatch(new RegExp(`^${out}/lake/reports/[0-9TZ]+-demo/report\\.md$`));
    expect(await readFile(path, 'utf8')).toContain('## Anomalies');
  });
});
