import type { CostEstimate, StepRecord } from './cost.ts';
import { cell, formatNumber, plural, table } from './format.ts';
import type { ReportModel } from './model.ts';

/** The run's record: its inputs by checksum, its steps' times, and what it costs on AWS. */
export function runRecordSection(m: ReportModel): string {
  const files = m.datasets.flatMap((d) =>
    d.files.map((f) => [
      cell(d.dataset),
      `\`${cell(f.sourceKey)}\``,
      `v${d.contractVersion}`,
      `\`${f.checksum.slice(0, 12)}\``,
      formatNumber(f.rowsRead),
    ]),
  );
  return [
    '### This run',
    '',
    `Inputs (the checksum is the SHA-256 of the raw file, first 12 hex digits; the full one is in report.json):`,
    '',
    table(['Dataset', 'File', 'Contract', 'Checksum', 'Rows read'], files, [
      'l',
      'l',
      'l',
      'l',
      'r',
    ]),
    '',
    ...stepsPart(m.run.steps),
    ...costPart(m.run.cost),
  ].join('\n');
}

function stepsPart(steps: StepRecord[]): string[] {
  if (steps.length === 0) return [];
  const kinds: StepRecord['step'][] = ['aggregate', 'analyze', 'assemble'];
  const rows = kinds.flatMap((kind) => {
    const of = steps.filter((s) => s.step === kind);
    if (of.length === 0) return [];
    const ms = of.reduce((n, s) => n + s.ms, 0);
    const slowest = [...of].sort((a, b) => b.ms - a.ms)[0]!;
    const bytes = of.every((s) => s.bytesScanned !== null)
      ? formatNumber(of.reduce((n, s) => n + s.bytesScanned!, 0))
      : 'not reported';
    return [
      [
        kind === 'analyze' ? `analyze (${plural(of.length, 'analysis', 'analyses')})` : kind,
        formatNumber(ms),
        kind === 'analyze' ? `${cell(slowest.analysisId)}, ${formatNumber(slowest.ms)} ms` : '',
        formatNumber(of.reduce((n, s) => n + s.queries, 0)),
        bytes,
      ],
    ];
  });
  return [
    'Steps, as measured (the analyses run in parallel in the workflow, so their times add up to more than they took):',
    '',
    table(['Step', 'Time (ms)', 'Slowest', 'Queries', 'Bytes scanned'], rows, [
      'l',
      'r',
      'l',
      'r',
      'r',
    ]),
    '',
  ];
}

function costPart(cost: CostEstimate): string[] {
  const usd = (x: number) => `$${x < 0.01 ? x.toPrecision(2) : x.toFixed(2)}`;
  return [
    `Cost of this run on AWS, estimated: ${usd(cost.total)} (us-east-1 list prices, set in \`functions/report/cost.ts\`).`,
    '',
    table(
      ['Item', 'Quantity', 'Unit', 'Unit price (USD)', 'Cost (USD)'],
      cost.items.map((i) => [
        i.item,
        formatNumber(i.quantity),
        i.unit,
        i.unitPrice.toPrecision(3),
        usd(i.cost),
      ]),
      ['l', 'r', 'l', 'r', 'r'],
    ),
    '',
    ...cost.basis.map((b) => `- ${cell(b)}`),
  ];
}
