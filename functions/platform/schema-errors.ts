import type { ErrorObject } from 'ajv';

/** `/columns/2/type` -> `columns[2].type`. */
export function jsonPath(pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  let path = '';
  for (const part of parts) {
    if (/^\d+$/.test(part)) path += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) path += path === '' ? part : `.${part}`;
    else path += `[${JSON.stringify(part)}]`;
  }
  return path;
}

/** A value in a message: short values as JSON, long ones by what they are. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  if (text.length <= 60) return text;
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  return typeof value === 'object' && value !== null ? 'an object' : `${text.slice(0, 57)}...`;
}

/**
 * One ajv error (compiled with `verbose`) in plain words, starting with its JSON path; the
 * document itself is `whole` (`the contract`, `the report`). `special` words an error its
 * own way first, where a schema knows better (a pattern that means "a valid name").
 */
export function describeSchemaError(
  error: ErrorObject,
  whole: string,
  special?: (error: ErrorObject, at: string) => string | undefined,
): string {
  const path = jsonPath(error.instancePath);
  const at = path === '' ? whole : path;
  const own = special?.(error, at);
  if (own !== undefined) return own;
  const is = ` (it is ${describeValue(error.data)})`;
  const params = error.params as Record<string, unknown>;
  const list = (values: readonly unknown[]) => values.map(String).join(', ');
  switch (error.keyword) {
    case 'required': {
      const field = String(params['missingProperty']);
      return `${path === '' ? field : `${path}.${field}`} is required`;
    }
    case 'additionalProperties': {
      const known = Object.keys(
        (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
      ).filter((k) => k !== '$schema');
      return `${at} has an unknown field ${JSON.stringify(params['additionalProperty'])} (the fields are: ${list(known)})`;
    }
    case 'enum':
      return `${at} must be one of ${list(params['allowedValues'] as unknown[])}${is}`;
    case 'const':
      return `${at} must be ${JSON.stringify(params['allowedValue'])}${is}`;
    case 'type':
      return `${at} must be ${String(params['type']).split(',').map(article).join(' or ')}${is}`;
    case 'anyOf':
      return `${at} is none of the forms it may take${is}`;
    case 'pattern':
      return `${at} must match ${String(params['pattern'])}${is}`;
    case 'minimum':
      return `${at} must be at least ${String(params['limit'])}${is}`;
    case 'minItems':
      return `${at} must hold at least ${String(params['limit'])} item(s)`;
    case 'uniqueItems':
      return `${at} lists ${JSON.stringify((error.data as unknown[])[Number(params['i'])])} twice`;
    case 'minLength':
      return `${at} must not be empty`;
    default:
      return `${at} ${error.message ?? 'is not valid'}${is}`;
  }
}

const article = (type: string) =>
  type === 'null'
    ? 'null'
    : type === 'integer' || type === 'object' || type === 'array'
      ? `an ${type}`
      : `a ${type}`;
