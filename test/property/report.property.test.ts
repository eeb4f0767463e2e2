import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupDifferences } from '#analysis/groups/report-run.ts';
import { relationshipFinding } from '#analysis/relationships/report-run.ts';
import { forecastFindings, seriesAnomalyFindings } from '#analysis/series-analyses.ts';
import { discoverSeries, seriesSpecs } from '#analysis/series-discovery.ts';
import { ingestFile } from '#cli/ingest-files.ts';
import { runReportWorkflow } from '#cli/local-workflow.ts';
import { consoleProgress } from '#cli/progress.ts';
import { niceTicks } from '#report/charts/svg.ts';
import { localRuntime } from '#platform/local/runtime.ts';
import type { Contract, QueryEngine, Row } from '#platform/ports.ts';
import type { DailyPoint } from '#query/aggregates.ts';
import type { Finding } from '#report/findings.ts';
import type { NotComputed, ReportModel } from '#report/model.ts';
import { narrate } from '#report/narrative/rank.ts';
import { scrubNarration } from '#report/narrative/scrub.ts';
import { renderReport } from '#report/render.ts';
import { validateReport } from '#report/report-schema.ts';
import { executiveSummary } from '#report/summary.ts';
import { reportModel } from '../helpers/report-model.ts';
import { column, contract } from '../helpers/contracts.ts';
import { finiteArray, finiteNumber, params, seriesOf, timeoutFor } from './fc-config.ts';

/**
 * No NaN or Infinity reaches a report: findings made by the real analyses from arbitrary
 * finite data (series with tiny, huge, constant and gappy values; groups of any values),
 * told as narratives and rendered (functions/report/render.ts), give Markdown, HTML, JSON and
 * CSV tables with no `NaN`, `Infinity` or `undefined`, and JSON that validateReport accepts.
 * The last property runs the whole local pipeline (ingest, the workflow) on arbitrary files.
 */

/** Words that say a number went wrong. "MASE undefined (constant history)" is a sentence. */
const BROKEN = /NaN|Infinity|\bundefined\b(?! \(constant history\))/;

function checkRendered(model: ReportModel): void {
  const rendered = renderReport(model);
  for (const [what, text] of [
    ['markdown', rendered.markdown],
    ['html', rendered.html],
    ['json', rendered.json],
    ...rendered.tables.map((t) => [t.key, t.csv] as const),
  ] as const) {
    const bad = BROKEN.exec(text);
    expect(
      bad,
      `${what}: …${bad ? text.slice(Math.max(0, bad.index - 120), bad.index + 40) : ''}`,
    ).toBeNull();
  }
  // JSON has no NaN: JSON.stringify writes null for it, which the schema refuses.
  expect(() => validateReport(JSON.parse(rendered.json))).not.toThrow();
}

/** As the assemble step does: narratives and the summary told from the findings. */
function assembled(findings: Finding[], notComputed: NotComputed[]): ReportModel {
  const built = reportModel({ findings, notComputed });
  const told = scrubNarration(narrate(built));
  return {
    ...built,
    ...told,
    summary: executiveSummary({ datasets: built.datasets, narratives: told.narratives }),
  };
}

const METRICS: Contract = contract(
  'metrics',
  'time_series',
  [
    column('day', 'date', 'time', { nullable: false }),
    column('revenue', 'double', 'measure'),
    column('visits', 'double', 'measure'),
    column('price', 'double', 'measure'),
  ],
  { timeColumn: 'day' },
);
const MEASURES = ['revenue', 'visits', 'price'];

/** Daily totals of METRICS: three arbitrary series, with missing days and missing values. */
const days = fc
  .integer({ min: 2, max: 60 })
  .chain((n) =>
    fc.tuple(
      fc.tuple(seriesOf(n), seriesOf(n), seriesOf(n)),
      fc.array(fc.nat({ max: n - 1 }), { maxLength: 4 }),
      fc.constantFrom(1, 7),
    ),
  )
  .map(([[a, b, c], missing, step]): DailyPoint[] =>
    a.flatMap((_, i) => {
      if (missing.includes(i) && i > 0 && i < a.length - 1) return [];
      const day = new Date(Date.UTC(2024, 0, 1 + i * step)).toISOString().slice(0, 10);
      const sums = { revenue: a[i]!, visits: b[i]!, price: c[i]! };
      return [{ day, rows: 1, sums, means: sums }];
    }),
  );

/** A query engine that answers the two queries of groupDifferences from `groups`. */
function groupsEngine(groups: readonly (readonly number[])[]): QueryEngine {
  const rows: Row[] = groups.flatMap((g, i) => g.map((v) => ({ g: `segment ${i}`, v })));
  return {
    dialect: 'duckdb',
    query: async (sql) => (/count\(\*\)/.test(sql) ? [{ n: rows.length }] : rows),
  };
}

const ACCOUNTS: Contract = contract(
  'accounts',
  'entities',
  [
    column('account_id', 'string', 'id', { nullable: false }),
    column('segment', 'string', 'dimension'),
    column('lifetime_value', 'double', 'measure'),
  ],
  { primaryKey: 'account_id' },
);

describe('reports made from arbitrary finite data', () => {
  const RUNS = 25;
  it(
    'series findings (forecasts, anomalies, relationships) and group differences render without NaN, Infinity or undefined',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          days,
          fc.array(finiteArray({ minLength: 2, maxLength: 12 }), { minLength: 2, maxLength: 4 }),
          async (points, groups) => {
            const discovery = discoverSeries(METRICS, seriesSpecs(METRICS, MEASURES), points);
            const forecasts = forecastFindings(discovery, { horizon: 7, origins: 1 });
            const anomalies = seriesAnomalyFindings(discovery);
            const relationships = relationshipFinding([discovery]);
            const differences = await groupDifferences(
              groupsEngine(groups),
              [{ contract: ACCOUNTS, measures: ['lifetime_value'] }],
              [],
            );
            const findings: Finding[] = [
              ...forecasts.findings,
              ...anomalies.findings,
              ...(relationships.finding ? [relationships.finding] : []),
              ...(differences.finding ? [differences.finding] : []),
            ];
            const notComputed = [
              ...forecasts.notComputed,
              ...anomalies.notComputed,
              ...relationships.notComputed,
              ...differences.notComputed,
            ].map((reason) => ({ analysisId: 'a', dataset: 'metrics', reason }));
            for (const n of notComputed) expect(n.reason).not.toMatch(BROKEN);
            checkRendered(assembled(findings, notComputed));
          },
        ),
        params(RUNS),
      );
    },
    timeoutFor(RUNS, 1500),
  );
});

describe('the local pipeline on arbitrary files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'property-pipeline-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** Orders of 25 customers over two months, with arbitrary amounts and quantities. */
  const orders = fc
    .record({
      rows: fc.integer({ min: 1, max: 90 }),
      amounts: fc.oneof(
        finiteArray({ minLength: 90, maxLength: 90 }),
        fc.array(finiteNumber, { minLength: 90, maxLength: 90 }),
      ),
      quantities: fc.array(fc.oneof(fc.integer({ min: -2, max: 20 }), fc.constant(1)), {
        minLength: 90,
        maxLength: 90,
      }),
      customers: fc.integer({ min: 1, max: 30 }),
      daysApart: fc.constantFrom(0, 1, 2),
    })
    .map(({ rows, amounts, quantities, customers, daysApart }) => {
      const lines = ['order_id,order_date,customer_id,channel,amount,quantity'];
      for (let i = 0; i < rows; i++) {
        const day = new Date(Date.UTC(2024, 0, 1 + Math.floor(i * daysApart * 0.7)));
        lines.push(
          [
            `O${i}`,
            day.toISOString().slice(0, 10),
            `C${i % customers}`,
            ['web', 'store', 'app'][i % 3],
            String(amounts[i]),
            String(quantities[i]),
          ].join(','),
        );
      }
      return lines.join('\n') + '\n';
    });

  let run = 0;
  const RUNS = 4;
  it(
    'writes a report whose every rendering is free of NaN, Infinity and undefined',
    async () => {
      await fc.assert(
        fc.asyncProperty(orders, async (csv) => {
          run += 1;
          const root = join(dir, `run${run}`);
          const runtime = await localRuntime({
            lake: join(root, 'lake'),
            outbox: join(root, 'outbox'),
            clock: { now: () => new Date('2024-03-05T10:00:00Z') },
          });
          try {
            await writeFile(join(dir, `orders${run}.csv`), csv);
            const outcome = await ingestFile(
              runtime,
              join(dir, `orders${run}.csv`),
              { dataset: 'orders', name: 'orders.csv' },
              consoleProgress(process.stderr, true),
            );
            expect(outcome.error).toBeUndefined();
            const result = await runReportWorkflow(runtime, { runId: 'r', trigger: 'test' });
            expect(result.reportKey).toBe('reports/r/report.html');
          } finally {
            runtime.close();
          }
          const reports = join(root, 'lake', 'reports', 'r');
          const files = await readdir(reports, { recursive: true, withFileTypes: true });
          for (const f of files.filter((e) => e.isFile())) {
            const text = await readFile(join(f.parentPath, f.name), 'utf8');
            const bad = BROKEN.exec(text);
            expect(
              bad,
              `${f.name}: …${bad ? text.slice(Math.max(0, bad.index - 120), bad.index + 40) : ''}`,
            ).toBeNull();
          }
          const report = JSON.parse(
            await readFile(join(reports, 'report.json'), 'utf8'),
          ) as unknown;
          expect(() => validateReport(report)).not.toThrow();
        }),
        // Each run is a whole pipeline (seconds): a failure is reported as found, unshrunk.
        params(RUNS, { endOnFailure: true }),
      );
    },
    timeoutFor(RUNS, 8000),
  );
});

/** Counterexamples the properties found, kept as plain tests (each failed before its fix). */
describe('reports: regressions', () => {
  it('draws an axis for values within 1e-163 of each other (toFixed threw a RangeError)', () => {
    for (const [lo, hi] of [
      [-5.393334318134064e-275, 2.020792866046237e-162],
      [0, 5e-324],
      [5e-324, 5e-324],
    ] as const) {
      const ticks = niceTicks(lo, hi, 5);
      expect(ticks.every(Number.isFinite)).toBe(true);
      // (Within a billionth of a step, as niceTicks rounds.)
      expect(ticks[0]).toBeLessThanOrEqual(lo + 1e-9 * (hi - lo));
      expect(ticks.at(-1)).toBeGreaterThanOrEqual(hi - 1e-9 * (hi - lo));
    }
  });

  it('draws an axis for a range within rounding of its values (the tick loop never ended)', () => {
    // 2.777644711342193e83 to 2.777644711342194e83: steps numbered beyond 2^53, where i++
    // stands still; the ticks array grew until the process died.
    const ticks = niceTicks(2.777644711342193e83, 2.777644711342194e83, 5);
    expect(ticks.length).toBeLessThanOrEqual(10);
    expect(niceTicks(1e20, 1e20 + 16384, 5).length).toBeLessThanOrEqual(10);
  });

  it('says why a comparison of groups with no spread within is not listed (F was ∞, null in report.json)', async () => {
    const differences = await groupDifferences(
      groupsEngine([
        [1, 1],
        [0, 0],
      ]),
      [{ contract: ACCOUNTS, measures: ['lifetime_value'] }],
      [],
    );
    expect(differences.finding).toBeUndefined();
    expect(differences.notComputed).toEqual([
      "accounts: lifetime_value by segment: within each group all values are equal (no spread to test against: F is infinite); the groups' values are segment 0 1, segment 1 0",
    ]);
  });
});
