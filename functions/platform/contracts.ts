import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../schemas/contract.schema.json' with { type: 'json' };
import { ConfigError } from './errors.ts';
import { isIdentifier } from './identifiers.ts';
import type { ColumnContract, Contract } from './ports.ts';
import { re2SyntaxError } from './re2-syntax.ts';
import { describeSchemaError } from './schema-errors.ts';

/**
 * Contracts as files: `schemas/contract.schema.json` says what a contract may hold, and the
 * checks here add what a schema cannot say (names that must exist, ranges that must make
 * sense). Every problem is reported as `<file>: <JSON path> <what is wrong>`, one per line.
 */

export { schema as contractSchema };

const IDENTIFIER_PATTERN = schema.$defs.identifier.pattern;
/** More lines than this help nobody: the rest are counted. */
const MAX_PROBLEMS = 20;

let validator: ValidateFunction | undefined;
// Compiled on first use: most Lambda invocations never read a config contract.
const validate = () =>
  (validator ??= new Ajv2020({ allErrors: true, verbose: true }).compile(schema));

/** Any contract, inferred or written by a person: parsed, validated, or a ConfigError. */
export function parseContract(text: string, where: string): Contract {
  const contract: Contract & { $schema?: string } = validContract(parseJson(text, where), where);
  // For editors only: not part of the Contract type.
  delete contract.$schema;
  return contract;
}

/**
 * A contract a person provides (`config/contracts/<dataset>.json`): also says `source:
 * "config"`, and, when the file's name gives one, is for that dataset.
 */
export function parseConfigContract(text: string, where: string, dataset?: string): Contract {
  const contract = parseContract(text, where);
  const problems: string[] = [];
  if (contract.source !== 'config') {
    problems.push(
      `source must be "config" in a contract a person provides (it is ${JSON.stringify(contract.source)}; a contract copied from catalog/ says "inferred": change it)`,
    );
  }
  if (dataset !== undefined && contract.dataset !== dataset) {
    problems.push(
      `dataset is ${JSON.stringify(contract.dataset)}, but the file is the contract of ${JSON.stringify(dataset)}: they must be the same`,
    );
  }
  if (problems.length > 0) throw configError(where, problems);
  return contract;
}

function parseJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, '')) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    const at = position === undefined ? '' : ` (${lineAndColumn(text, Number(position))})`;
    throw new ConfigError(`${where}: not valid JSON${at}: ${message}`);
  }
}

function lineAndColumn(text: string, position: number): string {
  const before = text.slice(0, position).split('\n');
  return `line ${before.length}, column ${before.at(-1)!.length + 1}`;
}

function validContract(value: unknown, where: string): Contract {
  const check = validate();
  if (!check(value)) {
    const problems = [...new Set((check.errors ?? []).map(describeContractError))];
    throw configError(where, problems);
  }
  const contract = value as Contract;
  const problems = semanticProblems(contract);
  if (problems.length > 0) throw configError(where, problems);
  return contract;
}

function configError(where: string, problems: string[]): ConfigError {
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => `${where}: ${p}`);
  if (problems.length > MAX_PROBLEMS) {
    shown.push(`${where}: and ${problems.length - MAX_PROBLEMS} more problems`);
  }
  return new ConfigError(shown.join('\n'));
}

const list = (values: readonly unknown[]) => values.map(String).join(', ');

/** The contract's own wording: a name pattern says what a valid name is. */
function describeContractError(error: ErrorObject): string {
  return describeSchemaError(error, 'the contract', (e, at) =>
    e.keyword === 'pattern' && (e.params as { pattern?: string }).pattern === IDENTIFIER_PATTERN
      ? `${at} ${JSON.stringify(e.data)} is not a valid name: use lower-case letters, digits and _, starting with a letter or _ (at most 63 characters)`
      : undefined,
  );
}

const NUMERIC = new Set(['integer', 'double']);
const TEMPORAL = new Set(['date', 'timestamp']);

/** What the schema cannot say: names that must exist and be unique, ranges, patterns. */
export function semanticProblems(contract: Contract): string[] {
  const problems: string[] = [];
  const firstAt = new Map<string, number>();
  contract.columns.forEach((column, i) => {
    const earlier = firstAt.get(column.name);
    if (earlier === undefined) firstAt.set(column.name, i);
    else {
      problems.push(
        `columns[${i}].name ${JSON.stringify(column.name)} is used twice (also columns[${earlier}])`,
      );
    }
    // The schema's pattern says the same; this keeps the rule tied to identifiers.ts.
    if (!isIdentifier(column.name)) {
      problems.push(`columns[${i}].name ${JSON.stringify(column.name)} is not a valid name`);
    }
    problems.push(...columnProblems(column, `columns[${i}]`));
    if (column.addedInVersion !== undefined && column.addedInVersion > contract.version) {
      problems.push(
        `columns[${i}].addedInVersion (${column.addedInVersion}) is later than the contract's version (${contract.version})`,
      );
    }
  });
  const names = contract.columns.map((c) => c.name);
  for (const field of ['primaryKey', 'timeColumn'] as const) {
    const name = contract[field];
    if (name !== undefined && !firstAt.has(name)) {
      problems.push(`${field} ${JSON.stringify(name)} is not one of the columns (${list(names)})`);
    }
  }
  if (contract.partition === 'month') {
    const time = contract.columns.find((c) => c.name === contract.timeColumn);
    if (contract.timeColumn === undefined) {
      problems.push(
        'partition "month" needs a timeColumn (a date or timestamp column); without one, use "snapshot"',
      );
    } else if (time && !TEMPORAL.has(time.type)) {
      problems.push(
        `partition "month" needs a date or timestamp timeColumn, but ${time.name} is ${time.type}`,
      );
    }
  }
  return problems;
}

function columnProblems(c: ColumnContract, at: string): string[] {
  const problems: string[] = [];
  const { min, max, pattern } = c.checks ?? {};
  if ((min !== undefined || max !== undefined) && !NUMERIC.has(c.type)) {
    const which = min !== undefined ? 'min' : 'max';
    problems.push(
      `${at}.checks.${which} applies to integer and double columns; ${c.name} is ${c.type}`,
    );
  }
  if (min !== undefined && max !== undefined && min > max) {
    problems.push(`${at}.checks.min (${min}) is greater than checks.max (${max})`);
  }
  if (pattern !== undefined) {
    const why = re2SyntaxError(pattern);
    if (why) {
      problems.push(
        `${at}.checks.pattern ${JSON.stringify(pattern)} is not a regular expression DuckDB can use (RE2 syntax): ${why}`,
      );
    }
  }
  if (c.references !== undefined && c.role !== 'foreign_key') {
    problems.push(
      `${at}.references is only for foreign keys (role "foreign_key"); ${c.name} has role "${c.role}"`,
    );
  }
  if (c.format?.decimal !== undefined && !NUMERIC.has(c.type)) {
    problems.push(
      `${at}.format.decimal applies to integer and double columns; ${c.name} is ${c.type}`,
    );
  }
  if (c.format?.dateOrder !== undefined && !TEMPORAL.has(c.type)) {
    problems.push(
      `${at}.format.dateOrder applies to date and timestamp columns; ${c.name} is ${c.type}`,
    );
  }
  return problems;
}
