import { isCountName } from '#analysis/measures.ts';
import type { DuckDb } from '#platform/ports.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import type { ColumnContract, ColumnRole, Contract, DatasetKind } from '#platform/ports.ts';
import {
  DEFAULT_FORMAT,
  inferType,
  parseDouble,
  SHAPE_COUNTS,
  shapeOf,
  type ColumnProfile,
  type ReadFormat,
} from './column-types.ts';
import { contractFormat } from './file-formats.ts';
import { trimmed } from './validate.ts';

export interface InferInput {
  dataset: string;
  /** SQL for the rows, text columns `c0`, `c1`, ...: a table, or a sample of one. */
  from: string;
  /** Identifiers of the table's columns, in order. */
  names: string[];
  /** Other datasets' primary keys: column name -> dataset. */
  primaryKeys: ReadonlyMap<string, string>;
  /** How the file writes numbers and dates, by column name (file-formats.ts). */
  formats?: ReadonlyMap<string, ReadFormat>;
}

/** Share of rows a key column may leave empty and still be the key (the rest are quarantined). */
const KEY_FILLED_SHARE = 0.98;
/** At most this many distinct values, and at most this share of the rows, for a dimension. */
const DIMENSION_MAX_DISTINCT = 50;
const DIMENSION_MAX_SHARE = 0.5;
/** Share of values that must look like emails or phone numbers for a column to be pii. */
const PII_SHARE = 0.9;

/**
 * Time columns that describe a thing rather than record an event: a customer's signup date,
 * a product's launch date. A dataset with a primary key and such a time column is entities.
 * `created`, `updated`, `first`, `last` are left out: orders have a `created_at` too.
 */
const LIFECYCLE_TIME =
  /(^|_)(signup|signed|sign_up|registered|registration|joined|join|birth|birthday|born|dob|launch|launched|release|released|founded|opened|onboarded|onboarding|since)(_|$)/;

/** Columns that hold a person's name: pii, masked in reports (not `company_name`). */
const PERSON_NAME =
  /^((first|last|full|given|family|middle|maiden|sur|fore|nick)_?name|name_(first|last|full))$|(^|_)(customer|contact|person|user|owner|employee|patient|client|buyer|seller|recipient|holder|member|guest|passenger|student)_?name$/;

const isKeyName = (name: string) => name === 'id' || name.endsWith('_id');

/** Profiles the source with one aggregate query, then decides types, roles and kind. */
export async function inferContract(duck: DuckDb, input: InferInput): Promise<Contract> {
  const formats = input.names.map((n) => input.formats?.get(n) ?? DEFAULT_FORMAT);
  const profiles = await profile(duck, input.from, formats);
  return decideContract(input, profiles);
}

async function profile(
  duck: DuckDb,
  from: string,
  formats: readonly ReadFormat[],
): Promise<ColumnProfile[]> {
  const columns = formats.map((_, i) => i);
  const names = columns.map((i) => `c${i}`);
  const values = names.map((c) => `${trimmed(quoteIdent(c))} AS ${quoteIdent(c)}`);
  // One row per column and filled value: each expression below is then compiled once for
  // all columns of a format, not once per column (compiling was most of the cost).
  const long = `(UNPIVOT (SELECT ${values.join(', ')} FROM ${from}) ON ${names.map((c) => quoteIdent(c)).join(', ')} INTO NAME col VALUE v)`;
  const byFormat = new Map<string, { format: ReadFormat; columns: string[] }>();
  columns.forEach((i) => {
    const key = JSON.stringify(formats[i]);
    const group = byFormat.get(key) ?? { format: formats[i]!, columns: [] };
    group.columns.push(quoteLiteral(`c${i}`));
    byFormat.set(key, group);
  });
  const perFormat = (sql: (format: ReadFormat) => string) =>
    `CASE ${[...byFormat.values()].map((g) => `WHEN col IN (${g.columns.join(', ')}) THEN ${sql(g.format)}`).join(' ')} END`;
  // Shapes are counted by grouping on them: a few groups per column.
  const groups = await duck.all(
    `SELECT col, ${perFormat((f) => shapeOf('v', f))} AS s, count(*) AS n FROM ${long} GROUP BY ALL`,
  );
  const stats = await duck.all(
    `SELECT col, count(*) AS filled, count(DISTINCT v) AS "distinct",
            min(${perFormat((f) => parseDouble('v', f))}) AS "min"
       FROM ${long} GROUP BY col`,
  );
  const [size] = await duck.all(`SELECT count(*) AS "rows" FROM ${from}`);
  const totals: Record<string, unknown> = { rows: size?.['rows'] };
  for (const row of stats) {
    const i = String(row['col']).slice(1);
    totals[`f${i}`] = row['filled'];
    totals[`d${i}`] = row['distinct'];
    totals[`m${i}`] = row['min'];
  }
  return columns.map((i) => {
    const profile: ColumnProfile = {
      rows: Number(totals['rows'] ?? 0),
      filled: Number(totals[`f${i}`] ?? 0),
      distinct: Number(totals[`d${i}`] ?? 0),
      ...(typeof totals[`m${i}`] === 'number' ? { min: totals[`m${i}`] as number } : {}),
      integer: 0,
      double: 0,
      leading_zero: 0,
      boolean: 0,
      day: 0,
      month: 0,
      time: 0,
      email: 0,
      phone: 0,
    };
    for (const group of groups) {
      const shape = group['s'];
      if (group['col'] !== `c${i}` || typeof shape !== 'string') continue;
      for (const what of SHAPE_COUNTS[shape] ?? []) profile[what] += Number(group['n']);
    }
    return profile;
  });
}

/** The decisions, apart from the SQL: pure, so that the rules can be tested on their own. */
export function decideContract(input: InferInput, profiles: ColumnProfile[]): Contract {
  const columns: ColumnContract[] = input.names.map((name, i) =>
    decideColumn(name, profiles[i]!, input),
  );
  const primaryKey = columns.find((c) => c.role === 'id')?.name;
  const time = columns.find((c) => c.role === 'time');
  const timeProfile = time ? profiles[input.names.indexOf(time.name)] : undefined;
  const kind = decideKind({
    primaryKey,
    time,
    timeUnique: timeProfile !== undefined && timeProfile.distinct === timeProfile.filled,
    // Rows that point at other things (a customer, a product) record something happening.
    hasReferences: columns.some(
      (c, i) =>
        c.role === 'foreign_key' ||
        (isKeyName(c.name) && c.role !== 'id' && profiles[i]!.distinct < profiles[i]!.filled),
    ),
  });
  return {
    dataset: input.dataset,
    version: 1,
    kind,
    columns,
    ...(primaryKey ? { primaryKey } : {}),
    ...(time ? { timeColumn: time.name } : {}),
    partition: kind === 'entities' ? 'snapshot' : 'month',
    source: 'inferred',
  };
}

function decideColumn(name: string, p: ColumnProfile, input: InferInput): ColumnContract {
  const type = inferType(p);
  const unique = p.filled > 0 && p.distinct === p.filled;
  const keyFilled = p.rows > 0 && p.filled / p.rows >= KEY_FILLED_SHARE;
  const references = input.primaryKeys.get(name);
  const fewValues =
    p.distinct <= DIMENSION_MAX_DISTINCT && p.distinct / Math.max(p.rows, 1) <= DIMENSION_MAX_SHARE;
  const isDimension = type === 'boolean' || (type === 'string' && fewValues);
  let role: ColumnRole;
  if (isKeyName(name) && unique && keyFilled) role = 'id';
  else if (isKeyName(name) && !unique && references !== undefined && references !== input.dataset) {
    role = 'foreign_key';
  } else if (type === 'date' || type === 'timestamp') role = 'time';
  // A key into something not catalogued (yet): never a measure, even when it is numeric.
  else if (isKeyName(name)) role = fewValues ? 'dimension' : 'text';
  else if (type === 'integer' || type === 'double') role = 'measure';
  else if (p.filled > 0 && (p.email / p.filled >= PII_SHARE || p.phone / p.filled >= PII_SHARE))
    role = 'pii';
  else if (type === 'string' && PERSON_NAME.test(name)) role = 'pii';
  else if (isDimension) role = 'dimension';
  else role = 'text';
  // Keys and times are required; any other column may be empty in a later file even when
  // the first file filled it (a person tightens the contract if they want more).
  const required = role === 'id' || role === 'time' || role === 'foreign_key';
  const format = contractFormat(input.formats?.get(name) ?? DEFAULT_FORMAT, type);
  // A count never below zero in the first file: a negative one later is a mistake to look
  // at (quarantined, saying so), not a return to add up silently. Amounts may be negative.
  // Whole-number measures that count things: never negative unless a person says so.
  const counts = role === 'measure' && type === 'integer' && isCountName(name);
  const nonNegative = counts && p.min !== undefined && p.min >= 0;
  return {
    name,
    type,
    role,
    nullable: !required,
    ...(nonNegative ? { checks: { min: 0 } } : {}),
    ...(format ? { format } : {}),
    ...(role === 'foreign_key' ? { references } : {}),
  };
}

/**
 * The kind of rows, from the roles:
 * - no time column: entities (product_information);
 * - a primary key with a lifecycle time column (signup, created, launch ...): entities, one
 *   row per thing that has a date (customer_profiles: customer_id + signup_date);
 * - a primary key and columns that point at other things (customer_id, product_id): events
 *   (sales_transactions); with a timestamp also events;
 * - otherwise a time column with one row per value is a time series (daily_sales_metrics),
 *   one whose values repeat is events (with a primary key and a date: entities).
 */
export function decideKind(facts: {
  primaryKey: string | undefined;
  time: ColumnContract | undefined;
  timeUnique: boolean;
  hasReferences: boolean;
}): DatasetKind {
  const { primaryKey, time, timeUnique, hasReferences } = facts;
  if (!time) return 'entities';
  if (primaryKey) {
    if (LIFECYCLE_TIME.test(time.name)) return 'entities';
    if (hasReferences || time.type === 'timestamp') return 'events';
    return timeUnique ? 'time_series' : 'entities';
  }
  return timeUnique ? 'time_series' : 'events';
}
