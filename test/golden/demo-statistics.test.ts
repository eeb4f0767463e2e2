import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iqrFences } from '#analysis/iqr.ts';
import type { DemoManifest } from '#demo/generate.ts';
import type { OutlierFinding, SeriesAnomalyFinding, TrendFinding } from '#report/findings.ts';
import type { ReportModel } from '#report/model.ts';
import type { RunAggregates } from '#workflow/aggregate.ts';
import { runDemoPipeline } from '../helpers/demo-run.ts';

/**
 * Our statistics against pandas and numpy. The golden values come from
 * test/fixtures/golden/make_golden.py (its header says how to regenerate them); this test
 * runs the same demo through ingest and the report workflow and compares.
 */

interface GoldenMeasure {
  n: number;
  q1: number;
  median: number;
  q3: number;
  /** Median absolute deviation from the median, unscaled. */
  mad: number;
  low: number;
  high: number;
  outliers: number;
}

interface GoldenMonth {
  month: string;
  rows: number;
  sum: Record<string, number>;
  mean: Record<string, number>;
}

interface GoldenDataset {
  file: string;
  sha256: string;
  rowsValid: number;
  droppedLines: number[];
  measures: Record<string, GoldenMeasure>;
  monthly?: {
    timeColumn: string;
    meanColumns: string[];
    months: GoldenMonth[];
    /** Calendar months between the first and the last that have no rows. */
    missingMonths: string[];
  };
}

interface Golden {
  seed: number;
  demoOptions: Record<string, number>;
  versions: { python: string; pandas: string; numpy: string };
  fenceK: number;
  datasets: Record<string, GoldenDataset>;
}

const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/golden/demo-statistics.json'), 'utf8'),
) as Golden;

const QUARTILE_REL = 1e-9;
const MONTHLY_REL = 1e-6;

const datasets = Object.entries(golden.datasets);
const trended = datasets.filter(
  (e): e is [string, GoldenDataset & { monthly: NonNullable<GoldenDataset['monthly']> }] =>
    e[1].monthly !== undefined,
);

/** |actual - expected| <= rel * |expected|: exact when the expected value is 0. */
function expectRelClose(actual: number | undefined, expected: number, rel: number, what: string) {
  expect.soft(actual, `${what}: a number`).toBeTypeOf('number');
  expect
    .soft(
      Math.abs((actual ?? Number.NaN) - expected),
      `${what}: ours ${actual}, pandas/numpy ${expected}`,
    )
    .toBeLessThanOrEqual(rel * Math.abs(expected));
}

describe(`demo statistics against pandas ${golden.versions.pandas} / numpy ${golden.versions.numpy}`, () => {
  let dir: string;
  let demo: DemoManifest;
  let report: ReportModel;
  let aggregates: RunAggregates;

  beforeAll(async () => {
    const run = await runDemoPipeline('golden', golden.seed);
    ({ dir, demo, report } = run);
    aggregates = JSON.parse(
      await readFile(join(dir, 'lake/runs/golden/aggregates.json'), 'utf8'),
    ) as RunAggregates;
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is fed the very files the golden values were computed from (seed 42)', async () => {
    expect(golden.seed).toBe(42);
    expect(demo.groundTruth.options).toEqual(golden.demoOptions);
    expect(demo.files.map((f) => f.dataset).sort()).toEqual(Object.keys(golden.datasets).sort());
    for (const file of demo.files) {
      const expected = golden.datasets[file.dataset]!;
      const sha = createHash('sha256')
        .update(await readFile(file.path))
        .digest('hex');
      expect(sha, `${file.dataset}: the generator's output changed; rerun make_golden.py`).toBe(
        expected.sha256,
      );
      expect(
        demo.groundTruth.datasets[file.dataset].invalidRows
          .map((r) => r.line)
          .sort((a, b) => a - b),
      ).toEqual(expected.droppedLines);
    }
  });

  it.each(datasets)('%s: analyses the rows pandas kept, and the same measures', (name, g) => {
    expect(report.datasets.find((d) => d.dataset === name)?.rowsAnalyzed).toBe(g.rowsValid);
    const stats = aggregates.datasets[name];
    expect(stats?.profile.rows).toBe(g.rowsValid);
    expect(stats?.quartiles.map((q) => q.column)).toEqual(Object.keys(g.measures));
    for (const [column, m] of Object.entries(g.measures)) {
      const profile = stats?.profile.columns.find((c) => c.name === column);
      expect(profile?.nonNull, `${name}.${column} values`).toBe(m.n);
    }
  });

  it.each(datasets)('%s: quartiles (type 7) and 1.5 IQR fences', (name, g) => {
    expect(golden.fenceK).toBe(1.5);
    for (const [column, m] of Object.entries(g.measures)) {
      const what = `${name}.${column}`;
      const q = aggregates.datasets[name]?.quartiles.find((x) => x.column === column);
      expect(q, what).toBeDefined();
      if (!q) continue;
      expectRelClose(q.q1, m.q1, QUARTILE_REL, `${what} q1`);
      expectRelClose(q.median, m.median, QUARTILE_REL, `${what} median`);
      expectRelClose(q.q3, m.q3, QUARTILE_REL, `${what} q3`);
      expectRelClose(q.mad, m.mad, QUARTILE_REL, `${what} MAD`);
      const fences = iqrFences(q.q1, q.q3);
      expectRelClose(fences.low, m.low, QUARTILE_REL, `${what} low fence`);
      expectRelClose(fences.high, m.high, QUARTILE_REL, `${what} high fence`);
    }
  });

  it.each(datasets)('%s: outlier findings and counts', (name, g) => {
    const findings = report.findings.filter(
      (f): f is OutlierFinding => f.kind === 'outliers' && f.dataset === name,
    );
    // Measures with one value per date are judged as time series, not by these fences.
    const judged = report.findings
      .filter((f): f is SeriesAnomalyFinding => f.kind === 'series_anomalies')
      .filter((f) => f.dataset === name && f.aggregation === 'value')
      .map((f) => f.column);
    if (report.datasets.find((d) => d.dataset === name)?.kind === 'time_series')
      expect(judged.sort()).toEqual(Object.keys(g.measures).sort());
    const expected = Object.entries(g.measures).filter(
      ([c, m]) => m.outliers > 0 && m.q3 > m.q1 && !judged.includes(c),
    );
    expect(findings.map((f) => f.column).sort()).toEqual(expected.map(([c]) => c).sort());
    for (const [column, m] of expected) {
      const what = `${name}.${column}`;
      const f = findings.find((x) => x.column === column);
      if (!f) continue;
      expect.soft(f.count, `${what} values outside the fences`).toBe(m.outliers);
      expect.soft(f.rowsChecked, `${what} rows checked`).toBe(g.rowsValid);
      expectRelClose(f.q1, m.q1, QUARTILE_REL, `${what} finding q1`);
      expectRelClose(f.median, m.median, QUARTILE_REL, `${what} finding median`);
      expectRelClose(f.q3, m.q3, QUARTILE_REL, `${what} finding q3`);
      expectRelClose(f.low, m.low, QUARTILE_REL, `${what} finding low fence`);
      expectRelClose(f.high, m.high, QUARTILE_REL, `${what} finding high fence`);
    }
  });

  it('trends exactly the time series and events pandas grouped by month', () => {
    const ours = report.findings
      .filter((f): f is TrendFinding => f.kind === 'monthly_trend')
      .map((f) => `${f.dataset}.${f.column}`)
      .sort();
    const theirs = trended
      .flatMap(([name, g]) => Object.keys(g.measures).map((c) => `${name}.${c}`))
      .sort();
    expect(ours).toEqual(theirs);
  });

  it.each(trended)('%s: monthly sums (means of levels) and row counts', (name, g) => {
    for (const column of Object.keys(g.measures)) {
      const what = `${name}.${column}`;
      const f = report.findings.find(
        (x): x is TrendFinding =>
          x.kind === 'monthly_trend' && x.dataset === name && x.column === column,
      );
      expect(f, what).toBeDefined();
      if (!f) continue;
      expect.soft(f.timeColumn, `${what} time column`).toBe(g.monthly.timeColumn);
      const aggregation = g.monthly.meanColumns.includes(column) ? 'mean' : 'sum';
      expect.soft(f.aggregation, `${what} aggregation`).toBe(aggregation);
      expect
        .soft(
          f.months.map((m) => m.month),
          `${what} months`,
        )
        .toEqual(g.monthly.months.map((m) => m.month));
      expect.soft(f.missingMonths, `${what} missing months`).toEqual(g.monthly.missingMonths);
      for (const expected of g.monthly.months) {
        const month = f.months.find((m) => m.month === expected.month);
        if (!month) continue;
        const value = aggregation === 'mean' ? expected.mean[column]! : expected.sum[column]!;
        expectRelClose(month.value, value, MONTHLY_REL, `${what} ${expected.month} ${aggregation}`);
        expect.soft(month.rows, `${what} ${expected.month} rows`).toBe(expected.rows);
      }
    }
  });
});
