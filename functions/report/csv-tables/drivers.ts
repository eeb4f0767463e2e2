import { explainedChanges } from '../drivers-markdown.ts';
import type { DriverDimension } from '../findings.ts';
import type { ReportModel } from '../model.ts';
import { reportTable, type ReportTable } from './table.ts';

/** Every explained change split by value: each kept dimension, and the drill level. */
export function driverTables(m: ReportModel): ReportTable[] {
  const rows = explainedChanges(m).flatMap(({ heading, drivers: d }) => {
    const change = heading.replace(/^### /, '');
    const lines = (level: string, within: string | null, dims: DriverDimension[]) =>
      dims.flatMap((dim, rank) =>
        dim.values.map((v) => [
          change,
          d.measure,
          d.kind,
          d.reference.from,
          d.reference.to,
          d.target.from,
          d.target.to,
          d.change,
          level,
          within,
          dim.entity ?? null,
          dim.column,
          rank + 1,
          dim.succinct,
          dim.explainedShare,
          v.other ? `(${v.other} other values)` : v.value,
          v.change,
          v.share,
          v.mix,
          v.rate,
          v.driver,
        ]),
      );
    return [
      ...lines('dimension', null, d.dimensions),
      ...(d.drill
        ? lines('drill', `${d.drill.column}=${d.drill.value ?? ''}`, d.drill.dimensions)
        : []),
    ];
  });
  return [
    reportTable(
      'drivers',
      'What drove each explained change: its split by the values of each dimension (parts add up to the change)',
      [
        'change',
        'measure',
        'kind',
        'reference_from',
        'reference_to',
        'target_from',
        'target_to',
        'total_change',
        'level',
        'within',
        'entity',
        'dimension',
        'dimension_rank',
        'succinct',
        'explained_share',
        'value',
        'value_change',
        'share_of_change',
        'volume_or_mix',
        'rate',
        'driver',
      ],
      rows,
    ),
  ];
}
