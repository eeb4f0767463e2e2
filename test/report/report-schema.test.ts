import { readFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputRejectedError } from '#platform/errors.ts';
import type { Finding, OutlierFinding } from '#report/findings.ts';
import type { ReportModel } from '#report/model.ts';
import { REPORT_SCHEMA_VERSION, reportSchema, validateReport } from '#report/report-schema.ts';
import { REPORT_SCHEMA_PATH, reportSchemaText } from '../../scripts/report-schema.ts';
import { runDemoPipeline } from '../helpers/demo-run.ts';

const KINDS: Finding['kind'][] = [
  'outliers',
  'monthly_trend',
  'forecast',
  'series_anomalies',
  'kpis',
  'relationships',
  'customers',
  'group_differences',
];

describe('schemas/report.schema.json', () => {
  it('is what the ReportModel type generates (else run "npm run schema")', async () => {
    const onDisk = await readFile(REPORT_SCHEMA_PATH, 'utf8');
    expect(onDisk).toBe(await reportSchemaText());
  });

  it('is JSON Schema 2020-12 that ajv compiles in strict mode, with the version in its $id', () => {
    expect(reportSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(reportSchema.$id).toBe(
      `urn:serverless-insights:schema:report:v${REPORT_SCHEMA_VERSION}`,
    );
    expect(reportSchema.additionalProperties).toBe(false);
    expect(() =>
      new Ajv2020({ strict: true, allowUnionTypes: true }).compile(reportSchema),
    ).not.toThrow();
  });

  it('names every kind of finding', () => {
    expect(reportSchema.$defs.Finding.properties.kind.enum).toEqual(KINDS);
  });
});

describe('validateReport', () => {
  /** The demo's report.json as the pipeline wrote it, parsed and nothing else. */
  let demo: ReportModel;
  const copy = () => structuredClone(demo);
  const indexOf = (report: ReportModel, kind: Finding['kind']) => {
    const i = report.findings.findIndex((f) => f.kind === kind);
    expect(i, kind).toBeGreaterThanOrEqual(0);
    return i;
  };
  const problems = (json: unknown) => {
    try {
      validateReport(json);
    } catch (error) {
      expect(error).toBeInstanceOf(InputRejectedError);
      return (error as Error).message.split('\n');
    }
    throw new Error('validateReport accepted it');
  };

  beforeAll(async () => {
    ({ report: demo } = await runDemoPipeline('schema'));
  });

  it("accepts the demo run's report.json, which has a finding of every kind", () => {
    expect(new Set(demo.findings.map((f) => f.kind))).toEqual(new Set(KINDS));
    expect(validateReport(demo)).toBe(demo);
    expect(
      new Ajv2020({ allErrors: true, allowUnionTypes: true }).validate(reportSchema, demo),
    ).toBe(true);
  });

  it('names the path of a field missing from a finding, and nothing else', () => {
    const report = copy();
    const i = indexOf(report, 'outliers');
    delete (report.findings[i] as Partial<OutlierFinding>).dataset;
    expect(problems(report)).toEqual([`report.json: findings[${i}].dataset is required`]);
  });

  it('names the path of a field missing deeper in a finding', () => {
    const report = copy();
    const i = indexOf(report, 'forecast');
    const finding = report.findings[i] as Extract<Finding, { kind: 'forecast' }>;
    delete (finding.forecast[0] as Partial<(typeof finding.forecast)[0]>).yhat;
    expect(problems(report)).toEqual([`report.json: findings[${i}].forecast[0].yhat is required`]);
  });

  it('refuses an unknown kind of finding, listing the known ones', () => {
    const report = copy();
    const i = indexOf(report, 'kpis');
    (report.findings[i] as { kind: string }).kind = 'narrative';
    expect(problems(report)).toEqual([
      `report.json: findings[${i}].kind must be one of ${KINDS.join(', ')} (it is "narrative")`,
    ]);
  });

  it('refuses a value of the wrong type and a field the type does not have', () => {
    const report = copy();
    (report.run as { startedAt: unknown }).startedAt = 5;
    (report.datasets[0] as unknown as Record<string, unknown>)['colour'] = 'blue';
    const [type, unknown] = problems(report);
    expect(type).toBe('report.json: run.startedAt must be a string (it is 5)');
    expect(unknown).toMatch(
      /^report\.json: datasets\[0\] has an unknown field "colour" \(the fields are: dataset, kind, /,
    );
  });

  it('refuses a report of another schemaVersion with what to do about it', () => {
    const newer = { ...copy(), schemaVersion: REPORT_SCHEMA_VERSION + 1 };
    expect(problems(newer)).toEqual([
      `report.json: schemaVersion is ${REPORT_SCHEMA_VERSION + 1}: the report was written by a newer version of insights, and this version of insights reads schemaVersion ${REPORT_SCHEMA_VERSION} only; upgrade insights to read it`,
    ]);
    const older = { ...copy(), schemaVersion: REPORT_SCHEMA_VERSION - 1 };
    expect(problems(older)).toEqual([
      `report.json: schemaVersion is ${REPORT_SCHEMA_VERSION - 1}: the report was written by an older version of insights, and this version of insights reads schemaVersion ${REPORT_SCHEMA_VERSION} only; run the report again to write it in schemaVersion ${REPORT_SCHEMA_VERSION}`,
    ]);
    expect(problems({ ...copy(), schemaVersion: '1' })[0]).toBe(
      `report.json: schemaVersion must be ${REPORT_SCHEMA_VERSION} (it is "1"): this version of insights reads schemaVersion ${REPORT_SCHEMA_VERSION} only`,
    );
    // The schema on its own says so too, for other readers of report.json.
    const ajv = new Ajv2020({ allowUnionTypes: true });
    expect(ajv.validate(reportSchema, newer)).toBe(false);
    expect(ajv.errors).toContainEqual(
      expect.objectContaining({ instancePath: '/schemaVersion', keyword: 'const' }),
    );
  });

  it('refuses what is not a report at all', () => {
    expect(problems([])).toEqual(['report.json: a report must be a JSON object (it is [])']);
    expect(problems({ findings: [] })).toEqual([
      `report.json: schemaVersion is missing: this is not a report.json of insights (schemaVersion ${REPORT_SCHEMA_VERSION})`,
    ]);
  });

  it('says where the report came from, and counts the problems it does not list', () => {
    const report = copy();
    for (const finding of report.findings) delete (finding as Partial<Finding>).id;
    const lines = (() => {
      try {
        validateReport(report, 'reports/r1/report.json');
      } catch (error) {
        return (error as Error).message.split('\n');
      }
      return [];
    })();
    expect(report.findings.length).toBeGreaterThan(20);
    expect(lines).toHaveLength(21);
    expect(lines[0]).toBe('reports/r1/report.json: findings[0].id is required');
    expect(lines[20]).toBe(
      `reports/r1/report.json: and ${report.findings.length - 20} more problems`,
    );
  });
});
