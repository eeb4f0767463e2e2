import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { toIdentifier } from '#platform/identifiers.ts';

/**
 * The dataset a lake key or a local path belongs to: the folder below `incoming/`
 * (`incoming/My Sales/2024.csv` -> `my_sales`), else the file's name without its extensions
 * (`exports/Sales Data.csv.gz` -> `sales_data`), or its nearest folder when the name is only
 * a date or a number (`sales/2024-01.csv` -> `sales`). The caller validates the result.
 */
export function datasetFromKey(key: string): string {
  const parts = key.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
  if (parts.length >= 3 && parts[0] === 'incoming') return toIdentifier(parts[1]!);
  // The file name without extensions, or, when that is only a date or a number
  // (`sales/2024/01.csv`), the nearest folder whose name is more than that.
  const names = [parts.at(-1)!.replace(/(\.[A-Za-z0-9]+)+$/, ''), ...parts.slice(0, -1).reverse()];
  const name = names.map(toIdentifier).find((n) => !/^_?[0-9_]*$/.test(n));
  return name ?? toIdentifier(names[0] ?? '');
}

/**
 * A source file's id: the first 16 hex digits of sha256(key, NUL, etag). The same object
 * delivered twice gets the same id (so its outputs are rewritten, not doubled); a new
 * version of the key (new bytes, new etag) gets a new one.
 */
export function sourceIdOf(key: string, etag: string): string {
  return createHash('sha256').update(`${key}\0${etag}`).digest('hex').slice(0, 16);
}

/** sha256 of a local file's bytes, hex. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
