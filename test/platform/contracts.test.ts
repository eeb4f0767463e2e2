import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import ts from 'typescript';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemo } from '#demo/generate.ts';
import { contractSchema, parseConfigContract, parseContract } from '#platform/contracts.ts';
import { jsonPath } from '#platform/schema-errors.ts';
import { openDuckDb } from '#platform/duckdb/duckdb.ts';
import { ConfigError } from '#platform/errors.ts';
import { isIdentifier } from '#platform/identifiers.ts';
import type { Contract, DuckDb } from '#platform/ports.ts';
import { re2SyntaxError } from '#platform/re2-syntax.ts';
import { quoteLiteral } from '#query/sql.ts';
import { testLake } from '../ingest/lake.ts';

const ROOT = join(import.meta.dirname, '../..');
const WHERE = 'config/contracts/orders.json';

/** A contract with every optional field set somewhere. */
const FULL: Contract = {
  dataset: 'orders',
  version: 3,
  kind: 'events',
  columns: [
    {
      name: 'order_id',
      type: 'string',
      role: 'id',
      nullable: false,
      checks: { pattern: '^O\\d{3}$' },
    },
    {
      name: 'order_date',
      type: 'date',
      role: 'time',
      nullable: false,
      format: { dateOrder: 'DMY' },
    },
    {
      name: 'customer_id',
      type: 'string',
      role: 'foreign_key',
      nullable: false,
      references: 'customers',
    },
    {
      name: 'amount',
      type: 'double',
      role: 'measure',
      nullable: true,
      checks: { min: 0, max: 10000, unique: false },
      format: { decimal: ',' },
    },
    {
      name: 'channel',
      type: 'string',
      role: 'dimension',
      nullable: true,
      checks: { allowed: ['web', 'store'], unique: false },
    },
    { name: 'email', type: 'string', role: 'pii', nullable: true },
    { name: 'note', type: 'string', role: 'text', nullable: true },
    { name: 'paid', type: 'boolean', role: 'dimension', nullable: true },
    { name: 'quantity', type: 'integer', role: 'measure', nullable: true },
    { name: 'shipped_at', type: 'timestamp', role: 'time', nullable: true, addedInVersion: 2 },
  ],
  primaryKey: 'order_id',
  timeColumn: 'order_date',
  partition: 'month',
  source: 'config',
};

const text = (value: unknown) => JSON.stringify(value, null, 2);
/** FULL changed by `edit`, as text. */
const edited = (edit: (c: Record<string, unknown> & Contract) => void) => {
  const copy = structuredClone(FULL) as Record<string, unknown> & Contract;
  edit(copy);
  return text(copy);
};
const problemsOf = (contractText: string, parse = parseContract): string => {
  try {
    parse(contractText, WHERE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('the contract was accepted');
};

describe('the contract schema agrees with ports.ts', () => {
  const source = ts.createSourceFile(
    'ports.ts',
    // Read at test time: the type as it is now, not as it was when the schema was written.
    ts.sys.readFile(join(ROOT, 'functions/platform/ports.ts'))!,
    ts.ScriptTarget.Latest,
  );
  const declarations = new Map<string, ts.Node>();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) {
      declarations.set(node.name.text, node);
    }
  });
  /** The string literals of a union type (following aliases of this file). */
  const literals = (type: ts.TypeNode): string[] | undefined => {
    if (ts.isTypeReferenceNode(type)) {
      const alias = declarations.get(type.typeName.getText(source));
      return alias && ts.isTypeAliasDeclaration(alias) ? literals(alias.type) : undefined;
    }
    if (ts.isLiteralTypeNode(type) && ts.isStringLiteral(type.literal)) return [type.literal.text];
    if (ts.isUnionTypeNode(type)) {
      const all = type.types.map(literals);
      return all.every((l) => l !== undefined) ? all.flat() : undefined;
    }
    return undefined;
  };
  type SchemaObject = { properties: Record<string, { enum?: string[] }>; required?: string[] };
  const defs = contractSchema.$defs as unknown as Record<string, SchemaObject>;
  const pairs: [string, SchemaObject][] = [
    ['Contract', contractSchema as unknown as SchemaObject],
    ['ColumnContract', defs['column']!],
    ['ColumnChecks', defs['checks']!],
    ['ColumnFormat', defs['format']!],
  ];

  it.each(pairs)('%s: the same fields, the same required ones, the same enums', (name, def) => {
    const node = declarations.get(name);
    if (!node || !ts.isInterfaceDeclaration(node)) throw new Error(`${name} is not in ports.ts`);
    const fields = node.members.filter(ts.isPropertySignature).map((m) => ({
      name: m.name.getText(source),
      optional: m.questionToken !== undefined,
      enum: m.type ? literals(m.type) : undefined,
    }));
    const properties = Object.keys(def.properties).filter((p) => p !== '$schema');
    expect(properties.sort()).toEqual(fields.map((f) => f.name).sort());
    expect([...(def.required ?? [])].sort()).toEqual(
      fields
        .filter((f) => !f.optional)
        .map((f) => f.name)
        .sort(),
    );
    for (const field of fields) {
      if (field.enum) expect(def.properties[field.name]!.enum, field.name).toEqual(field.enum);
    }
    expect((def as { additionalProperties?: boolean }).additionalProperties).toBe(false);
  });

  it('is valid draft 2020-12 and names itself', () => {
    expect(contractSchema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(contractSchema.$id).toMatch(/^[a-z]+:/);
    expect(() => new Ajv2020({ strict: true }).compile(contractSchema)).not.toThrow();
  });

  it('names what identifiers.ts does', () => {
    const pattern = new RegExp(contractSchema.$defs.identifier.pattern, 'u');
    for (const name of [
      'orders',
      '_x',
      'a1_b',
      'a'.repeat(63),
      'a'.repeat(64),
      'Orders',
      '1a',
      'a-b',
      '',
      'été',
    ]) {
      expect(pattern.test(name), name).toBe(isIdentifier(name));
    }
  });
});

describe('parseContract', () => {
  it('accepts a contract with every optional field set, as it is', () => {
    expect(parseContract(text(FULL), WHERE)).toEqual(FULL);
    expect(parseConfigContract(text(FULL), WHERE, 'orders')).toEqual(FULL);
  });

  it('accepts and drops the "$schema" an editor needs', () => {
    const withHint = text({ $schema: '../../schemas/contract.schema.json', ...FULL });
    expect(parseContract(withHint, WHERE)).toEqual(FULL);
  });

  it('accepts every contract ingest infers from the demo data, foreign keys included', async () => {
    const lake = await testLake();
    try {
      const demo = await writeDemo(join(lake.workDir, 'demo'), { seed: 7 });
      for (const file of demo.files) {
        await lake.ingest(
          `incoming/${file.dataset}/${file.dataset}.csv`,
          await readFile(file.path),
        );
      }
      const stored = (await lake.store.list('catalog/')).map((o) => o.key);
      expect(stored).toHaveLength(demo.files.length);
      const contracts = await Promise.all(
        stored.map(async (key) => parseContract(await lake.store.getText(key), key)),
      );
      const roles = new Set(contracts.flatMap((c) => c.columns.map((col) => col.role)));
      expect([...roles].sort()).toEqual(
        expect.arrayContaining(['dimension', 'foreign_key', 'id', 'measure', 'time']),
      );
      expect(new Set(contracts.map((c) => c.partition))).toEqual(new Set(['month', 'snapshot']));
    } finally {
      await lake.close();
    }
  });

  it('says where the JSON breaks', () => {
    expect(problemsOf('{\n  "dataset": "orders",\n  "version": 1,,\n}')).toMatch(
      /^config\/contracts\/orders\.json: not valid JSON \(line 3, column 16\): /,
    );
  });

  // Each mistake, and the line that says it (after `<file>: `).
  const mistakes: [string, string, (c: Record<string, unknown> & Contract) => void][] = [
    [
      'a field left out',
      'columns[1].role is required',
      (c) => delete (c.columns[1] as Partial<(typeof c.columns)[1]>).role,
    ],
    ['a top-level field left out', 'kind is required', (c) => delete (c as Partial<Contract>).kind],
    [
      'an unknown field',
      'columns[0] has an unknown field "typ" (the fields are: name, type, role, nullable, checks, format, references, addedInVersion)',
      (c) => Object.assign(c.columns[0]!, { typ: 'string' }),
    ],
    [
      'a type not in the enum',
      'columns[2].type must be one of integer, double, boolean, date, timestamp, string (it is "int")',
      (c) => Object.assign(c.columns[2]!, { type: 'int' }),
    ],
    [
      'a wrong JSON type',
      'columns[3].nullable must be a boolean (it is "yes")',
      (c) => Object.assign(c.columns[3]!, { nullable: 'yes' }),
    ],
    [
      'a column added in a later version than the contract',
      "columns[9].addedInVersion (4) is later than the contract's version (3)",
      (c) => (c.columns[9]!.addedInVersion = 4),
    ],
    ['a version below 1', 'version must be at least 1 (it is 0)', (c) => (c.version = 0)],
    [
      'a version that is not a whole number',
      'version must be an integer (it is 1.5)',
      (c) => (c.version = 1.5),
    ],
    ['no columns', 'columns must hold at least 1 item(s)', (c) => (c.columns = [])],
    [
      'a name that is not an identifier',
      'columns[0].name "Order ID" is not a valid name: use lower-case letters, digits and _, starting with a letter or _ (at most 63 characters)',
      (c) => (c.columns[0]!.name = 'Order ID'),
    ],
    [
      'an unknown check',
      'columns[3].checks has an unknown field "minimum" (the fields are: min, max, allowed, pattern, unique)',
      (c) => Object.assign(c.columns[3]!.checks!, { minimum: 1 }),
    ],
    [
      'an allowed value twice',
      'columns[4].checks.allowed lists "web" twice',
      (c) => (c.columns[4]!.checks!.allowed = ['web', 'store', 'web']),
    ],
    [
      'an empty pattern',
      'columns[0].checks.pattern must not be empty',
      (c) => (c.columns[0]!.checks!.pattern = ''),
    ],
    [
      'a decimal separator not in the enum',
      'columns[3].format.decimal must be one of ., , (it is " ")',
      (c) => (c.columns[3]!.format!.decimal = ' ' as '.'),
    ],
    [
      'a column twice',
      'columns[5].name "amount" is used twice (also columns[3])',
      (c) => (c.columns[5]!.name = 'amount'),
    ],
    [
      'a primary key that is not a column',
      'primaryKey "id" is not one of the columns (order_id, order_date, customer_id, amount, channel, email, note, paid, quantity, shipped_at)',
      (c) => (c.primaryKey = 'id'),
    ],
    [
      'a time column that is not a column',
      'timeColumn "day" is not one of the columns',
      (c) => (c.timeColumn = 'day'),
    ],
    [
      'monthly partitions without a time column',
      'partition "month" needs a timeColumn (a date or timestamp column); without one, use "snapshot"',
      (c) => delete c.timeColumn,
    ],
    [
      'monthly partitions by a text column',
      'partition "month" needs a date or timestamp timeColumn, but note is string',
      (c) => (c.timeColumn = 'note'),
    ],
    [
      'min above max',
      'columns[3].checks.min (10) is greater than checks.max (5)',
      (c) => Object.assign(c.columns[3]!.checks!, { min: 10, max: 5 }),
    ],
    [
      'a minimum on text',
      'columns[6].checks.min applies to integer and double columns; note is string',
      (c) => (c.columns[6]!.checks = { min: 1 }),
    ],
    [
      'a lookahead',
      'columns[0].checks.pattern "^(?=O)\\\\w+$" is not a regular expression DuckDB can use (RE2 syntax): a lookahead (?=...) is not supported',
      (c) => (c.columns[0]!.checks!.pattern = '^(?=O)\\w+$'),
    ],
    [
      'a backreference',
      'columns[0].checks.pattern "(a)\\\\1" is not a regular expression DuckDB can use (RE2 syntax): \\1 is a backreference, which RE2 does not support',
      (c) => (c.columns[0]!.checks!.pattern = '(a)\\1'),
    ],
    [
      'a pattern that does not compile',
      'columns[0].checks.pattern "[a-" is not a regular expression DuckDB can use (RE2 syntax): a "[" is never closed',
      (c) => (c.columns[0]!.checks!.pattern = '[a-'),
    ],
    [
      'references on a column that is not a foreign key',
      'columns[6].references is only for foreign keys (role "foreign_key"); note has role "text"',
      (c) => (c.columns[6]!.references = 'customers'),
    ],
    [
      'a decimal separator on a date',
      'columns[1].format.decimal applies to integer and double columns; order_date is date',
      (c) => (c.columns[1]!.format = { decimal: ',' }),
    ],
    [
      'a date order on a number',
      'columns[8].format.dateOrder applies to date and timestamp columns; quantity is integer',
      (c) => (c.columns[8]!.format = { dateOrder: 'MDY' }),
    ],
  ];

  it.each(mistakes)('refuses %s, saying so with the file and the path', (_, message, edit) => {
    const lines = problemsOf(edited(edit)).split('\n');
    expect(
      lines.some((l) => l.startsWith(`${WHERE}: ${message}`)),
      lines.join('\n'),
    ).toBe(true);
  });

  it('reports every problem, one per line', () => {
    const message = problemsOf(
      edited((c) => {
        c.primaryKey = 'id';
        c.columns[3]!.checks = { min: 2, max: 1 };
      }),
    );
    expect(message.split('\n')).toHaveLength(2);
    expect(message.split('\n').every((l) => l.startsWith(`${WHERE}: `))).toBe(true);
  });

  it('asks a contract a person provides to say so and to be the file’s dataset', () => {
    const inferred = edited((c) => (c.source = 'inferred'));
    expect(parseContract(inferred, WHERE).source).toBe('inferred');
    expect(problemsOf(inferred, (t, w) => parseConfigContract(t, w, 'orders'))).toContain(
      `${WHERE}: source must be "config" in a contract a person provides (it is "inferred"`,
    );
    expect(problemsOf(text(FULL), (t, w) => parseConfigContract(t, w, 'sales'))).toBe(
      `${WHERE}: dataset is "orders", but the file is the contract of "sales": they must be the same`,
    );
  });

  it('turns JSON pointers into paths a person reads', () => {
    expect(jsonPath('')).toBe('');
    expect(jsonPath('/columns/2/checks/min')).toBe('columns[2].checks.min');
    expect(jsonPath('/a~1b/0')).toBe('["a/b"][0]');
  });
});

describe('checks.pattern follows RE2, as DuckDB does', () => {
  let duck: DuckDb;
  beforeAll(async () => {
    duck = await openDuckDb();
  });
  afterAll(() => duck.close());

  // Accepted by RE2 though JavaScript refuses some, and the reverse.
  const patterns = [
    '^[A-Z]{2}\\d+$',
    '(?i)abc',
    '(?i:abc)x',
    '(?P<n>a)',
    '(?<n>a)',
    '(?=a)',
    '(?!a)b',
    '(?<=a)b',
    '(?<!a)b',
    '(a)\\1',
    '\\k<n>',
    '(?>a)',
    'a*+',
    'a++',
    'a**',
    'a*?',
    'a*??',
    'a??',
    'a{2}{3}',
    'a{2}?',
    '[[:alpha:]]+',
    '[[:foo:]]',
    '[[:^alpha:]]',
    '\\pL',
    '\\p{L}+',
    '\\Qa.b\\E',
    '\\Z',
    '\\z',
    '\\A',
    '(',
    ')',
    '[a',
    'a{2,1}',
    'a{1000}',
    'a{1001,}',
    'a{,3}',
    '\\-',
    '[\\-a]',
    '\\/',
    '\\_',
    '\\E',
    '\\C',
    '\\12',
    '\\17',
    '\\0',
    '\\8',
    '\\cA',
    '\\u0041',
    '\\x41',
    '\\x4',
    '\\x{41}',
    '\\x{zz}',
    '(?s).',
    '(?U)a+',
    '(?m)^a',
    '(?i-s:a)',
    '(?-)',
    '(?x)a',
    '(?#c)',
    '(?P=n)',
    '(?)',
    '()',
    '(|a)',
    'a|*',
    '*a',
    '(?i)*',
    '^*',
    '\\b*',
    '\\b\\B',
    '\\e',
    '[^\\d]',
    '[\\b]',
    '[z-a]',
    '[]a]',
    '[^]a]',
    '[\\d-z]',
    '[a-\\d]',
    '[\\pL]',
    '\\h',
    '\\R',
    '\\X',
    '\\G',
    '\\N{LATIN}',
    '\\y',
    '\\',
    'a{1,2',
    '[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}',
  ];

  it.each(patterns)('%s: refused exactly when DuckDB refuses it', async (pattern) => {
    const duckError = await duck
      .all(`SELECT regexp_full_match('a', ${quoteLiteral(pattern)}) AS m`)
      .then(
        () => undefined,
        (error: Error) => error.message,
      );
    const ours = re2SyntaxError(pattern);
    expect(ours === undefined, `ours: ${ours}; DuckDB: ${duckError}`).toBe(duckError === undefined);
  });
});
