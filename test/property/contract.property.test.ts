import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nameColumns } from '#ingest/column-names.ts';
import { inferType, type ColumnProfile } from '#ingest/column-types.ts';
import { decideContract, inferContract } from '#ingest/infer-contract.ts';
import { parseContract } from '#platform/contracts.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { isIdentifier } from '#platform/identifiers.ts';
import type { Contract, DuckDb } from '#platform/ports.ts';
import { quoteIdent, quoteLiteral } from '#query/sql.ts';
import { params, timeoutFor } from './fc-config.ts';

/**
 * Type inference and the contract of a first upload (functions/ingest: column-names.ts,
 * column-types.ts, infer-contract.ts) are total: any header gets identifiers or a header
 * error naming the file, any column profile a type, and any table of text columns a
 * contract the catalog accepts (valid names, one primary key among its columns, a time
 * column of a time type, a partition its kind allows).
 */

/** The invariants every contract inference must give. */
function checkContract(contract: Contract, names: readonly string[]): void {
  const where = JSON.stringify(contract);
  expect(() => parseContract(JSON.stringify(contract), 'contract.json'), where).not.toThrow();
  expect(contract.columns.map((c) => c.name)).toEqual(names);
  const ids = contract.columns.filter((c) => c.role === 'id');
  if (contract.primaryKey !== undefined)
    expect(ids.map((c) => c.name)).toContain(contract.primaryKey);
  else expect(ids).toEqual([]);
  if (contract.timeColumn !== undefined) {
    const time = contract.columns.find((c) => c.name === contract.timeColumn)!;
    expect(['date', 'timestamp']).toContain(time.type);
    expect(time.role).toBe('time');
  }
  expect(contract.partition).toBe(contract.kind === 'entities' ? 'snapshot' : 'month');
  for (const c of contract.columns) {
    if (c.role === 'measure') expect(['integer', 'double']).toContain(c.type);
    if (c.role === 'id' || c.role === 'time' || c.role === 'foreign_key')
      expect(c.nullable, c.name).toBe(false);
  }
}

describe('column names from any header', () => {
  it('are unique identifiers, or a header error naming the file and column', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.string({ unit: 'grapheme', maxLength: 8 }),
            fc.constantFrom('id', 'ID', 'Id ', 'month', 'snapshot', '', '  ', '_', '1st', 'a-b'),
          ),
          { minLength: 1, maxLength: 8 },
        ),
        (header) => {
          const { names, headerError } = nameColumns('incoming/x/f.csv', header);
          expect(names).toHaveLength(header.length);
          if (headerError !== undefined) {
            expect(headerError).toMatch(/^incoming\/x\/f\.csv: (column \d+|header columns \d+)/);
            return;
          }
          expect(names.every(isIdentifier), `${names}`).toBe(true);
          expect(new Set(names).size).toBe(names.length);
          expect(names.some((n) => n === 'month' || n === 'snapshot')).toBe(false);
        },
      ),
      params(1000),
    );
  });
});

/** A column profile of `rows` rows as the profiling query could count it: every count within its bounds. */
const profile = (rows: number): fc.Arbitrary<ColumnProfile> =>
  fc
    .record({
      filledShare: fc.double({ min: 0, max: 1, noNaN: true }),
      distinctShare: fc.double({ min: 0, max: 1, noNaN: true }),
      shares: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 9, maxLength: 9 }),
      min: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: undefined }),
    })
    .map(({ filledShare, distinctShare, shares, min }) => {
      const filled = Math.round(rows * filledShare);
      const count = (i: number) => Math.round(filled * shares[i]!);
      const integer = count(0);
      return {
        rows,
        filled,
        distinct: Math.min(
          filled,
          Math.max(filled > 0 ? 1 : 0, Math.round(filled * distinctShare)),
        ),
        ...(min !== undefined ? { min } : {}),
        integer,
        double: Math.max(integer, count(1)),
        leading_zero: count(2),
        boolean: count(3),
        day: count(4),
        month: count(5),
        time: count(6),
        email: count(7),
        phone: count(8),
      };
    });

const columnName = fc.oneof(
  fc.constantFrom(
    'id',
    'order_id',
    'customer_id',
    'date',
    'signup_date',
    'created_at',
    'amount',
    'quantity',
    'units_count',
    'first_name',
    'channel',
    'note',
  ),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/),
);

describe('contract decisions from any column profiles', () => {
  it('give a type to any profile, and a contract the catalog accepts', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(columnName, { minLength: 1, maxLength: 8 }),
        // One table: every column has the same number of rows.
        fc
          .integer({ min: 0, max: 200 })
          .chain((rows) => fc.array(profile(rows), { minLength: 8, maxLength: 8 })),
        fc.dictionary(columnName, fc.constantFrom('customers', 'products', 'orders'), {
          maxKeys: 3,
        }),
        (names, profiles, keys) => {
          for (const p of profiles)
            expect(inferType(p)).toMatch(/^(string|integer|double|boolean|date|timestamp)$/);
          const contract = decideContract(
            { dataset: 'orders', from: 't', names, primaryKeys: new Map(Object.entries(keys)) },
            profiles,
          );
          checkContract(contract, names);
        },
      ),
      params(1000),
    );
  });
});

describe('contract inference over any text columns', () => {
  let duck: DuckDb;
  let table = 0;
  beforeAll(async () => {
    duck = await openDuckDb();
  });
  afterAll(() => duck.close());

  /** Values as files hold them (as text; NULL for an empty one). */
  const value = fc.oneof(
    fc.constantFrom(
      null,
      '1',
      '007',
      '-3.5',
      '1,234.50',
      '1.234,50',
      '$12',
      '(4.10)',
      '1e3',
      'nan',
      '2024-01-31',
      '2024-02-30',
      '03/04/2024',
      '31/12/2024',
      '7 Jan 2024',
      '2024-01-01 10:00',
      '2024-01',
      'true',
      'n',
      'a@b.co',
      '+44 20 7946 0958',
      'web',
      'Café',
    ),
    fc.integer({ min: -5, max: 1e6 }).map(String),
    fc.double({ noNaN: true }).map(String),
    fc.string({ maxLength: 8 }),
    fc.string({ unit: 'grapheme', maxLength: 4 }),
  );

  const RUNS = 60;
  it(
    'is total and gives a contract the catalog accepts',
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(columnName, { minLength: 1, maxLength: 5 }),
          fc.integer({ min: 0, max: 30 }),
          fc.array(fc.array(value, { minLength: 5, maxLength: 5 }), {
            minLength: 30,
            maxLength: 30,
          }),
          async (names, n, cells) => {
            const t = `infer_${(table += 1)}`;
            const columns = names.map((_, j) => quoteIdent(`c${j}`));
            const rows = cells
              .slice(0, Math.max(n, 1))
              .map(
                (r) =>
                  `(${names.map((_, j) => (r[j] == null ? 'NULL' : quoteLiteral(r[j]!))).join(', ')})`,
              );
            // Every column text, as ingest loads a file (a column of NULLs too).
            const asText = columns.map((c) => `CAST(${c} AS VARCHAR) AS ${c}`).join(', ');
            await duck.run(
              `CREATE TABLE ${quoteIdent(t)} AS SELECT ${asText} FROM (VALUES ${rows.join(', ')}) v(${columns.join(', ')})` +
                (n === 0 ? ' LIMIT 0' : ''),
            );
            try {
              const contract = await inferContract(duck, {
                dataset: 'sample',
                from: quoteIdent(t),
                names,
                primaryKeys: new Map([['customer_id', 'customers']]),
              });
              checkContract(contract, names);
            } finally {
              await duck.run(`DROP TABLE ${quoteIdent(t)}`);
            }
          },
        ),
        params(RUNS),
      );
    },
    timeoutFor(RUNS, 200),
  );
});
