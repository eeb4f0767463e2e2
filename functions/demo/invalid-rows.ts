import type { SeededRandom } from './seeded-random.ts';

/** The kinds of bad value an ingest that validates types must reject. */
export type InvalidRowKind = 'non_numeric' | 'invalid_date' | 'empty_id' | 'empty_foreign_key';

/** One bad cell planted in a row (0-based row index; the file line is index + 2). */
export interface InvalidCell {
  index: number;
  column: string;
  rawValue: string;
  kind: InvalidRowKind;
}

/** What to plant: the column, the kind, and the text (which may depend on the row). */
export interface InvalidCellSpec {
  column: string;
  kind: InvalidRowKind;
  rawValue: string | ((index: number) => string);
}

/**
 * Invalid rows are planted only when a dataset has at least this many rows: each spec spoils
 * one cell of its own column, so no column has more than 0.5% bad values and type inference
 * still sees the right type.
 */
export const MIN_ROWS_FOR_INVALID = 200;

/** The 1-based file line of a 0-based row (line 1 is the header). */
export function lineOfRow(index: number): number {
  return index + 2;
}

/**
 * Chooses one distinct row per spec, away from the rows in `avoid` (planted anomalies and
 * their neighbours) and from the first `skipFirst` rows; none when the dataset is too small.
 */
export function planInvalidCells(
  random: SeededRandom,
  rowCount: number,
  specs: readonly InvalidCellSpec[],
  avoid: ReadonlySet<number> = new Set(),
  skipFirst = 0,
): InvalidCell[] {
  if (rowCount < MIN_ROWS_FOR_INVALID) return [];
  const taken = new Set(avoid);
  const cells: InvalidCell[] = [];
  for (const spec of specs) {
    let index = random.int(skipFirst, rowCount - 1);
    while (taken.has(index)) index = random.int(skipFirst, rowCount - 1);
    taken.add(index);
    const rawValue = typeof spec.rawValue === 'string' ? spec.rawValue : spec.rawValue(index);
    cells.push({ index, column: spec.column, rawValue, kind: spec.kind });
  }
  return cells.sort((a, b) => a.index - b.index);
}

/** Replaces the planted cell of a formatted row, if the row has one. */
export function spoilRow(
  fields: string[],
  columns: readonly string[],
  cell: InvalidCell | undefined,
): string[] {
  if (cell === undefined) return fields;
  const at = columns.indexOf(cell.column);
  if (at < 0) throw new RangeError(`no column ${cell.column}`);
  fields[at] = cell.rawValue;
  return fields;
}

/** Invalid cells by row index, for lookups while streaming rows. */
export function byIndex(cells: readonly InvalidCell[]): Map<number, InvalidCell> {
  return new Map(cells.map((c) => [c.index, c]));
}
