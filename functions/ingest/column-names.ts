import { isIdentifier, toIdentifier } from '#platform/identifiers.ts';

/**
 * Names DuckDB gives the hive partition folders (`month=2024-01`, `snapshot=...`): a column
 * of the same name would be shadowed by the folder's value when the lake is read with
 * `hive_partitioning = true`, so such a column is renamed `<name>_value`.
 */
const PARTITION_NAMES = new Set(['month', 'snapshot']);

/**
 * Identifiers for the header; a header that gives no name, or gives two columns the same
 * name, makes a header error (the file's rows are still read, so that they can be
 * quarantined rather than lost).
 */
export function nameColumns(
  key: string,
  header: string[],
): { names: string[]; headerError?: string } {
  const names = header.map((h) => {
    const name = toIdentifier(h);
    return PARTITION_NAMES.has(name) ? `${name}_value` : name;
  });
  const firstOf = new Map<string, number>();
  for (const [i, name] of names.entries()) {
    const raw = header[i]!;
    if (raw.trim() === '' || !isIdentifier(name)) {
      return {
        names: positional(header),
        headerError: `${key}: column ${i + 1} of the header has no usable name (${JSON.stringify(raw)})`,
      };
    }
    const earlier = firstOf.get(name);
    if (earlier !== undefined) {
      return {
        names: positional(header),
        headerError: `${key}: header columns ${earlier + 1} (${JSON.stringify(header[earlier])}) and ${i + 1} (${JSON.stringify(raw)}) both name the column ${name}`,
      };
    }
    firstOf.set(name, i);
  }
  return { names };
}

/** Keys for the values of a file whose header is unusable: `1: Name`, `2: Name`. */
function positional(header: string[]): string[] {
  return header.map((h, i) => `${i + 1}: ${h}`);
}
