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

/**
 * In AWS a dataset is two Glue objects: its view, named after the dataset, and the table of its
 * Parquet files, named with this suffix (functions/platform/aws/glue-view.ts). A dataset
 * named with it could take another dataset's files table, so no dataset may be.
 * `toIdentifier` never makes `__`, so only a name given by hand can end so.
 */
export const FILES_TABLE_SUFFIX = '__files';

/** A dataset's name: an identifier that does not end in FILES_TABLE_SUFFIX. */
export function assertDatasetName(name: string): string {
  assertIdentifier(name, 'Dataset');
  if (name.endsWith(FILES_TABLE_SUFFIX)) {
    throw new InputRejectedError(
      `Dataset ${JSON.stringify(name)} is not a valid name: names ending in ${FILES_TABLE_SUFFIX} are reserved for the tables of the datasets' files in AWS`,
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

/**
 * Why `key` is not a safe lake key, or undefined when it is one. A key names one object
 * below the lake root, `/`-separated, as S3 has it; a folder on disk (the local lake)
 * would resolve `..` and `.` and fold `//`, so that a key could leave its folder
 * (`incoming/../etc/x.csv` is `etc/x.csv`) or two keys could name one file
 * (`incoming//orders/x.csv`, whose rows would then be ingested twice). Such keys are
 * refused, in both runtimes, as is a NUL. Quotes, spaces, `;` and the like are fine: a key
 * never goes into SQL (the engine reads a local copy) and is JSON-escaped where it is kept.
 * `folder` allows `''` (the root) and a trailing `/`, for listings and messages.
 */
export function lakeKeyProblem(key: string, { folder = false } = {}): string | undefined {
  if (key === '') return folder ? undefined : 'it is empty';
  if (key.startsWith('/')) return 'it starts with "/" (an absolute path)';
  if (key.includes('\0')) return 'it holds a NUL character';
  const segments = key.split('/');
  if (folder && segments.at(-1) === '') segments.pop();
  for (const segment of segments) {
    if (segment === '') return 'it has an empty path segment ("//", or a "/" at the end)';
    // A backslash separates folders on Windows: `a\..\b` would leave its folder there.
    for (const part of segment.split('\\')) {
      if (part === '..') return 'it has a ".." path segment, which would leave its folder';
      if (part === '.') return 'it has a "." path segment';
    }
  }
  return undefined;
}

/** The key, when it is safe (`lakeKeyProblem`); otherwise an InputRejectedError that says why. */
export function assertLakeKey(key: string, options: { folder?: boolean } = {}): string {
  const problem = lakeKeyProblem(key, options);
  if (problem !== undefined) {
    throw new InputRejectedError(
      `Key ${JSON.stringify(key)} is not a safe lake key: ${problem}. Keys name objects directly (no path traversal)`,
      { file: key },
    );
  }
  return key;
}
