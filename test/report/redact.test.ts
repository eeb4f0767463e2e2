import { describe, expect, it } from 'vitest';
import type { Contract } from '#platform/ports.ts';
import type { OutlierFinding } from '#report/findings.ts';
import type { DatasetSection, ReportModel } from '#report/model.ts';
import { redactModel } from '#report/redact.ts';
import { reportModel } from '../helpers/report-model.ts';

const contract: Contract = {
  dataset: 'customers',
  version: 1,
  kind: 'entities',
  columns: [
    { name: 'email', type: 'string', role: 'pii', nullable: false },
    { name: 'phone', type: 'string', role: 'pii', nullable: true },
    { name: 'joined', type: 'date', role: 'time', nullable: false },
    { name: 'spend', type: 'double', role: 'measure', nullable: true },
  ],
  primaryKey: 'email',
  timeColumn: 'joined',
  partition: 'snapshot',
  source: 'config',
};

const section: DatasetSection = {
  dataset: 'customers',
  kind: 'entities',
  contractVersion: 1,
  files: [
    {
      sourceKey: 'incoming/customers/c.csv',
      checksum: 'c',
      rowsRead: 3,
      rowsCurated: 1,
      rowsQuarantined: 2,
      warnings: ['read as Windows-1252'],
    },
  ],
  rowsRead: 3,
  rowsCurated: 1,
  rowsQuarantined: 2,
  rowsAnalyzed: 1,
  rejections: [{ column: 'email', reason: 'duplicate value (an earlier row has it)', rows: 1 }],
  quarantineSamples: [
    {
      sourceKey: 'incoming/customers/c.csv',
      line: 3,
      reasons: [
        { column: 'email', reason: 'duplicate value (an earlier row has it): "ann@shop.example"' },
        { column: 'phone', reason: 'does not match the pattern ^\\+: "0612345678"' },
        { column: 'spend', reason: 'not a number: "lots"' },
      ],
    },
  ],
  columns: [
    {
      name: 'phone',
      type: 'string',
      role: 'pii',
      nonNull: 1,
      nulls: 0,
      distinct: 1,
      min: '0611111111',
      max: '0699999999',
    },
    {
      name: 'spend',
      type: 'double',
      role: 'measure',
      nonNull: 1,
      nulls: 0,
      distinct: 1,
      min: 5,
      max: 5,
    },
  ],
};

const outliers: OutlierFinding = {
  id: 'outliers:customers:spend',
  kind: 'outliers',
  dataset: 'customers',
  column: 'spend',
  method: 'iqr',
  idColumn: 'email',
  timeColumn: 'joined',
  q1: 1,
  median: 2,
  q3: 3,
  low: -2,
  high: 6,
  count: 1,
  rowsChecked: 10,
  examples: [{ id: 'Zed.Lee@mail.example.com', date: '2024-02-01', value: 99, side: 'high' }],
};

const model: ReportModel = {
  ...reportModel(),
  datasets: [section],
  skippedDatasets: [
    {
      dataset: 'notes',
      reason: 'no valid rows have been ingested',
      fileErrors: [{ sourceKey: 'incoming/notes/n.csv', error: 'the file has: bob@x.example' }],
    },
  ],
  findings: [outliers],
  notComputed: [{ analysisId: 'a', dataset: 'customers', reason: 'failed (+44 20 7946 0958)' }],
};

describe('redacting the report model', () => {
  const redacted = redactModel(model, [contract]);

  it('masks the values a pii column quotes, and only those', () => {
    expect(redacted.datasets[0]!.quarantineSamples[0]!.reasons).toEqual([
      { column: 'email', reason: 'duplicate value (an earlier row has it): "a•••@s•••.example"' },
      { column: 'phone', reason: 'does not match the pattern ^\\+: "••••••••78"' },
      { column: 'spend', reason: 'not a number: "lots"' },
    ]);
  });

  it('masks the ids of outlier rows keyed by a pii column, not their dates or values', () => {
    expect((redacted.findings[0] as OutlierFinding).examples).toEqual([
      { id: 'Z•••@m•••.com', date: '2024-02-01', value: 99, side: 'high' },
    ]);
  });

  it('drops the range of a pii column and keeps its counts', () => {
    const [phone, spend] = redacted.datasets[0]!.columns;
    expect(phone).toMatchObject({ nonNull: 1, distinct: 1, min: null, max: null });
    expect(spend).toMatchObject({ min: 5, max: 5 });
  });

  it('scrubs emails and phone numbers out of free text', () => {
    expect(redacted.skippedDatasets[0]!.fileErrors[0]!.error).toBe(
      'the file has: b•••@x•••.example',
    );
    expect(redacted.notComputed[0]!.reason).toBe('failed (+•• •• •••• ••58)');
    expect(JSON.stringify(redacted)).not.toMatch(/ann@|Zed\.Lee|bob@|0612345678|0611111111|7946/);
  });

  it('changes nothing else, and not the model it was given', () => {
    // orders has a pii column (email) too, but no value of it is in the model.
    expect(redacted.datasets[0]!.files).toEqual(section.files);
    expect(redacted.datasets[0]!.rejections).toEqual(section.rejections);
    expect(model.findings[0]).toBe(outliers);
    expect(outliers.examples[0]!.id).toBe('Zed.Lee@mail.example.com');
    const orders: ReportModel = {
      ...model,
      datasets: [{ ...section, dataset: 'orders', quarantineSamples: [], columns: [] }],
      skippedDatasets: [],
      findings: [
        {
          ...outliers,
          dataset: 'orders',
          idColumn: 'order_id',
          examples: [{ ...outliers.examples[0]!, id: 'O17' }],
        },
      ],
      notComputed: [],
    };
    expect(redactModel(orders, [{ ...contract, dataset: 'orders' }])).toEqual(orders);
  });
});
