import { InputRejectedError } from './errors.ts';

/** Dataset and column names become SQL identifiers and lake paths: keep them boring. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

export function assertIdentifier(name: string, what: string): string {
  if (!IDENTIFIER.test(name)) {
    throw new InputRejectedError(
      `${what} ${JSON.stringify(name)} is not a valid name: use lower-case letters, digits and _, starting with a letter or _ (at most 63 characters)`,
    );
  }
  return name;
}

/** Turns a header or file name into an identifier: `Net Amount ($)` -> `net_amount`. */
export function toIdentifier(raw: string): string {
  const cleaned = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const name = /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned || '_';
  return name.slice(0, 63);
}
