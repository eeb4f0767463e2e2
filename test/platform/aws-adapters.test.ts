import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { athenaQueryEngine } from '#platform/aws/athena-query-engine.ts';
import { s3BlobStore } from '#platform/aws/s3-blob-store.ts';
import { NotFoundError, TransientError } from '#platform/errors.ts';

const s3 = mockClient(S3Client);
const athena = mockClient(AthenaClient);
afterEach(() => {
  s3.reset();
  athena.reset();
});

/** What the SDK gives as a GetObject body: a stream that can also turn itself into bytes. */
function body(text: string) {
  const bytes = new TextEncoder().encode(text);
  return Object.assign(Readable.from([Buffer.from(bytes)]), {
    transformToByteArray: async () => bytes,
    transformToString: async () => text,
  }) as never;
}

const notFound = () =>
  Object.assign(new Error('not found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });

describe('s3BlobStore', () => {
  const store = s3BlobStore(new S3Client({ region: 'eu-west-1' }), 'lake');

  it('reads text and files, and says which object is missing', async () => {
    s3.on(GetObjectCommand, { Key: 'a.json' }).resolves({ Body: body('{"a":1}') });
    s3.on(GetObjectCommand, { Key: 'none' }).rejects(
      Object.assign(new Error('x'), { name: 'NoSuchKey' }),
    );
    expect(await store.getText('a.json')).toBe('{"a":1}');
    const path = await store.download(
      'a.json',
      join(await mkdtemp(join(tmpdir(), 's3-')), 'x', 'a.json'),
    );
    expect(await readFile(path, 'utf8')).toBe('{"a":1}');
    await expect(store.getText('none')).rejects.toThrow(NotFoundError);
    await expect(store.getText('none')).rejects.toThrow('s3://lake/none');
  });

  it('heads objects with their ETag unquoted, and a missing one as undefined', async () => {
    s3.on(HeadObjectCommand, { Key: 'k' }).resolves({
      ContentLength: 3,
      ETag: '"abc"',
      VersionId: 'v1',
    });
    s3.on(HeadObjectCommand, { Key: 'gone' }).rejects(notFound());
    expect(await store.head('k')).toEqual({ key: 'k', size: 3, etag: 'abc', versionId: 'v1' });
    expect(await store.head('gone')).toBeUndefined();
  });

  it('lists every page of a prefix', async () => {
    s3.on(ListObjectsV2Command, { Prefix: 'manifests/', ContinuationToken: undefined }).resolves({
      Contents: [{ Key: 'manifests/b.json', Size: 2, ETag: '"2"' }],
      IsTruncated: true,
      NextContinuationToken: 't1',
    });
    s3.on(ListObjectsV2Command, { Prefix: 'manifests/', ContinuationToken: 't1' }).resolves({
      Contents: [{ Key: 'manifests/a.json', Size: 1, ETag: '"1"' }],
      IsTruncated: false,
    });
    expect((await store.list('manifests/')).map((o) => o.key)).toEqual([
      'manifests/a.json',
      'manifests/b.json',
    ]);
  });

  it('puts with a content type and returns the new ETag', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e1"' });
    expect(await store.put('reports/r/report.md', '# hi', 'text/markdown')).toEqual({
      key: 'reports/r/report.md',
      size: 4,
      etag: 'e1',
    });
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'lake',
      ContentType: 'text/markdown',
    });
  });
});

describe('athenaQueryEngine', () => {
  const engine = (timeoutMs = 60_000) =>
    athenaQueryEngine(new AthenaClient({ region: 'eu-west-1' }), {
      workGroup: 'wg',
      database: 'db',
      timeoutMs,
      sleep: async () => undefined,
    });

  it('waits for the query, then reads every page into typed rows (the header row skipped)', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const columns = [
      { Name: 'month', Type: 'varchar' },
      { Name: 'n', Type: 'bigint' },
      { Name: 'total', Type: 'double' },
    ];
    athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q1', NextToken: undefined }).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns },
        Rows: [
          { Data: [{ VarCharValue: 'month' }, { VarCharValue: 'n' }, { VarCharValue: 'total' }] },
          { Data: [{ VarCharValue: '2024-01' }, { VarCharValue: '3' }, { VarCharValue: '10.5' }] },
        ],
      },
      NextToken: 'p2',
    });
    athena.on(GetQueryResultsCommand, { QueryExecutionId: 'q1', NextToken: 'p2' }).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns },
        Rows: [{ Data: [{ VarCharValue: '2024-02' }, {}, { VarCharValue: '1' }] }],
      },
    });
    const rows = await engine().query('SELECT 1');
    expect(rows).toEqual([
      { month: '2024-01', n: 3, total: 10.5 },
      { month: '2024-02', n: null, total: 1 },
    ]);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toMatchObject({
      WorkGroup: 'wg',
      QueryExecutionContext: { Database: 'db' },
    });
  });

  it('turns throttling into a TransientError, which the workflow retries', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await expect(engine().query('SELECT 1')).rejects.toThrow(TransientError);
    await expect(engine().query('SELECT 1')).rejects.toThrow(
      'Athena is busy (ThrottlingException)',
    );
  });

  it('says why a query failed', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q2' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: { Status: { State: 'FAILED', StateChangeReason: 'TABLE_NOT_FOUND: sales' } },
    });
    await expect(engine().query('SELECT 1')).rejects.toThrow(
      'Athena query q2 FAILED: TABLE_NOT_FOUND: sales',
    );
  });

  it('stops a query that runs past the time-out and reports it as transient', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q3' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    await expect(engine(-1).query('SELECT 1')).rejects.toThrow(TransientError);
    expect(athena.commandCalls(StopQueryExecutionCommand)).toHaveLength(1);
  });
});
