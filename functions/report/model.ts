import type { ColumnProfile } from '#query/aggregates.ts';
import type { DatasetKind } from '#platform/ports.ts';
import type {
  Finding,
  ForecastFinding,
  CustomerFinding,
  GroupDifferenceFinding,
  KpiFinding,
  OutlierFinding,
  RelationshipFinding,
  SeriesAnomalyFinding,
  TrendFinding,
} from './findings.ts';
import type { Narrative, Recommendation } from './narrative/types.ts';
import type { CostEstimate, StepRecord } from './cost.ts';

/** One quarantined row as the report shows it: reasons quoting a pii value quote it masked. */
export interface QuarantineSample {
  sourceKey: string;
  line: number;
  reasons: { column: string; reason: string }[];
}

export interface DatasetSection {
  dataset: string;
  kind: DatasetKind;
  contractVersion: number;
  timeColumn?: string;
  coverage?: { first: string; last: string };
  files: {
    sourceKey: string;
    checksum: string;
    rowsRead: number;
    rowsCurated: number;
    rowsQuarantined: number;
    fileError?: string;
    ignoredColumns?: string[];
    /** How the file was read, from its manifest (`read as Windows-1252`); nothing was lost. */
    warnings?: string[];
  }[];
  rowsRead: number;
  rowsCurated: number;
  rowsQuarantined: number;
  /** Rows the query engine sees: the curated rows of every file. */
  rowsAnalyzed: number;
  rejections: { column: string; reason: string; rows: number }[];
  quarantineSamples: QuarantineSample[];
  columns: ColumnProfile[];
}

/** A dataset in the lake that no analysis could use, why, and what went wrong with its files. */
export interface SkippedDataset {
  dataset: string;
  reason: string;
  fileErrors: { sourceKey: string; error: string }[];
  /** Its files' manifest warnings, where there are any. */
  fileWarnings?: { sourceKey: string; warnings: string[] }[];
}

export interface NotComputed {
  analysisId: string;
  dataset: string;
  reason: string;
}

/**
 * `report.json`: everything the Markdown (and later HTML) rendering shows, and nothing it
 * does not. Values of pii columns are masked (`redact.ts`) before anything renders it.
 */
export interface ReportModel {
  schemaVersion: 1;
  run: {
    runId: string;
    trigger: string;
    startedAt: string;
    generatedAt: string;
    /** Each measured step of the run: wall time, queries, bytes scanned where measured. */
    steps: StepRecord[];
    /** What the run costs on AWS, or would, with the unit prices and how each quantity was found. */
    cost: CostEstimate;
  };
  /** The executive summary as plain text: what was analysed, then the headline narratives. */
  summary: string[];
  /** Every narrative of the run, best first (`narrative/rank.ts`). */
  narratives: Narrative[];
  /** The actions the narratives call for, one per action, first to act on first. */
  recommendations: Recommendation[];
  datasets: DatasetSection[];
  skippedDatasets: SkippedDataset[];
  findings: Finding[];
  notComputed: NotComputed[];
}

export const outlierFindings = (m: ReportModel) =>
  m.findings.filter((f): f is OutlierFinding => f.kind === 'outliers');
export const trendFindings = (m: ReportModel) =>
  m.findings.filter((f): f is TrendFinding => f.kind === 'monthly_trend');
export const forecastFindings = (m: ReportModel) =>
  m.findings.filter((f): f is ForecastFinding => f.kind === 'forecast');
export const seriesAnomalyFindings = (m: ReportModel) =>
  m.findings.filter((f): f is SeriesAnomalyFinding => f.kind === 'series_anomalies');
export const kpiFindings = (m: ReportModel) =>
  m.findings.filter((f): f is KpiFinding => f.kind === 'kpis');
export const relationshipFindings = (m: ReportModel) =>
  m.findings.filter((f): f is RelationshipFinding => f.kind === 'relationships');
export const customerFindings = (m: ReportModel) =>
  m.findings.filter((f): f is CustomerFinding => f.kind === 'customers');
export const groupDifferenceFindings = (m: ReportModel) =>
  m.findings.filter((f): f is GroupDifferenceFinding => f.kind === 'group_differences');
