import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  copyFile,
  link,
  mkdir,
  readFile,
  readdir,
  rename,
  rm,
  stat,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { NotFoundError } from '../errors.ts';
import { assertLakeKey, lakeKeyProblem } from '../identifiers.ts';
import type { BlobInfo, BlobStore } from '../ports.ts';

/**
 * The hash behind a local object's ETag. Not S3's MD5: the port asks only for a content
 * fingerprint, and SHA-256 runs at twice MD5's speed here (it has CPU instructions).
 */
export function etagHash(): Hash {
  return createHash('sha256');
}

/**
 * The lake as a folder: keys are paths below `root`. Writes go to a temp file, then rename.
 * A key that the folder would resolve differently from S3 (`..`, `.`, `//`: path
 * traversal, or two keys for one file) is refused with an InputRejectedError.
 */
export function fsBlobStore(root: string): BlobStore {
  const base = resolve(root);
  /** `folder`: the root (`''`) or a folder (`a/b/`), for `url` and `list`. */
  const pathOf = (key: string, folder = false): string => {
    assertLakeKey(key, { folder });
    const path = resolve(base, key);
    // Belt and braces: no key that passed the check above gets here.
    if (path !== base && !path.startsWith(base + sep)) {
      throw new Error(`Key ${JSON.stringify(key)} points outside the lake ${base}`);
    }
    return path;
  };
  // A hash of the bytes (etagHash); streamed (objects can be gigabytes) and remembered
  // while the file's size, time and inode stay the same.
  const etags = new Map<string, { stamp: string; etag: string }>();
  const info = async (key: string): Promise<BlobInfo | undefined> => {
    try {
      const path = pathOf(key);
      const s = await stat(path, { bigint: true });
      if (!s.isFile()) return undefined;
      const stamp = `${s.size}:${s.mtimeNs}:${s.ino}`;
      let etag = etags.get(path)?.stamp === stamp ? etags.get(path)!.etag : undefined;
      if (etag === undefined) {
        const hash = etagHash();
        for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
          hash.update(chunk as Buffer);
        }
        etag = hash.digest('hex');
        etags.set(path, { stamp, etag });
      }
      return { key, size: Number(s.size), etag, sha256: etag };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  const read = async (key: string): Promise<Buffer> => {
    try {
      return await readFile(pathOf(key));
    } catch (error) {
      if (isNotFound(error)) throw new NotFoundError(`No object at ${pathOf(key)}`);
      throw error;
    }
  };
  const writeAtomically = async (key: string, write: (tmp: string) => Promise<void>) => {
    const path = pathOf(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await write(tmp);
    await rename(tmp, path);
    return (await info(key))!;
  };

  const listKeys = async (prefix: string): Promise<string[]> => {
    // Walk only the folder the prefix names, not the whole lake.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    const files = await walk(pathOf(folder, true));
    return (
      files
        .map((file) => relative(base, file).split(sep).join('/'))
        // A file put in the folder by other means under a name no key may have is not listed.
        .filter((key) => key.startsWith(prefix) && !key.endsWith('.tmp') && !lakeKeyProblem(key))
        .sort()
    );
  };

  return {
    url: (key) => pathOf(key, true),
    head: info,
    getBytes: async (key) => new Uint8Array(await read(key)),
    getText: async (key) => (await read(key)).toString('utf8'),
    put: (key, body) => writeAtomically(key, (tmp) => writeFile(tmp, body)),
    download: async (key, localPath) => {
      await mkdir(dirname(localPath), { recursive: true });
      try {
        // A second name for the same bytes: no copy of a large file, and a snapshot even if
        // the object is replaced meanwhile (writes rename a new file into place). Across
        // filesystems, a copy.
        await link(pathOf(key), localPath).catch(async (error: NodeJS.ErrnoException) => {
          if (error.code !== 'EXDEV' && error.code !== 'EPERM') throw error;
          await copyFile(pathOf(key), localPath);
        });
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`No object at ${pathOf(key)}`);
        throw error;
      }
      return localPath;
    },
    upload: (localPath, key) => writeAtomically(key, (tmp) => copyFile(localPath, tmp)),
    copy: async (fromKey, toKey) => {
      try {
        await writeAtomically(toKey, (tmp) => copyFile(pathOf(fromKey), tmp));
      } catch (error) {
        if (isNotFound(error)) throw new NotFoundError(`No object at ${pathOf(fromKey)}`);
        throw error;
      }
    },
    list: async (prefix) => {
      const infos = await Promise.all((await listKeys(prefix)).map(info));
      return infos.filter((i): i is BlobInfo => i !== undefined);
    },
    listKeys,
    delete: async (key) => {
      await rm(pathOf(key), { force: true });
    },
  };
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  const nested = await Promise.all(
    entries.map((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? walk(path) : Promise.resolve(entry.isFile() ? [path] : []);
    }),
  );
  return nested.flat();
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException)?.code === 'ENOENT';
}
