import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARM64_BUILD_COMMAND,
  BINDING_PACKAGES,
  elfMachine,
  ensureDuckDbLayer,
  LAMBDA_UNZIPPED_LIMIT_BYTES,
  LAYER_PACKAGES,
  lockedBinding,
  sha512Integrity,
  type DuckDbLayerBuild,
  type LockedPackage,
  type TarballSource,
} from '../../layers/duckdb/build.ts';
import { DUCKDB_LAYER_DIR_CONTEXT } from '../../infra/constructs/duckdb-layer.ts';
import { REPO_ROOT } from '../../infra/paths.ts';
import { buildTestApp, functionsOf, logicalId, templateOf } from './synth.ts';

const installed = (name: string) =>
  (
    JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

describe('DuckDB layer build (offline, from node_modules)', () => {
  // Outside the repo, so nothing can be resolved from the repo's node_modules by accident.
  const root = mkdtempSync(join(tmpdir(), 'insights-layer-'));
  const outDir = join(root, 'build');
  let first: DuckDbLayerBuild;

  beforeAll(() => {
    first = ensureDuckDbLayer({ outDir });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lays the packages out where Lambda looks for them: nodejs/node_modules', () => {
    expect(first.rebuilt).toBe(true);
    for (const name of LAYER_PACKAGES) {
      expect(existsSync(join(outDir, 'nodejs', 'node_modules', name, 'package.json'))).toBe(true);
      expect(first.versions[name]).toBe(installed(name));
    }
    expect(
      existsSync(
        join(outDir, 'nodejs', 'node_modules', '@duckdb/node-bindings-linux-x64/duckdb.node'),
      ),
    ).toBe(true);
  });

  it('fits in Lambda with room for the function (250 MB unzipped for both)', () => {
    expect(first.bytes).toBeLessThan(LAMBDA_UNZIPPED_LIMIT_BYTES - 100 * 1024 * 1024);
  });

  it('leaves a current build alone and rebuilds a stale one', () => {
    expect(ensureDuckDbLayer({ outDir }).rebuilt).toBe(false);
    const manifest = join(outDir, first.manifestFile);
    const stale = JSON.parse(readFileSync(manifest, 'utf8')) as {
      versions: Record<string, string>;
    };
    stale.versions['@duckdb/node-api'] = '0.0.1';
    writeFileSync(manifest, JSON.stringify(stale));
    const again = ensureDuckDbLayer({ outDir });
    expect(again.rebuilt).toBe(true);
    expect(again.versions['@duckdb/node-api']).toBe(installed('@duckdb/node-api'));
  });

  it('runs DuckDB from the layer alone, imported the way the ESM bundle imports it', () => {
    const script = [
      "import { DuckDBInstance } from '@duckdb/node-api';",
      'const db = await DuckDBInstance.create(":memory:");',
      'const connection = await db.connect();',
      "const reader = await connection.runAndReadAll('select 6 * 7 as answer');",
      'console.log(JSON.stringify(reader.getRowObjectsJson()));',
    ].join('\n');
    // cwd = the layer's nodejs/ folder: the bare specifier resolves from nodejs/node_modules only.
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(outDir, 'nodejs'),
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual([{ answer: 42 }]);
  });
});

/** A stand-in for a registry tarball: `package/` with a package.json and an ELF header. */
function fakeBindingTarball(dir: string, version: string, elfMachine: number): string {
  const src = join(dir, `src-${elfMachine}`);
  mkdirSync(join(src, 'package'), { recursive: true });
  writeFileSync(
    join(src, 'package', 'package.json'),
    JSON.stringify({ name: BINDING_PACKAGES.arm64, version, os: ['linux'], cpu: ['arm64'] }),
  );
  // ELF64, little-endian, shared object; e_machine at byte 18.
  const header = Buffer.alloc(64);
  header.write('\x7fELF', 0, 'latin1');
  header[4] = 2;
  header[5] = 1;
  header[6] = 1;
  header.writeUInt16LE(3, 16);
  header.writeUInt16LE(elfMachine, 18);
  writeFileSync(join(src, 'package', 'duckdb.node'), header);
  const tarball = join(dir, `binding-${elfMachine}.tgz`);
  execFileSync('tar', ['-czf', tarball, '-C', src, 'package']);
  return tarball;
}

/** A package-lock.json that pins the arm64 binding at `version` with `integrity`. */
function lockfileWith(dir: string, file: string, version: string, integrity: string): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    JSON.stringify({
      lockfileVersion: 3,
      packages: { [`node_modules/${BINDING_PACKAGES.arm64}`]: { version, integrity } },
    }),
  );
  return path;
}

describe('arm64 DuckDB layer (the binding from a tarball verified against the lockfile)', () => {
  const root = mkdtempSync(join(tmpdir(), 'insights-layer-arm64-'));
  const cacheDir = join(root, 'cache');
  const outDir = join(root, 'build-arm64');
  // The version the repo's lockfile pins: the fake build must be current for synth.
  const pinned = lockedBinding(REPO_ROOT, join(REPO_ROOT, 'package-lock.json'));
  const arm64Tarball = fakeBindingTarball(root, pinned.version, 183);
  const lockfile = lockfileWith(
    root,
    'package-lock.json',
    pinned.version,
    sha512Integrity(readFileSync(arm64Tarball)),
  );
  const asked: LockedPackage[] = [];
  /** Serves a fixed file the way npmPackTarball serves the registry's: copied into destDir. */
  const serve =
    (tarball: string): TarballSource =>
    (pkg, destDir) => {
      asked.push(pkg);
      const path = join(destDir, 'duckdb-node-bindings-linux-arm64.tgz');
      copyFileSync(tarball, path);
      return path;
    };
  let build: DuckDbLayerBuild;

  beforeAll(() => {
    build = ensureDuckDbLayer({
      architecture: 'arm64',
      outDir,
      lockfile,
      cacheDir,
      tarballSource: serve(arm64Tarball),
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('reads the binding version and integrity from package-lock.json, as node-bindings wants them', () => {
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version: string; integrity: string }>;
    };
    const entry = lock.packages[`node_modules/${BINDING_PACKAGES.arm64}`]!;
    expect(pinned).toEqual({
      name: BINDING_PACKAGES.arm64,
      version: entry.version,
      integrity: entry.integrity,
    });
    expect(pinned.integrity).toMatch(/^sha512-/);
    expect(
      (
        JSON.parse(
          readFileSync(
            join(REPO_ROOT, 'node_modules', '@duckdb/node-bindings', 'package.json'),
            'utf8',
          ),
        ) as { optionalDependencies: Record<string, string> }
      ).optionalDependencies[BINDING_PACKAGES.arm64],
    ).toBe(pinned.version);
  });

  it('builds from a tarball whose sha512 is the lockfile integrity, the arm64 binding in place of the x64 one', () => {
    expect(asked).toEqual([{ ...pinned, integrity: sha512Integrity(readFileSync(arm64Tarball)) }]);
    expect(build.rebuilt).toBe(true);
    expect(build.architecture).toBe('arm64');
    expect(build.tarball?.bytes).toBe(readFileSync(arm64Tarball).length);
    const modules = join(outDir, 'nodejs', 'node_modules');
    expect(elfMachine(join(modules, BINDING_PACKAGES.arm64, 'duckdb.node'))).toBe(183);
    expect(existsSync(join(modules, BINDING_PACKAGES.x86_64))).toBe(false);
    for (const name of ['@duckdb/node-api', '@duckdb/node-bindings', 'detect-libc'])
      expect(existsSync(join(modules, name, 'package.json')), name).toBe(true);
    expect(build.versions[BINDING_PACKAGES.arm64]).toBe(pinned.version);
    expect(build.bytes).toBeLessThan(LAMBDA_UNZIPPED_LIMIT_BYTES);
  });

  it('uses a current arm64 build without fetching anything, as synth does', () => {
    const before = asked.length;
    const again = ensureDuckDbLayer({ architecture: 'arm64', outDir, lockfile });
    expect(again.rebuilt).toBe(false);
    expect(asked.length).toBe(before);
  });

  it('refuses a tarball whose sha512 is not the lockfile integrity, and leaves no build', () => {
    const dir = join(root, 'refused');
    const wrong = lockfileWith(
      root,
      'wrong-lock.json',
      pinned.version,
      sha512Integrity(Buffer.from('another tarball')),
    );
    expect(() =>
      ensureDuckDbLayer({
        architecture: 'arm64',
        outDir: dir,
        lockfile: wrong,
        cacheDir,
        tarballSource: serve(arm64Tarball),
      }),
    ).toThrow(/Integrity mismatch: .* is not @duckdb\/node-bindings-linux-arm64@.*Refusing/);
    expect(existsSync(dir)).toBe(false);
    expect(readdirSync(root).filter((f) => f.startsWith('refused'))).toEqual([]);
  });

  it('refuses a verified tarball whose binary is not AArch64', () => {
    const x64Tarball = fakeBindingTarball(root, pinned.version, 62);
    const dir = join(root, 'wrong-machine');
    expect(() =>
      ensureDuckDbLayer({
        architecture: 'arm64',
        outDir: dir,
        lockfile: lockfileWith(
          root,
          'x64-lock.json',
          pinned.version,
          sha512Integrity(readFileSync(x64Tarball)),
        ),
        cacheDir,
        tarballSource: serve(x64Tarball),
      }),
    ).toThrow(/not a Linux arm64 binary \(ELF e_machine 62, expected 183\)/);
    expect(readdirSync(root).filter((f) => f.startsWith('wrong-machine'))).toEqual([]);
  });

  it('without a tarball source, names the command that builds a missing arm64 layer', () => {
    expect(() =>
      ensureDuckDbLayer({ architecture: 'arm64', outDir: join(root, 'never-built'), lockfile }),
    ).toThrow(new RegExp(`arm64 DuckDB layer .* is missing.*\`${ARM64_BUILD_COMMAND}\``));
  });

  it('synthesizes with insights:duckdbArchitecture=arm64: an arm64 layer, and its users on ARM_64', () => {
    const synth = buildTestApp({
      context: { 'insights:duckdbArchitecture': 'arm64', [DUCKDB_LAYER_DIR_CONTEXT]: outDir },
    });
    try {
      const template = templateOf(synth);
      const layer = synth.stack.ingest.duckDb;
      expect(layer.architecture).toBe(Architecture.ARM_64);
      expect(layer.build.dir).toBe(outDir);
      template.hasResourceProperties('AWS::Lambda::LayerVersion', {
        CompatibleArchitectures: ['arm64'],
        Description: `@duckdb/node-api ${build.versions['@duckdb/node-api']} with its linux-arm64 native binding`,
      });
      const resources = template.toJSON().Resources as Record<
        string,
        { Properties: { Layers?: unknown[]; Architectures?: string[] } }
      >;
      const layerRef = { Ref: logicalId(synth, layer.layer) };
      const users = functionsOf(synth).filter(([, fn]) =>
        (resources[logicalId(synth, fn.function)]!.Properties.Layers ?? []).some(
          (l) => JSON.stringify(l) === JSON.stringify(layerRef),
        ),
      );
      expect(users.map(([name]) => name)).toEqual(['ingest']);
      for (const [name, fn] of users)
        expect(resources[logicalId(synth, fn.function)]!.Properties.Architectures, name).toEqual([
          'arm64',
        ]);
    } finally {
      synth.cleanup();
    }
  });

  it('fails the synth with the build command when the arm64 layer is missing', () => {
    expect(() =>
      buildTestApp({
        context: {
          'insights:duckdbArchitecture': 'arm64',
          [DUCKDB_LAYER_DIR_CONTEXT]: join(root, 'not-built-for-synth'),
        },
      }),
    ).toThrow(/is missing.*`npm run layer:arm64`/s);
  });
});
