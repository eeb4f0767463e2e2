import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../schemas/report.schema.json' with { type: 'json' };
import { describeSchemaError, describeValue } from '#platform/schema-errors.ts';
import { InputRejectedError } from '#platform/errors.ts';
import type { ReportModel } from './model.ts';

/**
 * `report.json` read back: `schemas/report.schema.json` (generated from `ReportModel` by
 * `npm run schema`) says what a report may hold. A stored report is checked before it is
 * rendered again, so that a report of another schema version, or one edited by hand, is
 * refused with a reason instead of rendering half.
 */

export { schema as reportSchema };

/** The `schemaVersion` this code writes and reads. */
export const REPORT_SCHEMA_VERSION: ReportModel['schemaVersion'] = schema.properties.schemaVersion
  .const as ReportModel['schemaVersion'];

/** More lines than this help nobody: the rest are counted. */
const MAX_PROBLEMS = 20;

let validator: ValidateFunction | undefined;
// Compiled on first use, as in contracts.ts.
const validate = () =>
  (validator ??= new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true }).compile(
    schema,
  ));

/**
 * A parsed `report.json` as a `ReportModel`, or an InputRejectedError naming each problem as
 * `<where>: <JSON path> <what is wrong>`, one per line. A report of another `schemaVersion`
 * is refused with that alone: its other differences follow from it.
 *
 * @example validateReport(JSON.parse(await readFile('report.json', 'utf8')), 'report.json')
 */
export function validateReport(json: unknown, where = 'report.json'): ReportModel {
  const versionProblem = schemaVersionProblem(json);
  if (versionProblem !== undefined) throw rejected(where, [versionProblem]);
  const check = validate();
  if (!check(json)) throw rejected(where, describeErrors(check.errors ?? []));
  return json as ReportModel;
}

function schemaVersionProblem(json: unknown): string | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return `a report must be a JSON object (it is ${describeValue(json)})`;
  }
  if (!('schemaVersion' in json)) {
    return `schemaVersion is missing: this is not a report.json of insights (schemaVersion ${REPORT_SCHEMA_VERSION})`;
  }
  const version = json.schemaVersion;
  if (version === REPORT_SCHEMA_VERSION) return undefined;
  const current = `this version of insights reads schemaVersion ${REPORT_SCHEMA_VERSION} only`;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    return `schemaVersion must be ${REPORT_SCHEMA_VERSION} (it is ${describeValue(version)}): ${current}`;
  }
  return version > REPORT_SCHEMA_VERSION
    ? `schemaVersion is ${version}: the report was written by a newer version of insights, and ${current}; upgrade insights to read it`
    : `schemaVersion is ${version}: the report was written by an older version of insights, and ${current}; run the report again to write it in schemaVersion ${REPORT_SCHEMA_VERSION}`;
}

function rejected(where: string, problems: string[]): InputRejectedError {
  const shown = problems.slice(0, MAX_PROBLEMS).map((p) => `${where}: ${p}`);
  if (problems.length > MAX_PROBLEMS) {
    shown.push(`${where}: and ${problems.length - MAX_PROBLEMS} more problems`);
  }
  return new InputRejectedError(shown.join('\n'), { file: where });
}

/**
 * One line per problem. The `if` errors of the findings' kinds only say "the finding is not
 * a valid <kind>", which the errors inside it say better; an `anyOf` that fails says so once,
 * not once per alternative.
 */
function describeErrors(errors: ErrorObject[]): string[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  const kept = errors.filter(
    (e) => e.keyword !== 'if' && !anyOfs.some((path) => e.schemaPath.startsWith(path)),
  );
  return [...new Set(kept.map((e) => describeSchemaError(e, 'the report')))];
}
