import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { makeHandler, resolveKey, runNameFor } from '#handlers/ingest.ts';
import { localRuntime } from '#platform/local/runtime.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/bad-input');
const context = { functionName: 'ingest', awsRequestId: 'r1' } as Context;

describe('the ingest Lambda handler', () => {
  it('ingests the object an S3 event names (URL-encoded key) and starts one run per file version', async () => {
    const lake = await mkdtemp(join(tmpdir(), 'handler-lake-'));
    const runtime = await localRuntime({ lake });
    const started: string[] = [];
    runtime.startRun = async (name) => {
      started.push(name);
      return name;
    };
    await runtime.store.put(
      'incoming/orders/spring sale.csv',
      await readFile(join(FIXTURES, 'good.csv')),
    );
    const handler = makeHandler({
      runtime: async () => runtime,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    const event = {
      'detail-type': 'Object Created',
      source: 'aws.s3',
      detail: { bucket: { name: 'lake' }, object: { key: 'incoming/orders/spring+sale.csv' } },
    } as never;

    const first = await handler(event, context);
    const again = await handler(event, context);
    runtime.close();

    expect(first.manifest).toMatchObject({
      dataset: 'orders',
      rowsRead: 6,
      rowsCurated: 6,
      sourceKey: 'incoming/orders/spring sale.csv',
    });
    expect(again.manifest).toEqual(first.manifest);
    // The same name twice: Step Functions refuses the second start, so a re-delivery starts nothing.
    expect(started).toEqual([runNameFor(first.manifest), runNameFor(first.manifest)]);
  });

  it('names runs within the 80 characters Step Functions allows, source id first', () => {
    const name = runNameFor({ dataset: 'd'.repeat(63), sourceId: '0123456789abcdef' });
    expect(name).toHaveLength(80);
    expect(name.startsWith('ingest-0123456789abcdef-')).toBe(true);
  });

  it('takes a key as given when it exists, else decoded', async () => {
    const exists = async (key: string) => key === 'incoming/a+b.csv';
    expect(await resolveKey('incoming/a+b.csv', exists)).toBe('incoming/a+b.csv');
    expect(await resolveKey('incoming/x+y%C3%A9.csv', exists)).toBe('incoming/x yé.csv');
  });
});
