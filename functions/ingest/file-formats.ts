import type { ColumnFormat, ColumnType, DuckDb } from '#platform/ports.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import { DEFAULT_FORMAT, type ReadFormat } from './column-types.ts';
import { trimmed } from './validate.ts';

/**
 * How one file writes numbers and dates, decided per column from the file's own values:
 * - the decimal separator: `12,50` and `1.234,50` say comma, `12.50` and `1,234.50` say
 *   point; `1,234` says nothing (a thousand, or one and a bit);
 * - the order of numeric dates: `25/03/2024` can only be day first, `03/25/2024` only month
 *   first; a file whose every date has both parts up to 12 is ambiguous, and is read as the
 *   contract says, else month first, and the report says so.
 * Only values that could hold the evidence are looked at (a cheap test first), so a file of
 * plain numbers and ISO dates costs one quick aggregate.
 */

export interface FormatColumn {
  name: string;
  /** The source column holding its text (`c3`). */
  source: string;
  /** Known type (a contract's), or undefined when inferring: then both questions are asked. */
  type?: ColumnType;
  /** The contract's format; `forced` when a person wrote the contract (no guessing then). */
  format?: ColumnFormat;
  forced?: boolean;
}

export interface FileFormats {
  /** The format each column is read with, by column name. */
  formats: Map<string, ReadFormat>;
  /**
   * What a person should know: an order chosen, a decimal comma found, an ambiguity. Each
   * about numbers or dates, so that a first-sight file keeps only those about the columns
   * that turn out numbers or dates (`[1,2]` in a text column is no decimal comma).
   */
  warnings: { column: string; about: 'number' | 'date'; text: string }[];
  /** Date orders this file settled, for a contract that has none yet. */
  settled: Map<string, ColumnFormat>;
}

const COMMA_DECIMAL = `'[^0-9]*[-+(]?[0-9]{1,3}([. ][0-9]{3})*,[0-9]{1,2}[^0-9]*'`;
const POINT_DECIMAL = `'[^0-9]*[-+(]?[0-9]{1,3}(,[0-9]{3})*\\.[0-9]{1,2}[^0-9]*'`;
const NUMERIC_DATE = `'^([0-9]{1,2})[/-]([0-9]{1,2})[/-][0-9]{2,4}\\b'`;

const ORDER_WORDS: Record<ReadFormat['dateOrder'], string> = {
  MDY: 'month/day/year',
  DMY: 'day/month/year',
};

/** Rows per kind of evidence, and the smallest value showing it, by column. */
type Tally = Map<string, Map<string, { rows: number; example: string }>>;

interface Evidence {
  column: FormatColumn;
  /** SQL over the value `v` (and the date parts `a`, `b`): a code naming the evidence, or NULL. */
  code: string;
}

/**
 * Counts each column's evidence codes over the file's values in long form (one row per
 * column and value): each kind of evidence is then one expression, compiled once, rather
 * than one per column (the regular expressions' compilation was most of the cost).
 */
async function tally(duck: DuckDb, from: string, evidence: readonly Evidence[]): Promise<Tally> {
  const result: Tally = new Map();
  if (evidence.length === 0) return result;
  const sources = [...new Set(evidence.map((e) => e.column.source))];
  const codes = [...new Set(evidence.map((e) => e.code))];
  const applies = (code: string) =>
    evidence.filter((e) => e.code === code).map((e) => quoteLiteral(e.column.source));
  const dated = [
    ...new Set(evidence.filter((e) => e.code.includes('{a}')).map((e) => e.column.source)),
  ];
  // The first two numbers of a numeric date (`03/25/2024`), behind a cheap test.
  const part = (n: number) =>
    dated.length === 0
      ? 'NULL'
      : `CASE WHEN col IN (${dated.map(quoteLiteral).join(', ')}) AND (v[2] IN ('/', '-') OR v[3] IN ('/', '-'))
           THEN TRY_CAST(regexp_extract(v, ${NUMERIC_DATE}, ${n}) AS INTEGER) END`;
  const coded = codes.map(
    (code, k) =>
      `CASE WHEN col IN (${applies(code).join(', ')}) THEN ${code.replaceAll('{v}', 'v').replaceAll('{a}', 'a').replaceAll('{b}', 'b')} END AS e${k}`,
  );
  const values = sources.map((c) => `${trimmed(quoteIdent(c))} AS ${quoteIdent(c)}`);
  const groups = await duck.all(
    `SELECT col, ${codes.map((_, k) => `e${k}`).join(', ')}, count(*) AS n, min(v) AS m
       FROM (SELECT col, v, ${coded.join(', ')}
               FROM (SELECT col, v, ${part(1)} AS a, ${part(2)} AS b
                       FROM (UNPIVOT (SELECT ${values.join(', ')} FROM ${from})
                               ON ${sources.map((c) => quoteIdent(c)).join(', ')} INTO NAME col VALUE v)))
      GROUP BY ALL`,
  );
  for (const e of evidence) {
    const k = codes.indexOf(e.code);
    const byCode =
      result.get(e.column.name) ?? new Map<string, { rows: number; example: string }>();
    for (const g of groups) {
      const code = g[`e${k}`];
      if (g['col'] !== e.column.source || typeof code !== 'string') continue;
      const example = String(g['m']);
      const seen = byCode.get(code);
      byCode.set(code, {
        rows: (seen?.rows ?? 0) + Number(g['n']),
        example: seen && seen.example < example ? seen.example : example,
      });
    }
    result.set(e.column.name, byCode);
  }
  return result;
}

export async function detectFormats(
  duck: DuckDb,
  /** SQL for the rows: a table, or a sample of it. */
  from: string,
  columns: readonly FormatColumn[],
): Promise<FileFormats> {
  const numeric = columns.filter(
    (c) => !c.forced && (c.type === undefined || c.type === 'integer' || c.type === 'double'),
  );
  const dated = columns.filter(
    (c) =>
      !(c.forced && c.format?.dateOrder) &&
      (c.type === undefined || c.type === 'date' || c.type === 'timestamp'),
  );
  const found = await tally(duck, from, [
    ...numeric.map((column) => ({
      column,
      code: `CASE WHEN contains({v}, ',') AND regexp_full_match({v}, ${COMMA_DECIMAL}) THEN 'comma' END`,
    })),
    ...dated.map((column) => ({
      column,
      code: `CASE WHEN {a} > 12 AND {b} BETWEEN 1 AND 12 THEN 'day_first'
                  WHEN {b} > 12 AND {a} BETWEEN 1 AND 12 THEN 'month_first'
                  WHEN {a} IS NOT NULL THEN 'numeric' END`,
    })),
  ]);
  // Point evidence (`12.50`) only matters where there is comma evidence, or where earlier
  // files wrote a comma: rarely looked for.
  const inDoubt = numeric.filter(
    (c) => found.get(c.name)?.has('comma') || c.format?.decimal === ',',
  );
  const points = await tally(
    duck,
    from,
    inDoubt.map((column) => ({
      column,
      code: `CASE WHEN contains({v}, '.') AND regexp_full_match({v}, ${POINT_DECIMAL}) THEN 'point' END`,
    })),
  );
  const rows = (t: Tally, column: string, code: string) => t.get(column)?.get(code)?.rows ?? 0;
  const example = (t: Tally, column: string, code: string) =>
    JSON.stringify(t.get(column)?.get(code)?.example);

  const result: FileFormats = { formats: new Map(), warnings: [], settled: new Map() };
  for (const c of columns) result.formats.set(c.name, { ...DEFAULT_FORMAT, ...c.format });

  for (const c of inDoubt) {
    const comma = rows(found, c.name, 'comma');
    const point = rows(points, c.name, 'point');
    const wasComma = c.format?.decimal === ',';
    // Comma evidence and none of a point: a decimal comma file. Point evidence and none of
    // a comma: a decimal point, whatever earlier files wrote. Both: as before (the values
    // that do not fit are quarantined).
    const decimal = comma > 0 && point === 0 ? ',' : point > 0 && comma === 0 ? '.' : undefined;
    if (decimal === undefined || (decimal === ',') === wasComma) continue;
    result.formats.set(c.name, { ...result.formats.get(c.name)!, decimal });
    result.warnings.push({
      column: c.name,
      about: 'number',
      text:
        decimal === ','
          ? `${c.name}: numbers read with a decimal comma (the file has ${example(found, c.name, 'comma')})`
          : `${c.name}: numbers read with a decimal point (the file has ${example(points, c.name, 'point')}), although earlier files wrote a decimal comma`,
    });
  }

  for (const c of dated) {
    const dayFirst = rows(found, c.name, 'day_first');
    const monthFirst = rows(found, c.name, 'month_first');
    const either = rows(found, c.name, 'numeric');
    if (dayFirst + monthFirst + either === 0) continue;
    const like = example(
      found,
      c.name,
      either > 0 ? 'numeric' : dayFirst > 0 ? 'day_first' : 'month_first',
    );
    let order: ReadFormat['dateOrder'];
    if (dayFirst > 0 && monthFirst > 0) {
      order = dayFirst >= monthFirst ? 'DMY' : 'MDY';
      const [kept, other] = order === 'DMY' ? [dayFirst, monthFirst] : [monthFirst, dayFirst];
      result.warnings.push({
        column: c.name,
        about: 'date',
        text: `${c.name}: ${dayFirst} dates are day first (${example(found, c.name, 'day_first')}) and ${monthFirst} month first (${example(found, c.name, 'month_first')}); read as ${ORDER_WORDS[order]}, the ${other} others are quarantined (${kept} agree)`,
      });
    } else if (dayFirst > 0 || monthFirst > 0) {
      order = dayFirst > 0 ? 'DMY' : 'MDY';
      const evidence =
        dayFirst > 0 ? example(found, c.name, 'day_first') : example(found, c.name, 'month_first');
      result.warnings.push({
        column: c.name,
        about: 'date',
        text: `${c.name}: dates like ${like} read as ${ORDER_WORDS[order]} (the file has ${evidence})`,
      });
      if (!c.format?.dateOrder) result.settled.set(c.name, { dateOrder: order });
    } else if (c.format?.dateOrder) {
      order = c.format.dateOrder;
    } else {
      order = 'MDY';
      result.warnings.push({
        column: c.name,
        about: 'date',
        text: `${c.name}: dates like ${like} could be month/day or day/month (no part is above 12); read as month/day/year. If they are day first, set "format": {"dateOrder": "DMY"} for ${c.name} in the dataset's contract`,
      });
    }
    result.formats.set(c.name, { ...result.formats.get(c.name)!, dateOrder: order });
  }
  return result;
}

/** `format` for a contract column: only what differs from the defaults. */
export function contractFormat(format: ReadFormat, type: ColumnType): ColumnFormat | undefined {
  const out: ColumnFormat = {};
  if ((type === 'integer' || type === 'double') && format.decimal !== DEFAULT_FORMAT.decimal) {
    out.decimal = format.decimal;
  }
  if (type === 'date' || type === 'timestamp') {
    if (format.dateOrder !== DEFAULT_FORMAT.dateOrder) out.dateOrder = format.dateOrder;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
