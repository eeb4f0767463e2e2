/**
 * The adapters over real SDK clients (serializers, signing, error parsing, the SDK's retry
 * middleware) with only the HTTP layer faked: what reaches the wire, and that the SDK adds
 * no retries of its own to ours.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { glueCatalog } from '#platform/aws/glue-catalog.ts';
import { SDK_RETRIES_OFF } from '#platform/aws/retry.ts';
import { s3BlobStore } from '#platform/aws/s3-blob-store.ts';
import type { Catalog, Contract } from '#platform/ports.ts';

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The body as it went out; `streamed` when the SDK was handed a stream, not bytes. */
  body: string;
  streamed: boolean;
}
type Reply = { status: number; headers?: Record<string, string>; body?: string };

/** An HTTP layer that records each request and answers from a script, one reply per request. */
function fakeHttp(replies: Reply[]) {
  const sent: Sent[] = [];
  const requestHandler = {
    async handle(request: {
      method: string;
      path: string;
      headers: Record<string, string>;
      body?: unknown;
    }) {
      const streamed = request.body instanceof Readable;
      const chunks: Buffer[] = [];
      if (streamed) for await (const c of request.body as Readable) chunks.push(Buffer.from(c));
      else if (request.body) chunks.push(Buffer.from(request.body as string));
      sent.push({ ...request, body: Buffer.concat(chunks).toString(), streamed });
      const reply = replies.shift() ?? { status: 500 };
      return {
        response: {
          statusCode: reply.status,
          headers: reply.headers ?? {},
          body: Readable.from([Buffer.from(reply.body ?? '')]),
        },
      };
    },
  };
  return { sent, requestHandler };
}

/** The payload of an aws-chunked body: `<hex size>\r\n<data>\r\n` ... `0\r\n<trailer>`. */
function unchunk(body: string): string {
  let payload = '';
  for (let at = 0; ;) {
    const eol = body.indexOf('\r\n', at);
    const size = parseInt(body.slice(at, eol), 16);
    if (!size) return payload;
    payload += body.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

const clientConfig = {
  ...SDK_RETRIES_OFF,
  region: 'eu-west-1',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
};
const noWait = { sleep: async () => undefined };

const slowDown: Reply = {
  status: 503,
  headers: { 'content-type': 'application/xml' },
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
};

describe('S3 over the SDK with its retries off', () => {
  it('sends one request per attempt of ours, and recognises S3 503 SlowDown', async () => {
    const http = fakeHttp([
      slowDown,
      { status: 503 }, // a HEAD error has no body: the status alone must do
      { status: 200, headers: { 'content-length': '7', etag: '"abc"' } },
    ]);
    const s3 = new S3Client({ ...clientConfig, requestHandler: http.requestHandler });
    const store = s3BlobStore(s3, 'lake', { retry: noWait });
    expect(await store.head('incoming/sales/a.csv')).toEqual({
      key: 'incoming/sales/a.csv',
      size: 7,
      etag: 'abc',
    });
    expect(http.sent.map((r) => `${r.method} ${r.path}`)).toEqual([
      'HEAD /incoming/sales/a.csv',
      'HEAD /incoming/sales/a.csv',
      'HEAD /incoming/sales/a.csv',
    ]);
    // The SDK's retry middleware made each request its first and last attempt.
    for (const r of http.sent) expect(r.headers['amz-sdk-request']).toBe('attempt=1; max=1');
  });

  it('streams an upload from its file, with its length, and streams it again after SlowDown', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 's3-sdk-')), 'part.parquet');
    const content = 'PAR1'.padEnd(100_000, 'x');
    await writeFile(file, content);
    const http = fakeHttp([slowDown, { status: 200, headers: { etag: '"e2"' } }]);
    const s3 = new S3Client({ ...clientConfig, requestHandler: http.requestHandler });
    const store = s3BlobStore(s3, 'lake', { retry: noWait });

    const info = await store.upload(file, 'curated/s/month=2024-01/x.parquet', 'x/parquet');

    expect(info).toEqual({ key: 'curated/s/month=2024-01/x.parquet', size: 100_000, etag: 'e2' });
    expect(http.sent).toHaveLength(2);
    for (const r of http.sent) {
      expect(r.method).toBe('PUT');
      expect(r.streamed).toBe(true);
      expect(r.headers['x-amz-decoded-content-length']).toBe('100000');
      expect(r.headers['content-encoding']).toBe('aws-chunked');
      // Compared as a boolean: a 100 kB diff helps nobody.
      expect(unchunk(r.body) === content).toBe(true);
    }
  });
});

describe('Glue over the SDK with its retries off', () => {
  it('retries a throttled GetTable, then creates the table and the view', async () => {
    const json = (type: string, message: string): Reply => ({
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': type },
      body: JSON.stringify({ __type: type, message }),
    });
    const created = {
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    };
    const http = fakeHttp([
      json('ThrottlingException', 'Rate exceeded'),
      json('EntityNotFoundException', 'Table sales__files not found'),
      // No table of the dataset's name from before views either.
      json('EntityNotFoundException', 'Table sales not found'),
      created,
      json('EntityNotFoundException', 'Table sales not found'),
      created,
    ]);
    const glue = new GlueClient({ ...clientConfig, requestHandler: http.requestHandler });
    const stored: Contract[] = [];
    const base = { putContract: async (c: Contract) => void stored.push(c) } as Catalog;
    const contract: Contract = {
      dataset: 'sales',
      version: 1,
      kind: 'events',
      source: 'inferred',
      partition: 'month',
      timeColumn: 'day',
      columns: [{ name: 'day', type: 'date', role: 'time', nullable: false }],
    };

    await glueCatalog(base, glue, {
      database: 'insights',
      bucket: 'lake',
      retry: noWait,
    }).putContract(contract);

    expect(http.sent.map((r) => r.headers['x-amz-target'])).toEqual([
      'AWSGlue.GetTable',
      'AWSGlue.GetTable',
      'AWSGlue.GetTable',
      'AWSGlue.CreateTable',
      'AWSGlue.GetTable',
      'AWSGlue.CreateTable',
    ]);
    type Create = {
      DatabaseName: string;
      TableInput: { Name: string; TableType: string; Parameters: Record<string, string> };
    };
    const [table, view] = [3, 5].map((i) => JSON.parse(http.sent[i]!.body) as Create);
    expect(table!.DatabaseName).toBe('insights');
    expect(table!.TableInput.Name).toBe('sales__files');
    expect(table!.TableInput.Parameters['storage.location.template']).toBe(
      's3://lake/curated/sales/month=${month}/',
    );
    expect(view!.TableInput).toMatchObject({
      Name: 'sales',
      TableType: 'VIRTUAL_VIEW',
      Parameters: { presto_view: 'true', comment: 'Presto View' },
    });
    expect(stored).toEqual([contract]);
  });
});
