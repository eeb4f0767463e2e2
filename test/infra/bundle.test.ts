import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
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

  // In Lambda (AWS_EXECUTION_ENV set) the middleware loads Powertools' Tracer and the X-Ray SDK,
  // which the test above never reaches: each bundle must also load that way, and the traced
  // middleware must answer. No daemon listens: X-Ray segments go to a closed UDP port.
  it('load as in Lambda, with the Tracer and the X-Ray SDK, and answer through the traced middleware', async () => {
    const script = `
      const { handler } = await import(process.argv[1]);
      const context = { functionName: 'f', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 };
      const event = { requestContext: { http: { method: 'POST' } } };
      const answer = process.argv[2] === 'report-link' ? await handler(event, context) : undefined;
      process.stderr.write(JSON.stringify({ handler: typeof handler, status: answer?.statusCode }));`;
    const run = promisify(execFile);
    const results = await Promise.all(
      functions().map(async ([name, fn]) => {
        const dir = assetDir(logicalId(synth, fn.function), 'Code');
        const { stdout, stderr } = await run(
          process.execPath,
          ['--input-type=module', '-e', script, pathToFileURL(join(dir, 'index.mjs')).href, name],
          {
            env: {
              PATH: process.env['PATH'],
              AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
              AWS_LAMBDA_FUNCTION_NAME: name,
              AWS_REGION: 'eu-west-1',
              LAMBDA_TASK_ROOT: dir,
              _HANDLER: 'index.handler',
              _X_AMZN_TRACE_ID:
                'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
              AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:9',
              POWERTOOLS_SERVICE_NAME: 'serverless-insights',
              POWERTOOLS_METRICS_NAMESPACE: 'ServerlessInsights',
            },
          },
        );
        return { name, stdout, stderr };
      }),
    );
    for (const { name, stdout, stderr } of results) {
      // Nothing but the script's own line: no X-Ray "missing context" error, no warning.
      expect(stdout, name).toBe('');
      expect(JSON.parse(stderr), name).toEqual({
        handler: 'function',
        ...(name === 'report-link' ? { status: 405 } : {}),
      });
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
