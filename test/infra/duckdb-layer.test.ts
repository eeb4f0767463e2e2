import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureDuckDbLayer,
  LAMBDA_UNZIPPED_LIMIT_BYTES,
  LAYER_PACKAGES,
  type DuckDbLayerBuild,
} from '../../layers/duckdb/build.ts';
import { REPO_ROOT } from '../../infra/paths.ts';

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
