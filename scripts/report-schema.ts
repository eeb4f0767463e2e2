/**
 * `schemas/report.schema.json`, generated from the `ReportModel` type (functions/report/model.ts)
 * so that the schema and the types cannot drift apart.
 *
 *   npm run schema              write the schema
 *   npm run schema -- --check   exit 1 when the file on disk is not what would be written
 *
 * ts-json-schema-generator writes draft-07; the project's ajv (`ajv/dist/2020.js`, as in
 * functions/platform/contracts.ts) validates JSON Schema 2020-12, so the output is converted:
 * `definitions` become `$defs`, tuples use `prefixItems`. Unions whose members all carry a
 * distinct constant `kind` (the findings) become `if`/`then` on `kind`, so that an invalid
 * finding is reported against its own kind, not against every member of the union.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import { createGenerator } from 'ts-json-schema-generator';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REPORT_SCHEMA_PATH = resolve(ROOT, 'schemas/report.schema.json');
const MODEL_PATH = resolve(ROOT, 'functions/report/model.ts');

const TITLE = 'serverless-insights report';
const ABOUT =
  'The type is ReportModel in functions/report/model.ts (the findings are in functions/report/findings.ts); this schema is generated from it by scripts/report-schema.ts: do not edit it, run "npm run schema" after changing the types.';

type Json = null | boolean | number | string | Json[] | JsonObject;
interface JsonObject {
  [key: string]: Json;
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The report schema as an object (JSON Schema 2020-12). Takes 2 to 3 seconds. */
export function generateReportSchema(): JsonObject {
  const draft7 = createGenerator({
    path: MODEL_PATH,
    tsconfig: resolve(ROOT, 'tsconfig.json'),
    type: 'ReportModel',
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    sortProps: false,
    strictTuples: true,
    additionalProperties: false,
    // `npm run typecheck` checks the types; a type error elsewhere must not stop the schema.
    skipTypeCheck: true,
  }).createSchema('ReportModel') as JsonObject;

  const defs = to2020(draft7['definitions'] ?? {}) as JsonObject;
  for (const [name, def] of Object.entries(defs)) defs[name] = discriminated(def, defs);
  const { description, ...model } = defs['ReportModel'] as JsonObject;
  delete defs['ReportModel'];
  if (JSON.stringify(defs).includes('"#/$defs/ReportModel"')) {
    throw new Error('ReportModel refers to itself: the schema generator expects it not to');
  }
  const version = (model['properties'] as JsonObject)['schemaVersion'] as JsonObject;
  if (typeof version['const'] !== 'number') {
    throw new Error('ReportModel.schemaVersion must be a number literal type (schemaVersion: 1)');
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `urn:serverless-insights:schema:report:v${version['const']}`,
    title: TITLE,
    description: `${typeof description === 'string' ? `${description} ` : ''}${ABOUT}`,
    ...model,
    $defs: defs,
  };
}

/** The file's text: the schema as prettier formats it (so that `npm run lint` passes). */
export async function reportSchemaText(schema = generateReportSchema()): Promise<string> {
  const options = (await prettier.resolveConfig(REPORT_SCHEMA_PATH)) ?? {};
  return prettier.format(JSON.stringify(schema), { ...options, filepath: REPORT_SCHEMA_PATH });
}

/** Draft-07 keywords to their 2020-12 spelling, everywhere in a schema. */
function to2020(node: Json): Json {
  if (Array.isArray(node)) return node.map(to2020);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      out[key] = value.replace(/^#\/definitions\//, '#/$defs/');
    } else if (key === 'items' && Array.isArray(value)) {
      out['prefixItems'] = to2020(value);
      if (node['additionalItems'] !== undefined) out['items'] = to2020(node['additionalItems']);
    } else if (key === 'additionalItems' && Array.isArray(node['items'])) {
      // Written with `items` above.
    } else if (key === 'definitions') {
      out['$defs'] = to2020(value);
    } else {
      out[key] = to2020(value);
    }
  }
  return out;
}

/**
 * `anyOf` of objects that each have a required, constant, distinct `kind` (or other string
 * property) becomes: `kind` is one of the kinds, and if it is X the object is member X.
 * The same values pass; the errors name the problem in the member the object claims to be.
 */
function discriminated(node: Json, defs: JsonObject): Json {
  if (Array.isArray(node)) return node.map((n) => discriminated(n, defs));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) out[key] = discriminated(value, defs);
  const members = out['anyOf'];
  if (!Array.isArray(members) || members.length < 2) return out;
  const resolved = members.map((m) => resolveRef(m, defs));
  const tag = discriminator(resolved);
  if (tag === undefined) return out;
  const values = resolved.map((m) => constOf(m, tag)!);
  const { description, ...rest } = out;
  delete rest['anyOf'];
  return {
    ...(description === undefined ? {} : { description }),
    ...rest,
    type: 'object',
    required: [tag],
    properties: { [tag]: { type: 'string', enum: values } },
    allOf: members.map((member, i) => ({
      if: { required: [tag], properties: { [tag]: { const: values[i]! } } },
      then: member,
    })),
  };
}

function resolveRef(node: Json, defs: JsonObject): Json {
  if (!isObject(node) || typeof node['$ref'] !== 'string') return node;
  const name = /^#\/\$defs\/(.+)$/.exec(node['$ref'])?.[1];
  return name === undefined ? node : resolveRef(defs[decodeURIComponent(name)] ?? null, defs);
}

function constOf(node: Json, property: string): string | undefined {
  if (!isObject(node) || node['type'] !== 'object') return undefined;
  const required = node['required'];
  if (!Array.isArray(required) || !required.includes(property)) return undefined;
  const schema = isObject(node['properties']) ? node['properties'][property] : undefined;
  return isObject(schema) && typeof schema['const'] === 'string' ? schema['const'] : undefined;
}

/** The property every member fixes to a different string, `kind` first; else undefined. */
function discriminator(members: Json[]): string | undefined {
  const first = members[0];
  if (!isObject(first) || !isObject(first['properties'])) return undefined;
  const candidates = Object.keys(first['properties']).sort((a, b) =>
    a === 'kind' ? -1 : b === 'kind' ? 1 : 0,
  );
  return candidates.find((property) => {
    const values = members.map((m) => constOf(m, property));
    return values.every((v) => v !== undefined) && new Set(values).size === values.length;
  });
}

async function main(args: string[]): Promise<number> {
  const unknown = args.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    console.error(`report-schema: unknown argument ${unknown.join(' ')} (usage: [--check])`);
    return 2;
  }
  const text = await reportSchemaText();
  if (args.includes('--check')) {
    const current = await readFile(REPORT_SCHEMA_PATH, 'utf8').catch(() => undefined);
    if (current === text) return 0;
    console.error(
      current === undefined
        ? 'schemas/report.schema.json is missing: run "npm run schema"'
        : 'schemas/report.schema.json is not what the ReportModel type gives: run "npm run schema"',
    );
    return 1;
  }
  await writeFile(REPORT_SCHEMA_PATH, text);
  console.error('wrote schemas/report.schema.json');
  return 0;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
