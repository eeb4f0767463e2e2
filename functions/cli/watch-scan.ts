import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SeenFile } from './watch-schedule.ts';

/**
 * Every file below `root` with its size and mtime, paths `/`-separated. Hidden folders are
 * not entered (`.git` can be large) and symlinked folders are not followed (no cycles); a
 * file or folder that vanishes during the scan is left out. A missing `root` throws.
 */
export async function scanFolder(root: string): Promise<SeenFile[]> {
  const files: SeenFile[] = [];
  const visit = async (dir: string, prefix: string, entries: Dirent[]) => {
    for (const entry of entries) {
      const path = prefix + entry.name;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.')) await visit(full, `${path}/`, await listOrEmpty(full));
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        const s = await stat(full).catch(ignoreVanished);
        if (s?.isFile()) files.push({ path, size: s.size, mtimeMs: s.mtimeMs });
      }
    }
  };
  await visit(root, '', await readdir(root, { withFileTypes: true }));
  return files;
}

const listOrEmpty = (dir: string) =>
  readdir(dir, { withFileTypes: true }).catch((error: unknown) => ignoreVanished(error) ?? []);

function ignoreVanished(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  throw error;
}
