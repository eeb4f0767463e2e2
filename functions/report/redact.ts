import type { Contract } from '#platform/ports.ts';
import { maskPii, maskQuotedValue, scrubText } from './mask.ts';
import type { ReportModel } from './model.ts';

/**
 * The report model with every pii value masked: the one pass between building the model
 * and writing it, so `report.json`, the Markdown and the email all see masked values and
 * no renderer has to remember. Values of columns whose role is `pii` are masked by their
 * column; then every string of the model goes through `scrubText`, for emails and phone
 * numbers in free text (file errors, warnings, engine messages) that no column owns.
 */
export function redactModel(model: ReportModel, contracts: Contract[]): ReportModel {
  const pii = new Map(
    contracts.map((c) => [
      c.dataset,
      new Set(c.columns.filter((col) => col.role === 'pii').map((col) => col.name)),
    ]),
  );
  const isPii = (dataset: string, column: string | undefined) =>
    column !== undefined && (pii.get(dataset)?.has(column) ?? false);

  const masked: ReportModel = {
    ...model,
    datasets: model.datasets.map((d) => ({
      ...d,
      quarantineSamples: d.quarantineSamples.map((s) => ({
        ...s,
        reasons: s.reasons.map((r) =>
          isPii(d.dataset, r.column) ? { ...r, reason: maskQuotedValue(r.reason) } : r,
        ),
      })),
      // A pii column keeps its counts; its range would be two of its values.
      columns: d.columns.map((c) => (c.role === 'pii' ? { ...c, min: null, max: null } : c)),
    })),
    findings: model.findings.map((f) => {
      if (f.kind !== 'outliers') return f;
      const maskId = isPii(f.dataset, f.idColumn);
      const maskDate = isPii(f.dataset, f.timeColumn);
      if (!maskId && !maskDate) return f;
      return {
        ...f,
        examples: f.examples.map((e) => ({
          ...e,
          ...(maskId && e.id !== undefined ? { id: maskPii(e.id) } : {}),
          ...(maskDate && e.date !== undefined ? { date: maskPii(e.date) } : {}),
        })),
      };
    }),
  };
  return scrubStrings(masked);
}

function scrubStrings<T>(value: T): T {
  if (typeof value === 'string') return scrubText(value) as T;
  if (Array.isArray(value)) return value.map(scrubStrings) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubStrings(v)])) as T;
  }
  return value;
}
