/**
 * Assembles the DuckDB Lambda layer for either Lambda architecture:
 *
 *   layers/duckdb/build[-arm64]/nodejs/node_modules/@duckdb/node-api
 *                                                   @duckdb/node-bindings
 *                                                   @duckdb/node-bindings-linux-x64|arm64  (the native binary)
 *                                                   detect-libc   (node-bindings' one dependency)
 *
 * x86_64 (the default, layers/duckdb/build): every package is copied from the repo's
 * node_modules, where npm installed the linux-x64 (glibc) binding on this machine: no
 * download, no Docker, works offline. The CDK construct builds it at synth time when missing
 * or stale.
 *
 * arm64 (layers/duckdb/build-arm64): the JavaScript packages are copied the same way; the
 * linux-arm64 (glibc) binding, which npm does not install on x64, is the tarball of
 * `@duckdb/node-bindings-linux-arm64` at the version and sha512 integrity package-lock.json
 * records, obtained with `npm pack` (npm's cache first, the registry otherwise), verified
 * against that integrity and extracted. Only `npm run layer:arm64` downloads: synth uses an
 * existing, current arm64 build and otherwise fails naming that command, so synth stays
 * offline.
 *
 * By hand: `npx tsx layers/duckdb/build.ts [--arch x86_64|arm64] [--force]`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The packages of the x86_64 layer, in the order Node resolves them at run time. */
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

/** The Lambda architectures the layer is built for, in Lambda's spelling. */
export const DUCKDB_ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type DuckDbArchitecture = (typeof DUCKDB_ARCHITECTURES)[number];

export const isDuckDbArchitecture = (value: unknown): value is DuckDbArchitecture =>
  (DUCKDB_ARCHITECTURES as readonly unknown[]).includes(value);

/** The native binding of each architecture (glibc, as on Lambda's Amazon Linux 2023). */
export const BINDING_PACKAGES = {
  x86_64: '@duckdb/node-bindings-linux-x64',
  arm64: '@duckdb/node-bindings-linux-arm64',
} as const satisfies Record<DuckDbArchitecture, string>;

/** ELF `e_machine` of each architecture's binary: EM_X86_64 and EM_AARCH64. */
export const ELF_MACHINES: Record<DuckDbArchitecture, number> = { x86_64: 62, arm64: 183 };

/** Builds the arm64 layer: the one command that downloads (synth never does). */
export const ARM64_BUILD_COMMAND = 'npm run layer:arm64';

/** The packages of an architecture's layer: LAYER_PACKAGES with that architecture's binding. */
export const layerPackages = (architecture: DuckDbArchitecture): string[] =>
  LAYER_PACKAGES.map((name) =>
    name === BINDING_PACKAGES.x86_64 ? BINDING_PACKAGES[architecture] : name,
  );

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = join(HERE, '..', '..');
/** Written next to `nodejs/` (and excluded from the asset) to detect a stale build. */
const MANIFEST = 'manifest.json';

/** Where an architecture's layer is built unless told otherwise. */
export const defaultLayerDir = (architecture: DuckDbArchitecture): string =>
  join(HERE, architecture === 'arm64' ? 'build-arm64' : 'build');

/** A package as package-lock.json pins it. */
export interface LockedPackage {
  readonly name: string;
  readonly version: string;
  /** Subresource Integrity, e.g. `sha512-<base64>`. */
  readonly integrity: string;
}

/**
 * Puts the tarball of a locked package in `destDir` and returns its path. It need not check
 * the tarball: the build verifies it against the lockfile's integrity before using it.
 */
export type TarballSource = (pkg: LockedPackage, destDir: string) => string;

export interface DuckDbLayerOptions {
  /** The Lambda architecture whose native binding the layer carries. @default 'x86_64' */
  readonly architecture?: DuckDbArchitecture;
  /** Where the installed packages are. @default the repo root */
  readonly repoRoot?: string;
  /** The layer's root folder (holds `nodejs/`). @default layers/duckdb/build, or build-arm64 */
  readonly outDir?: string;
  /** Rebuild even when the existing build is current. @default false */
  readonly force?: boolean;
  /** arm64: the lockfile that pins the binding's version and integrity. @default <repoRoot>/package-lock.json */
  readonly lockfile?: string;
  /**
   * arm64: where the binding's tarball comes from when the build is missing, stale or forced
   * (`npmPackTarball()`: npm's cache, else the registry). Without one such a build is an error
   * that names `npm run layer:arm64`: synth passes none, so it never downloads.
   * @default - none
   */
  readonly tarballSource?: TarballSource;
  /** arm64: where the tarball is put. @default <repoRoot>/node_modules/.cache/insights-duckdb-layer */
  readonly cacheDir?: string;
}

export interface DuckDbLayerBuild {
  readonly architecture: DuckDbArchitecture;
  /** The layer's root folder: zip its `nodejs/` folder (CDK does this) to publish it. */
  readonly dir: string;
  /** The manifest file name inside `dir`, to exclude from the asset. */
  readonly manifestFile: string;
  /** Version of each layer package: as installed, the arm64 binding as locked. */
  readonly versions: Record<string, string>;
  /** Unzipped size of the layer content in bytes. */
  readonly bytes: number;
  /** Whether this call copied the packages (false: the existing build was current). */
  readonly rebuilt: boolean;
  /** arm64, when this call built: the verified tarball the binding came from. */
  readonly tarball?: { readonly path: string; readonly bytes: number };
}

/** Builds the layer if it is missing or was built from other package versions; returns what is there. */
export function ensureDuckDbLayer(options: DuckDbLayerOptions = {}): DuckDbLayerBuild {
  const architecture = options.architecture ?? 'x86_64';
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const outDir = options.outDir ?? defaultLayerDir(architecture);
  const packages = layerPackages(architecture);
  // arm64: the binding is not installed here; the lockfile pins it.
  const locked =
    architecture === 'arm64'
      ? lockedBinding(repoRoot, options.lockfile ?? join(repoRoot, 'package-lock.json'))
      : undefined;
  const versions = installedVersions(
    repoRoot,
    packages.filter((name) => name !== locked?.name),
  );
  if (locked) versions[locked.name] = locked.version;

  let rebuilt = false;
  let tarball: DuckDbLayerBuild['tarball'];
  if (options.force || !isCurrent(outDir, architecture, packages, versions)) {
    if (locked) {
      if (!options.tarballSource) throw new Error(arm64BuildNeeded(outDir, locked));
      // Fetched and verified before anything is written: a refused tarball leaves no build.
      tarball = verifiedTarball(
        locked,
        options.tarballSource,
        options.cacheDir ?? join(repoRoot, 'node_modules', '.cache', 'insights-duckdb-layer'),
      );
    }
    // Build beside the target and rename, so two synths running at once (parallel test
    // files) never see a half-copied layer.
    const staging = `${outDir}.tmp-${process.pid}-${Date.now()}`;
    try {
      for (const name of packages) {
        const target = join(staging, 'nodejs', 'node_modules', name);
        if (locked && tarball && name === locked.name) {
          unpack(tarball.path, locked, target);
        } else {
          // The JavaScript packages are the same on every architecture.
          cpSync(join(repoRoot, 'node_modules', name), target, {
            recursive: true,
            dereference: true,
          });
        }
      }
      checkBinary(
        join(staging, 'nodejs', 'node_modules', BINDING_PACKAGES[architecture], 'duckdb.node'),
        architecture,
      );
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      throw error;
    }
    // Staleness is by version (a registry version never changes its content); the integrity
    // the tarball was verified against is recorded for whoever inspects the build.
    const manifest = locked
      ? { architecture, versions, integrity: { [locked.name]: locked.integrity } }
      : { versions };
    writeFileSync(join(staging, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    rmSync(outDir, { recursive: true, force: true });
    try {
      renameSync(staging, outDir);
      rebuilt = true;
    } catch (error) {
      rmSync(staging, { recursive: true, force: true });
      // Another process renamed its build in first; fine if it is current.
      if (!isCurrent(outDir, architecture, packages, versions)) throw error;
    }
  }

  const bytes = folderBytes(join(outDir, 'nodejs'));
  if (bytes >= LAMBDA_UNZIPPED_LIMIT_BYTES) {
    throw new Error(
      `DuckDB ${architecture} layer is ${mb(bytes)} unzipped; Lambda allows ${mb(LAMBDA_UNZIPPED_LIMIT_BYTES)} for a function and its layers`,
    );
  }
  return {
    architecture,
    dir: outDir,
    manifestFile: MANIFEST,
    versions,
    bytes,
    rebuilt,
    ...(tarball ? { tarball } : {}),
  };
}

function arm64BuildNeeded(outDir: string, locked: LockedPackage): string {
  const state = existsSync(join(outDir, MANIFEST)) ? 'out of date' : 'missing';
  const shown = relative(process.cwd(), outDir);
  return (
    `The arm64 DuckDB layer (${shown && !shown.startsWith('..') ? shown : outDir}) is ${state}: it needs ` +
    `${locked.name}@${locked.version} (as package-lock.json pins it), which npm does not install ` +
    `on this machine and synth does not download. Build it once with \`${ARM64_BUILD_COMMAND}\` ` +
    `(npm's cache, else the npm registry; checked against the lockfile's integrity), then synth ` +
    `again; or leave insights:duckdbArchitecture at x86_64.`
  );
}

/**
 * The arm64 binding as package-lock.json records it; it must also be the version the installed
 * `@duckdb/node-bindings` asks for, or the layer would load a binary of another release.
 */
export function lockedBinding(repoRoot: string, lockfile: string): LockedPackage {
  const name = BINDING_PACKAGES.arm64;
  const lock = JSON.parse(readFileSync(lockfile, 'utf8')) as {
    packages?: Record<string, { version?: string; integrity?: string }>;
  };
  const entry = lock.packages?.[`node_modules/${name}`];
  if (!entry?.version || !entry.integrity) {
    throw new Error(
      `${lockfile} records no version and integrity for node_modules/${name}; ` +
        'run `npm install` (npm records every optional platform binding) and try again.',
    );
  }
  const bindingsManifest = join(repoRoot, 'node_modules', '@duckdb/node-bindings', 'package.json');
  if (existsSync(bindingsManifest)) {
    const wanted = (
      JSON.parse(readFileSync(bindingsManifest, 'utf8')) as {
        optionalDependencies?: Record<string, string>;
      }
    ).optionalDependencies?.[name];
    if (wanted !== undefined && wanted !== entry.version) {
      throw new Error(
        `${lockfile} pins ${name}@${entry.version} but the installed @duckdb/node-bindings ` +
          `wants ${wanted}; run \`npm install\` so the lockfile and node_modules agree.`,
      );
    }
  }
  return { name, version: entry.version, integrity: entry.integrity };
}

/** `sha512-<base64>` of a file, as Subresource Integrity writes it. */
export const sha512Integrity = (data: Buffer): string =>
  `sha512-${createHash('sha512').update(data).digest('base64')}`;

function verifiedTarball(
  pkg: LockedPackage,
  source: TarballSource,
  cacheDir: string,
): { path: string; bytes: number } {
  mkdirSync(cacheDir, { recursive: true });
  const path = source(pkg, cacheDir);
  const data = readFileSync(path);
  const expected = pkg.integrity.split(/\s+/).filter((hash) => hash.startsWith('sha512-'));
  if (expected.length === 0) {
    throw new Error(
      `package-lock.json records no sha512 integrity for ${pkg.name}@${pkg.version} ` +
        `("${pkg.integrity}"); refusing a tarball that cannot be verified.`,
    );
  }
  const actual = sha512Integrity(data);
  if (!expected.includes(actual)) {
    throw new Error(
      `Integrity mismatch: ${path} is not ${pkg.name}@${pkg.version} as package-lock.json ` +
        `records it (tarball ${actual}, lockfile ${expected.join(' or ')}). Refusing to build ` +
        'the layer from it.',
    );
  }
  return { path, bytes: data.length };
}

/** Extracts an npm tarball (its files under `package/`) into `target`, and checks what it holds. */
function unpack(tarball: string, pkg: LockedPackage, target: string): void {
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1', '--no-same-owner'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const manifest = join(target, 'package.json');
  const found = existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string })
    : {};
  if (found.name !== pkg.name || found.version !== pkg.version) {
    throw new Error(
      `${tarball} holds ${found.name ?? 'no package.json'}@${found.version ?? '?'}, not ${pkg.name}@${pkg.version}`,
    );
  }
}

/** The ELF `e_machine` of a binary (62 x86-64, 183 AArch64), or undefined when it is no ELF file. */
export function elfMachine(path: string): number | undefined {
  const header = Buffer.alloc(20);
  const fd = openSync(path, 'r');
  try {
    if (readSync(fd, header, 0, 20, 0) < 20) return undefined;
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return undefined; // \x7fELF
  // EI_DATA: 1 little-endian, 2 big-endian.
  return header[5] === 2 ? header.readUInt16BE(18) : header.readUInt16LE(18);
}

function checkBinary(path: string, architecture: DuckDbArchitecture): void {
  if (!existsSync(path)) throw new Error(`The DuckDB ${architecture} layer has no ${path}`);
  const machine = elfMachine(path);
  if (machine !== ELF_MACHINES[architecture]) {
    throw new Error(
      `${path} is not a Linux ${architecture} binary (ELF e_machine ${machine ?? 'none'}, ` +
        `expected ${ELF_MACHINES[architecture]}); the layer would fail to load DuckDB.`,
    );
  }
}

/**
 * The registry as a tarball source: `npm pack <name>@<version>` into the destination, first
 * `--offline` (npm's cache only), then `--prefer-offline` (the registry when the cache misses).
 */
export function npmPackTarball(options: { cwd?: string } = {}): TarballSource {
  return (pkg, destDir) => {
    const spec = `${pkg.name}@${pkg.version}`;
    const failures: string[] = [];
    for (const mode of ['--offline', '--prefer-offline']) {
      try {
        const out = execFileSync(
          'npm',
          ['pack', spec, '--pack-destination', destDir, '--json', mode],
          {
            cwd: options.cwd ?? destDir,
            encoding: 'utf8',
            stdio: ['ignore', 'pipe', 'pipe'],
            timeout: 15 * 60 * 1000,
          },
        );
        const [packed] = JSON.parse(out) as { filename: string }[];
        const path = join(destDir, packed!.filename);
        if (existsSync(path)) return path;
        failures.push(`npm pack ${mode}: printed ${packed!.filename}, which is not in ${destDir}`);
      } catch (error) {
        const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
        failures.push(
          `npm pack ${mode}: ${stderr.split('\n').slice(-3).join(' | ') || (error as Error).message}`,
        );
      }
    }
    throw new Error(`Could not fetch ${spec} with npm pack:\n- ${failures.join('\n- ')}`);
  };
}

function installedVersions(repoRoot: string, names: readonly string[]): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const name of names) {
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

function isCurrent(
  outDir: string,
  architecture: DuckDbArchitecture,
  packages: readonly string[],
  versions: Record<string, string>,
): boolean {
  const manifestPath = join(outDir, MANIFEST);
  if (!existsSync(manifestPath)) return false;
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      architecture?: string;
      versions?: Record<string, string>;
    };
    // A manifest without an architecture is an x86_64 build from before arm64 existed.
    if ((manifest.architecture ?? 'x86_64') !== architecture) return false;
    const built = manifest.versions ?? {};
    return packages.every(
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

// `npx tsx layers/duckdb/build.ts [--arch x86_64|arm64] [--force]`
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const at = args.findIndex((a) => a === '--arch' || a.startsWith('--arch='));
  const arch = at < 0 ? 'x86_64' : (args[at]!.split('=')[1] ?? args[at + 1]);
  if (!isDuckDbArchitecture(arch)) {
    console.error(`--arch must be one of ${DUCKDB_ARCHITECTURES.join(', ')}; got ${arch}`);
    process.exit(2);
  }
  const started = performance.now();
  const build = ensureDuckDbLayer({
    architecture: arch,
    force: args.includes('--force'),
    // Only this command downloads (the x86_64 layer needs nothing but node_modules).
    ...(arch === 'arm64' ? { tarballSource: npmPackTarball() } : {}),
  });
  console.log(
    `${build.rebuilt ? 'built' : 'up to date'}: ${build.dir} (${arch}, ${mb(build.bytes)} unzipped, limit ${mb(LAMBDA_UNZIPPED_LIMIT_BYTES)}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  for (const [name, version] of Object.entries(build.versions)) console.log(`  ${name}@${version}`);
  if (build.tarball)
    console.log(
      `  from ${build.tarball.path} (${mb(build.tarball.bytes)}, sha512 as package-lock.json records it)`,
    );
}
