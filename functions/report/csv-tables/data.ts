import { RUN } from '#workflow/plan.ts';
import type { ReportModel } from '../model.ts';
import { opt, reportTable, type ReportTable } from './table.ts';

/** The Data analyzed section: datasets, their columns, files, quarantine, and what was not computed. */
export function dataTables(m: ReportModel): ReportTable[] {
  return [
    datasets(m),
    columns(m),
    dataQuality(m),
    quarantineReasons(m),
    quarantinedRows(m),
    skippedDatasets(m),
    notComputed(m),
  ];
}

function datasets(m: ReportModel): ReportTable {
  return reportTable(
    'datasets',
    'Datasets analysed: files, rows and time range',
    [
      'dataset',
      'kind',
      'contract version',
      'files',
      'rows read',
      'rows curated',
      'rows quarantined',
      'rows analysed',
      'columns',
      'time column',
      'first',
      'last',
    ],
    m.datasets.map((d) => [
      d.dataset,
      d.kind,
      d.contractVersion,
      d.files.length,
      d.rowsRead,
      d.rowsCurated,
      d.rowsQuarantined,
      d.rowsAnalyzed,
      d.columns.length,
      opt(d.timeColumn),
      opt(d.coverage?.first),
      opt(d.coverage?.last),
    ]),
  );
}

/** Ranges only where the report shows them: numbers and dates, never a pii column's. */
const RANGED = new Set(['integer', 'double', 'date', 'timestamp']);

function columns(m: ReportModel): ReportTable {
  return reportTable(
    'columns',
    'Columns of each dataset: type, role, empty and distinct values, range',
    ['dataset', 'column', 'type', 'role', 'non-empty', 'empty', 'distinct', 'min', 'max'],
    m.datasets.flatMap((d) =>
      d.columns.map((c) => {
        const ranged = RANGED.has(c.type) && c.role !== 'pii';
        return [
          d.dataset,
          c.name,
          c.type,
          c.role,
          c.nonNull,
          c.nulls,
          c.distinct,
          ranged ? c.min : null,
          ranged ? c.max : null,
        ];
      }),
    ),
  );
}

/**
 * One row per file: those of the datasets analysed with their checksums and row counts,
 * then the files of datasets no analysis could use, with only their error or warnings.
 */
function dataQuality(m: ReportModel): ReportTable {
  const analysed = m.datasets.flatMap((d) =>
    d.files.map((f) => [
      d.dataset,
      f.sourceKey,
      f.checksum,
      f.rowsRead,
      f.rowsCurated,
      f.rowsQuarantined,
      opt(f.fileError),
      joined(f.warnings),
      joined(f.ignoredColumns),
    ]),
  );
  const skipped = m.skippedDatasets.flatMap((s) => {
    const keys = [
      ...new Set([
        ...s.fileErrors.map((f) => f.sourceKey),
        ...(s.fileWarnings ?? []).map((f) => f.sourceKey),
      ]),
    ];
    return keys.map((key) => [
      s.dataset,
      key,
      null,
      null,
      null,
      null,
      opt(s.fileErrors.find((f) => f.sourceKey === key)?.error),
      joined(s.fileWarnings?.find((f) => f.sourceKey === key)?.warnings),
      null,
    ]);
  });
  return reportTable(
    'data-quality',
    'Files ingested: checksum, rows read, curated and quarantined, and any problem',
    [
      'dataset',
      'file',
      'checksum',
      'rows read',
      'rows curated',
      'rows quarantined',
      'file error',
      'warnings',
      'ignored columns',
    ],
    [...analysed, ...skipped],
  );
}

function quarantineReasons(m: ReportModel): ReportTable {
  return reportTable(
    'quarantine-reasons',
    'Why rows were quarantined: rows per column and reason',
    ['dataset', 'column', 'reason', 'rows'],
    m.datasets.flatMap((d) => d.rejections.map((r) => [d.dataset, r.column, r.reason, r.rows])),
  );
}

/** The samples the report holds (the first rows of each dataset), one row per reason. */
function quarantinedRows(m: ReportModel): ReportTable {
  return reportTable(
    'quarantined-rows',
    'Quarantined rows as the report samples them: file, line, column and reason',
    ['dataset', 'file', 'line', 'column', 'reason'],
    m.datasets.flatMap((d) =>
      d.quarantineSamples.flatMap((s) =>
        s.reasons.map((r) => [d.dataset, s.sourceKey, s.line, r.column, r.reason]),
      ),
    ),
  );
}

function skippedDatasets(m: ReportModel): ReportTable {
  return reportTable(
    'skipped-datasets',
    'Datasets no analysis could use, and why',
    ['dataset', 'reason'],
    m.skippedDatasets.map((s) => [s.dataset, s.reason]),
  );
}

function notComputed(m: ReportModel): ReportTable {
  return reportTable(
    'not-computed',
    'Analyses the data did not support, and why',
    ['analysis', 'dataset', 'reason'],
    m.notComputed.map((n) => [
      n.analysisId,
      n.dataset === RUN ? 'every dataset' : n.dataset,
      n.reason,
    ]),
  );
}

/** Several texts in one cell, as the report lists them. */
const joined = (texts: string[] | undefined) => (texts?.length ? texts.join('; ') : null);
