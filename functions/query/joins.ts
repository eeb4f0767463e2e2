import type { ColumnContract, Contract, QueryEngine } from '#platform/ports.ts';
import { ident, num, quoteIdent, table } from '#query/sql.ts';
import { isIdentifier } from '#platform/identifiers.ts';

/**
 * Joins of events to the entities they name (sales_transactions.customer_id ->
 * customer_profiles), found from names and confirmed by values: a candidate column joins an
 * entity when at least `MIN_OVERLAP` of its distinct values are that entity's keys. Ingest
 * marks a foreign key by name only when the entity was catalogued first; here every column
 * that could hold keys is checked against every entity, whatever the upload order. The
 * joins run in the query engine, so on Athena they scale with the data.
 */

/** Share of a column's distinct values that must be keys of the entity. */
export const MIN_OVERLAP = 0.9;
/** A column found by its values alone (no name to go by) needs this many distinct values. */
const MIN_DISTINCT_BY_VALUES = 10;

export interface JoinKey {
  /** The dataset whose rows name entities, and its column that holds the keys. */
  dataset: string;
  column: string;
  /** The entity dataset and its primary key. */
  entity: string;
  key: string;
  /** Distinct non-empty values of the column, and how many of them are keys of the entity. */
  distinct: number;
  matched: number;
  /** matched / distinct. */
  overlap: number;
  /** `name`: the contract's foreign key, or the key's own name; `values`: the overlap alone. */
  found: 'name' | 'values';
}

/** Roles that may hold another dataset's keys (never measures, times or personal data). */
const KEY_ROLES = new Set<ColumnContract['role']>(['foreign_key', 'dimension', 'text']);
const KEY_TYPES = new Set<ColumnContract['type']>(['string', 'integer']);

/** Every join of a non-entity dataset to an entity, checked by value overlap in SQL. */
export async function discoverJoins(
  engine: QueryEngine,
  contracts: readonly Contract[],
): Promise<JoinKey[]> {
  const entities = contracts.filter((c) => c.kind === 'entities' && c.primaryKey);
  const joins: JoinKey[] = [];
  for (const from of contracts.filter((c) => c.kind !== 'entities')) {
    for (const column of from.columns.filter(
      (c) => KEY_ROLES.has(c.role) && KEY_TYPES.has(c.type),
    )) {
      // Each column joins at most one entity: the best-matching one.
      let best: JoinKey | undefined;
      for (const entity of entities) {
        const key = entity.primaryKey!;
        const keyType = entity.columns.find((c) => c.name === key)?.type;
        if (keyType !== column.type) continue;
        const byName =
          (column.role === 'foreign_key' && column.references === entity.dataset) ||
          column.name === key;
        const { distinct, matched } = await overlapOf(engine, from, column.name, entity, key);
        const overlap = distinct > 0 ? matched / distinct : 0;
        const enough = byName ? distinct > 0 : distinct >= MIN_DISTINCT_BY_VALUES;
        if (!enough || overlap < MIN_OVERLAP) continue;
        const join: JoinKey = {
          dataset: from.dataset,
          column: column.name,
          entity: entity.dataset,
          key,
          distinct,
          matched,
          overlap,
          found: byName ? 'name' : 'values',
        };
        if (!best || join.overlap > best.overlap) best = join;
      }
      if (best) joins.push(best);
    }
  }
  return joins;
}

async function overlapOf(
  engine: QueryEngine,
  from: Contract,
  column: string,
  entity: Contract,
  key: string,
): Promise<{ distinct: number; matched: number }> {
  const [row] = await engine.query(
    `SELECT count(*) AS distinct_values, count(t.k) AS matched FROM ` +
      `(SELECT DISTINCT ${ident(column)} AS v FROM ${table(from)} WHERE ${ident(column)} IS NOT NULL) e ` +
      `LEFT JOIN (SELECT DISTINCT ${ident(key)} AS k FROM ${table(entity)}) t ON e.v = t.k`,
  );
  return { distinct: num(row?.['distinct_values'] ?? 0), matched: num(row?.['matched'] ?? 0) };
}

/** A column an enriched dataset gains from an entity it joins. */
export interface JoinedColumn {
  /** The column's name in the enriched rows: `<entity>__<column>`. */
  alias: string;
  entity: string;
  column: string;
  /** Through which of the dataset's columns. */
  via: string;
}

/** A dimension of an events dataset's rows: its own column, or an entity's it joins. */
export interface EventDimension {
  /** The column's name in the enriched rows: its own name, or `<entity>__<column>`. */
  alias: string;
  column: string;
  /** The entity it comes from; absent for the dataset's own. */
  entity?: string;
}

/** The dataset's own dimensions, then those of the entities it joins (`enriched.columns`). */
export function dimensionsOf(contract: Contract, enriched: Enriched): EventDimension[] {
  return [
    ...contract.columns
      .filter((c) => c.role === 'dimension')
      .map((c) => ({ alias: c.name, column: c.name })),
    ...enriched.columns.map((c) => ({ alias: c.alias, column: c.column, entity: c.entity })),
  ];
}

export interface Enriched {
  /** SQL for a FROM clause: the dataset's rows with its entities' dimensions beside them. */
  from: string;
  columns: JoinedColumn[];
  /**
   * The same rows with only the joins that the given columns (aliases of `columns`; any
   * other name is the dataset's own) need: the dataset itself when none. Each join is to an
   * entity's primary key, which the entity's rows hold once, so a join neither adds nor
   * drops a row, and one left out costs nothing (over 10 M events, seconds per query).
   */
  fromFor(columns: readonly string[]): string;
}

/**
 * The rows of `contract` with the dimensions (industry, region, category) of every entity
 * it joins, by LEFT JOIN, so no row is lost when a key has no entity; an alias that is not a
 * valid identifier or would shadow a column is left out.
 */
export function enrichedRows(
  contract: Contract,
  joins: readonly JoinKey[],
  contracts: readonly Contract[],
): Enriched {
  const own = new Set(contract.columns.map((c) => c.name));
  /** Per join: its clause, and the select of each column it brings. */
  const joined: { clause: string; selects: { alias: string; select: string }[] }[] = [];
  const columns: JoinedColumn[] = [];
  joins
    .filter((j) => j.dataset === contract.dataset)
    .forEach((j, i) => {
      const entity = contracts.find((c) => c.dataset === j.entity);
      if (!entity) return;
      const alias = `j${i}`;
      const selects: { alias: string; select: string }[] = [];
      joined.push({
        clause: `LEFT JOIN ${table(entity)} ${alias} ON e.${ident(j.column)} = ${alias}.${ident(j.key)}`,
        selects,
      });
      for (const c of entity.columns.filter((x) => x.role === 'dimension')) {
        const name = `${entity.dataset}__${c.name}`;
        if (!isIdentifier(name) || own.has(name)) continue;
        selects.push({ alias: name, select: `${alias}.${ident(c.name)} AS ${quoteIdent(name)}` });
        columns.push({ alias: name, entity: entity.dataset, column: c.name, via: j.column });
      }
    });
  const fromWith = (used: typeof joined) =>
    `(SELECT ${['e.*', ...used.flatMap((j) => j.selects.map((s) => s.select))].join(', ')} FROM ${table(contract)} e ${used.map((j) => j.clause).join(' ')})`;
  return {
    from: fromWith(joined),
    columns,
    fromFor(needed) {
      const used = joined.filter((j) => j.selects.some((s) => needed.includes(s.alias)));
      return used.length === 0 ? table(contract) : fromWith(used);
    },
  };
}
