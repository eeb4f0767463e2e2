import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { toIdentifier } from '#platform/identifiers.ts';

/**
 * The dataset a lake key belongs to: the folder below `incoming/` (`incoming/sales/2024.csv`
 * -> `sales`, taken as written and validated by the caller), else the file's base name
 * without its extensions (`exports/Sales Data.csv.gz` -> `sales_data`).
 */
export function datasetFromKey(key: string): string {
  const parts = key.split('/').filter((p) => p !== '');
  if (parts.length >= 3 && parts[0] === 'incoming') return parts[1]!;
  const file = parts.at(-1) ?? '';
  return toIdentifier(file.replace(/(\.[A-Za-z0-9]+)+$/, ''));
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
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
