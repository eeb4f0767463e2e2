import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InsightsFunction } from '../../infra/constructs/insights-function.ts';
import { LAMBDA_UNZIPPED_LIMIT_BYTES } from '../../layers/duckdb/build.ts';
import { buildTestApp, functionsOf, logicalId, templateOf, type Synth } from './synth.ts';

// The one synth that really bundles the seven handlers with the local esbuild.
let synth: Synth;
let template: Template;

beforeAll(() => {
  synth = buildTestApp({ bundle: true });
  template = templateOf(synth);
});
afterAll(() => synth.cleanup());

/** The staged asset folder of a resource's code (`asset.<hash>` in the cloud assembly). */
function assetDir(resourceLogicalId: string, property: 'Code' | 'Content'): string {
  const code = template.toJSON().Resources[resourceLogicalId].Properties[property] as {
    S3Key: string;
  };
  return join(synth.outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
}

const folderBytes = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce(
    (sum, e) =>
      sum + (e.isDirectory() ? folderBytes(join(dir, e.name)) : statSync(join(dir, e.name)).size),
    0,
  );

// A static import of a DuckDB package in the ESM bundle (minified or not); `import(...)` is dynamic.
const STATIC_DUCKDB_IMPORT = /\bimport\s*(?:[\w$*{}\s,]+from\s*)?["']@duckdb\/[^"']+["']/g;

const functions = () => functionsOf(synth);
const bundleOf = (fn: InsightsFunction) =>
  readFileSync(join(assetDir(logicalId(synth, fn.function), 'Code'), 'index.mjs'), 'utf8');

describe('function bundles', () => {
  // Lambda gives a bundle no node_modules but the layer's: each must load on its own.
  it('load on their own, outside the repository, and export a handler', async () => {
    const alone = mkdtempSync(join(tmpdir(), 'bundle-'));
    for (const [name, fn] of functions()) {
      const dir = join(alone, name);
      cpSync(assetDir(logicalId(synth, fn.function), 'Code'), dir, { recursive: true });
      const file = join(dir, 'index.mjs');
      const loaded = (await import(pathToFileURL(file).href)) as { handler?: unknown };
      expect(typeof loaded.handler, name).toBe('function');
    }
  });

  it('are ESM files that give bundled CommonJS code a require()', () => {
    for (const [name, fn] of functions()) {
      const code = bundleOf(fn);
      expect(code.startsWith('import { createRequire as __insightsCreateRequire }'), name).toBe(
        true,
      );
      expect(code, name).toContain('const require = __insightsCreateRequire(import.meta.url);');
      expect(
        existsSync(join(assetDir(logicalId(synth, fn.function), 'Code'), 'index.mjs.map')),
        name,
      ).toBe(true);
    }
  });

  it('never inline the DuckDB native binding', () => {
    for (const [name, fn] of functions())
      expect(bundleOf(fn), name).not.toMatch(/duckdb\.node\b|libduckdb/);
  });

  // Only ingest has the DuckDB layer. A function without it that imports @duckdb/* at load
  // time fails every cold start with ERR_MODULE_NOT_FOUND; DuckDB must be loaded lazily
  // (`await import('@duckdb/node-api')`) by code that only ingest reaches.
  it.each(['plan', 'aggregate', 'analyze', 'assemble', 'notify', 'report-link'])(
    '%s (no DuckDB layer) does not import DuckDB when it loads',
    (name) => {
      const fn = functions().find(([n]) => n === name)![1];
      const imports = bundleOf(fn).match(STATIC_DUCKDB_IMPORT) ?? [];
      expect(imports, `static imports in the ${name} bundle: ${imports.join(' ')}`).toEqual([]);
    },
  );
});

describe('DuckDB layer asset', () => {
  it('holds the packages under nodejs/node_modules, without the build manifest', () => {
    const dir = assetDir(logicalId(synth, synth.stack.ingest.duckDb.layer), 'Content');
    expect(existsSync(join(dir, 'nodejs/node_modules/@duckdb/node-api/package.json'))).toBe(true);
    expect(
      existsSync(join(dir, 'nodejs/node_modules/@duckdb/node-bindings-linux-x64/duckdb.node')),
    ).toBe(true);
    expect(readdirSync(dir)).toEqual(['nodejs']);
  });

  it('leaves room for the ingest bundle within the 250 MB unzipped limit', () => {
    const layer = folderBytes(
      assetDir(logicalId(synth, synth.stack.ingest.duckDb.layer), 'Content'),
    );
    const ingest = folderBytes(
      assetDir(logicalId(synth, synth.stack.ingest.function.function), 'Code'),
    );
    expect(layer + ingest).toBeLessThan(LAMBDA_UNZIPPED_LIMIT_BYTES);
  });
});
