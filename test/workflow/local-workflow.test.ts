import { readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localDefinition, runReportWorkflow } from '#cli/local-workflow.ts';
import { consoleProgress } from '#cli/progress.ts';
import { runWorkflow } from '#cli/run.ts';
import { localRuntime, type LocalRuntime } from '#platform/local/runtime.ts';
import type { ReportModel } from '#report/model.ts';
import { smallLake } from '../helpers/small-lake.ts';

const clock = { now: () => new Date('2024-03-05T10:00:00Z') };
let runtime: LocalRuntime | undefined;
afterEach(() => runtime?.close());

/** The analyses the small lake's data do not support, as the report lists them. */
const UNSUPPORTED = [
  {
    analysisId: 'customers-orders',
    dataset: 'orders',
    reason: 'no column names a customer (customer_id, client, user ...)',
  },
  {
    analysisId: 'relationships',
    dataset: '*',
    reason: 'orders: events per day is constant (1): nothing to relate',
  },
  {
    analysisId: 'group-differences',
    dataset: '*',
    reason: 'no measure has a dimension worth testing',
  },
];

describe('the report workflow on the local runtime', () => {
  it('binds every placeholder of report.asl.json', () => {
    expect(JSON.stringify(localDefinition())).not.toMatch(/\$\{[A-Za-z]+\}/);
  });

  it("gives each task its Lambda's timeout, as the stack deploys it (the runner's own is 60 s)", () => {
    type States = Record<
      string,
      { Type: string; TimeoutSeconds?: number; ItemProcessor?: { States: States } }
    >;
    const { States: states } = localDefinition() as { States: States };
    const tasks: Record<string, number | undefined> = {};
    for (const [name, s] of [
      ...Object.entries(states),
      ...Object.entries(states['Analyze']!.ItemProcessor!.States),
    ])
      if (s.Type === 'Task') tasks[name] = s.TimeoutSeconds;
    // The checked-in template (test/infra/template.test.ts keeps it equal to the synth).
    const template = JSON.parse(
      readFileSync(
        new URL('../infra/__snapshots__/ServerlessInsights.template.json', import.meta.url),
        'utf8',
      ),
    ) as { Resources: Record<string, { Type: string; Properties: { Timeout?: number } }> };
    const lambda = (prefix: string) =>
      Object.entries(template.Resources).find(
        ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(prefix),
      )?.[1].Properties.Timeout;
    expect(tasks).toEqual({
      Plan: lambda('WorkflowPlanFunction'),
      Aggregate: lambda('WorkflowAggregateFunction'),
      RunAnalysis: lambda('WorkflowAnalyzeFunction'),
      Assemble: lambda('WorkflowAssembleFunction'),
      Notify: lambda('NotifyFunction'),
      NotifyFailure: lambda('NotifyFunction'),
    });
    expect(tasks['RunAnalysis']).toBe(600);
  });

  it('runs Plan -> Aggregate -> Analyze -> Assemble -> Notify and emails the link', async () => {
    const { root, hugeOrderId } = await smallLake();
    runtime = await localRuntime({ lake: root, outbox: join(root, 'outbox'), clock });
    const steps: string[] = [];
    const result = await runReportWorkflow(runtime, {
      runId: 'test-run',
      trigger: 'test',
      onProgress: (m) => steps.push(m),
    });

    expect(result.reportKey).toBe('reports/test-run/report.html');
    expect(steps.filter((s) => s.endsWith('...'))).toEqual([
      'Plan ...',
      'Aggregate ...',
      'Analyze ...',
      'Assemble ...',
      'Notify ...',
    ]);
    const md = await readFile(join(root, 'reports/test-run/report.md'), 'utf8');
    expect(md).toContain('## Anomalies');
    expect(md).toContain('| order_id | order_date | Value |');
    expect(md).toMatch(new RegExp(`\\| ${hugeOrderId} \\| 2024-01-18 \\| 5,000 \\|`));
    expect(md).toContain('## Trends');
    expect(md).toContain('2024-02');
    expect(md).toContain('2024-03 (partial)');
    expect(md).toMatch(
      /\| incoming\/orders\/orders\.csv \| 9 \| amount \| not a number: "lots" \|/,
    );

    const json = JSON.parse(
      await readFile(join(root, 'reports/test-run/report.json'), 'utf8'),
    ) as ReportModel;
    expect(json.datasets[0]).toMatchObject({
      dataset: 'orders',
      rowsRead: 66,
      rowsAnalyzed: 65,
      rowsQuarantined: 1,
    });
    // What the small lake does not support, each with why: no customer column; one order a
    // day, so the number of orders per day never changes; no dimension to compare groups by.
    expect(json.notComputed).toEqual(UNSUPPORTED);

    const [eml] = await readdir(join(root, 'outbox'));
    const mail = await readFile(join(root, 'outbox', eml!), 'utf8');
    expect(mail).toMatch(/Subject: Insights report test-run: \S/);
    expect(mail).toContain('What matters most:');
    expect(mail).toContain(`file://${join(root, 'reports/test-run/report.html')}`);
  });

  it('runs when started with no input, as a manual start from the console would', async () => {
    const { root } = await smallLake();
    runtime = await localRuntime({ lake: root, outbox: join(root, 'outbox'), clock });
    await runReportWorkflow(runtime, { runId: 'manual-run' });
    const json = JSON.parse(
      await readFile(join(root, 'reports/manual-run/report.json'), 'utf8'),
    ) as ReportModel;
    expect(json.run.trigger).toBe('manual');
  });

  it('never overwrites the report of an earlier run', async () => {
    const { root } = await smallLake();
    runtime = await localRuntime({ lake: root, outbox: join(root, 'outbox'), clock });
    const quiet = consoleProgress(process.stderr, true);
    const first = await runWorkflow(runtime, undefined, 'cli', quiet);
    const second = await runWorkflow(runtime, undefined, 'cli', quiet);
    expect(first).toBe(join(root, 'reports/20240305T100000Z-cli/report.html'));
    expect(second).toBe(join(root, 'reports/20240305T100000Z-cli-2/report.html'));
    await expect(runWorkflow(runtime, '20240305T100000Z-cli', 'cli', quiet)).rejects.toThrow(
      /was used before/,
    );
  });

  it('records a failed analysis as not computed and still completes the run', async () => {
    const { root } = await smallLake();
    runtime = await localRuntime({ lake: root, outbox: join(root, 'outbox'), clock });
    const engine = runtime.engine;
    // The monthly query fails (the trends and the KPIs' growth need it); the quartile,
    // outlier and daily (series) queries do not.
    runtime.engine = {
      dialect: engine.dialect,
      query: (sql) =>
        sql.includes(`'%Y-%m') AS period`)
          ? Promise.reject(new Error('engine down'))
          : engine.query(sql),
    };
    const result = await runReportWorkflow(runtime, { runId: 'partial-run', trigger: 'test' });
    const json = JSON.parse(
      await readFile(join(root, 'reports/partial-run/report.json'), 'utf8'),
    ) as ReportModel;
    expect(result.reportKey).toBe('reports/partial-run/report.html');
    expect(json.notComputed).toEqual([
      {
        analysisId: 'monthly-trends-orders',
        dataset: 'orders',
        reason: 'the analysis failed (engine down)',
      },
      { analysisId: 'kpis-orders', dataset: 'orders', reason: 'the analysis failed (engine down)' },
      ...UNSUPPORTED,
    ]);
    expect(await readFile(join(root, 'reports/partial-run/report.md'), 'utf8')).toContain(
      '## Not computed',
    );
  });

  it('emails the failure and fails the run when a step cannot complete', async () => {
    const { root } = await smallLake();
    runtime = await localRuntime({ lake: root, outbox: join(root, 'outbox'), clock });
    runtime.engine = { dialect: 'duckdb', query: () => Promise.reject(new Error('no engine')) };
    await expect(
      runReportWorkflow(runtime, { runId: 'failed-run', trigger: 'test' }),
    ).rejects.toThrow('Report run failed-run failed: no engine (the recipients were emailed)');
    const [eml] = await readdir(join(root, 'outbox'));
    const mail = await readFile(join(root, 'outbox', eml!), 'utf8');
    expect(mail).toContain('Subject: Insights run failed-run failed');
    expect(mail).toContain('no engine');
  });

  it('does not claim the failure was emailed when the email failed too', async () => {
    const { root } = await smallLake();
    runtime = await localRuntime({ lake: root, outbox: join(root, 'outbox'), clock });
    runtime.engine = { dialect: 'duckdb', query: () => Promise.reject(new Error('no engine')) };
    runtime.mailer = { send: () => Promise.reject(new Error('mail server down')) };
    await expect(
      runReportWorkflow(runtime, { runId: 'unsent-run', trigger: 'test', retryPauseMs: 1 }),
    ).rejects.toThrow(
      'Report run unsent-run failed: no engine (and the email saying so could not be sent either)',
    );
  });
});
