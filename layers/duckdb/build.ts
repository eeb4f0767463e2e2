/**
 * Assembles the DuckDB Lambda layer from the packages already installed in the repo's
 * node_modules: no download, no Docker, works offline.
 *
 *   layers/duckdb/build/nodejs/node_modules/@duckdb/node-api
 *                                            @duckdb/node-bindings
 *                                            @duckdb/node-bindings-linux-x64   (the native binary)
 *                                            detect-libc                        (node-bindings' one dependency)
 *
 * The native binary is the linux-x64 (glibc) build that npm installed on this machine, so the
 * layer is x86_64 only. An arm64 layer needs `@duckdb/node-bindings-linux-arm64` from the
 * registry: a later issue.
 *
 * The CDK construct calls `ensureDuckDbLayer()` at synth time; by hand: `npx tsx layers/duckdb/build.ts`.
 */
import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The packages the layer carries, in the order Node resolves them at run time. */
export const LAYER_PACKAGES = [
  '@duckdb/node-api',
  '@duckdb/node-bindings',
  '@duckdb/node-bindings-linux-x64',
  // Required by node-bindings to tell glibc from musl; it falls back to glibc without it,
  // but a declared dependency belongs in the layer.
  'detect-libc',
] as const;

/** Lambda's limit on a function plus all its layers, unzipped. */
export const LAMBDA_UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024;

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(HERE, '..', '..');
/** Written next to `nodejs/` (and excluded from the asset) to detect a stale build. */
const MANIFEST = 'manifest.json';

export interface DuckDbLayerOptions {
  /** Where the installed packages are. @default the repo root */
  readonly repoRoot?: string;
  /** The layer's root folder (holds `nodejs/`). @default layers/duckdb/build */
  readonly outDir?: string;
  /** Rebuild even when the existing build is current. @default false */
  readonly force?: boolean;
}

export interface DuckDbLayerBuild {
  /** The layer's root folder: zip its `nodejs/` folder (CDK does this) to publish it. */
  readonly dir: string;
  /** The manifest file name inside `dir`, to exclude from the asset. */
  readonly manifestFile: string;
  /** Installed version of each layer package. */
  readonly versions: Record<string, string>;
  /** Unzipped size of the layer content in bytes. */
  readonly bytes: number;
  /** Whether this call copied the packages (false: the existing build was current). */
  readonly rebuilt: boolean;
}

/** Builds the layer if it is missing or was built from other package versions; returns what is there. */
export function ensureDuckDbLayer(options: DuckDbLayerOptions = {}): DuckDbLayerBuild {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const outDir = options.outDir ?? join(HERE, 'build');
  const versions = installedVersions(repoRoot);

  let rebuilt = false;
  if (options.force || !isCurrent(outDir, versions)) {
    // Build beside the target and rename, so two synths running at once (parallel test
    // files) never see a half-copied layer.
    const staging = `${outDir}.tmp-${process.pid}-${Date.now()}`;
    for (const name of LAYER_PACKAGES) {
      cpSync(join(repoRoot, 'node_modules', name), join(staging, 'nodejs', 'node_modules', name), {
        recursive: true,
        dereference: true,
      });
    }
    writeFileSync(join(staging, MANIFEST), JSON.stringify({ versions }, null, 2) + '\n');
    rmSync(outDir, { recursive: true, force: true });
    try {
      renameSync(staging, outDir);
      rebuilt = true;
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      // Another process renamed its build in first; fine if it is current.
      if (!isCurrent(outDir, versions)) throw error;
    }
  }

  const bytes = folderBytes(join(outDir, 'nodejs'));
  if (bytes >= LAMBDA_UNZIPPED_LIMIT_BYTES) {
    throw new Error(
      `DuckDB layer is ${mb(bytes)} unzipped; Lambda allows ${mb(LAMBDA_UNZIPPED_LIMIT_BYTES)} for a function and its layers`,
    );
  }
  return { dir: outDir, manifestFile: MANIFEST, versions, bytes, rebuilt };
}

function installedVersions(repoRoot: string): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of LAYER_PACKAGES) {
    const manifest = join(repoRoot, 'node_modules', name, 'package.json');
    if (!existsSync(manifest)) {
      throw new Error(
        `${name} is not installed in ${repoRoot}/node_modules. The DuckDB layer is copied from the ` +
          `installed linux-x64 packages; on another platform run \`npm install --os=linux --cpu=x64\` first.`,
      );
    }
    versions[name] = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
  }
  return versions;
}

function isCurrent(outDir: string, versions: Record<string, string>): boolean {
  const manifestPath = join(outDir, MANIFEST);
  if (!existsSync(manifestPath)) return false;
  try {
    const built =
      (JSON.parse(readFileSync(manifestPath, 'utf8')) as { versions?: Record<string, string> })
        .versions ?? {};
    return LAYER_PACKAGES.every(
      (name) =>
        built[name] === versions[name] &&
        existsSync(join(outDir, 'nodejs', 'node_modules', name, 'package.json')),
    );
  } catch {
    return false;
  }
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(path) : statSync(path).size;
  }
  return total;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

// `npx tsx layers/duckdb/build.ts [--force]`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const build = ensureDuckDbLayer({ force: process.argv.includes('--force') });
  console.log(
    `${build.rebuilt ? 'built' : 'up to date'}: ${build.dir} (${mb(build.bytes)} unzipped, limit ${mb(LAMBDA_UNZIPPED_LIMIT_BYTES)})`,
  );
  for (const [name, version] of Object.entries(build.versions)) console.log(`  ${name}@${version}`);
}
