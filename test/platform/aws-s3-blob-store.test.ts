import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { s3BlobStore } from '#platform/aws/s3-blob-store.ts';
import { NotFoundError, TransientError } from '#platform/errors.ts';

const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

let slept: number[];
beforeEach(() => (slept = []));
const store = s3BlobStore(new S3Client({ region: 'eu-west-1' }), 'lake', {
  retry: { maxAttempts: 3, sleep: async (ms) => void slept.push(ms), random: () => 0.5 },
});

/** A GetObject body as the SDK gives it: a Node stream with the SDK's transform methods. */
const body = (...chunks: string[]) =>
  sdkStreamMixin(Readable.from(chunks.map((c) => Buffer.from(c))));

/** A body that delivers `first`, then breaks like a dropped connection. */
const brokenBody = (first: string) =>
  sdkStreamMixin(
    Readable.from(
      (async function* () {
        yield Buffer.from(first);
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      })(),
    ),
  );

const slowDown = () =>
  Object.assign(new Error('Please reduce your request rate.'), {
    name: 'SlowDown',
    $metadata: { httpStatusCode: 503 },
  });
const notFound = () =>
  Object.assign(new Error('not found'), { name: 'NotFound', $metadata: { httpStatusCode: 404 } });
const scratch = () => mkdtemp(join(tmpdir(), 's3-'));

describe('s3BlobStore reads', () => {
  it('reads bytes and text, and says which object is missing without retrying', async () => {
    s3.on(GetObjectCommand, { Key: 'a.json' }).callsFake(() => ({ Body: body('{"a":', '1}') }));
    s3.on(GetObjectCommand, { Key: 'none' }).rejects(
      Object.assign(new Error('x'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }),
    );
    expect(await store.getText('a.json')).toBe('{"a":1}');
    expect(new TextDecoder().decode(await store.getBytes('a.json'))).toBe('{"a":1}');
    await expect(store.getText('none')).rejects.toThrow(NotFoundError);
    await expect(store.getText('none')).rejects.toThrow('s3://lake/none');
    expect(s3.commandCalls(GetObjectCommand, { Key: 'none' })).toHaveLength(2);
    expect(slept).toEqual([]);
  });

  it('streams a download chunk by chunk into a new folder', async () => {
    const chunks = Array.from({ length: 50 }, (_, i) => `row ${i}\n`);
    s3.on(GetObjectCommand, { Key: 'incoming/sales/big.csv' }).resolves({
      Body: body(...chunks),
    });
    const path = await store.download(
      'incoming/sales/big.csv',
      join(await scratch(), 'deep', 'raw'),
    );
    expect(await readFile(path, 'utf8')).toBe(chunks.join(''));
  });

  it('starts a download over when its body breaks mid-way, leaving the file whole', async () => {
    s3.on(GetObjectCommand)
      .resolvesOnce({ Body: brokenBody('partial ') })
      .resolves({ Body: body('the whole ', 'file') });
    const path = await store.download('incoming/x.csv', join(await scratch(), 'raw'));
    expect(await readFile(path, 'utf8')).toBe('the whole file');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(2);
    expect(slept).toHaveLength(1);
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

  it('lists every page of a prefix, sorted', async () => {
    s3.on(ListObjectsV2Command, { Prefix: 'manifests/', ContinuationToken: undefined }).resolves({
      Contents: [{ Key: 'manifests/b.json', Size: 2, ETag: '"2"' }],
      IsTruncated: true,
      NextContinuationToken: 't1',
    });
    s3.on(ListObjectsV2Command, { Prefix: 'manifests/', ContinuationToken: 't1' }).resolves({
      Contents: [{ Key: 'manifests/a.json', Size: 1, ETag: '"1"' }],
      IsTruncated: false,
    });
    expect(await store.list('manifests/')).toEqual([
      { key: 'manifests/a.json', size: 1, etag: '1' },
      { key: 'manifests/b.json', size: 2, etag: '2' },
    ]);
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(2);
  });

  it('lists an empty prefix as nothing', async () => {
    s3.on(ListObjectsV2Command).resolves({ KeyCount: 0, IsTruncated: false });
    expect(await store.list('curated/none/')).toEqual([]);
  });
});

describe('s3BlobStore writes', () => {
  it('puts with a content type and returns the new ETag and version', async () => {
    s3.on(PutObjectCommand).resolves({ ETag: '"e1"', VersionId: 'v2' });
    expect(await store.put('reports/r/report.md', '# hé', 'text/markdown')).toEqual({
      key: 'reports/r/report.md',
      size: 5,
      etag: 'e1',
      versionId: 'v2',
    });
    expect(s3.commandCalls(PutObjectCommand)[0]!.args[0].input).toMatchObject({
      Bucket: 'lake',
      Key: 'reports/r/report.md',
      ContentType: 'text/markdown',
    });
  });

  it('uploads a file as a stream with its length, a fresh stream on each attempt', async () => {
    const file = join(await scratch(), 'part.parquet');
    await writeFile(file, 'PAR1 some bytes PAR1');
    const sent: string[] = [];
    s3.on(PutObjectCommand).callsFake(async (input: { Body: Readable }) => {
      const chunks: Buffer[] = [];
      for await (const chunk of input.Body) chunks.push(chunk as Buffer);
      sent.push(Buffer.concat(chunks).toString());
      if (sent.length === 1) throw slowDown();
      return { ETag: '"p1"' };
    });
    const info = await store.upload(file, 'curated/sales/month=2024-01/s.parquet', 'x/parquet');
    expect(info).toEqual({ key: 'curated/sales/month=2024-01/s.parquet', size: 20, etag: 'p1' });
    // Both attempts sent the whole file: a consumed stream was not reused.
    expect(sent).toEqual(['PAR1 some bytes PAR1', 'PAR1 some bytes PAR1']);
    const input = s3.commandCalls(PutObjectCommand)[1]!.args[0].input;
    expect(input.Body).toBeInstanceOf(Readable);
    expect(input).toMatchObject({ ContentLength: 20, ContentType: 'x/parquet' });
  });

  it('deletes, retrying a throttled delete', async () => {
    s3.on(DeleteObjectCommand).rejectsOnce(slowDown()).resolves({});
    await store.delete('curated/sales/month=2024-01/s.parquet');
    expect(s3.commandCalls(DeleteObjectCommand)).toHaveLength(2);
    expect(s3.commandCalls(DeleteObjectCommand)[1]!.args[0].input).toEqual({
      Bucket: 'lake',
      Key: 'curated/sales/month=2024-01/s.parquet',
    });
  });
});

describe('s3BlobStore under throttling', () => {
  it('retries SlowDown with backoff, then succeeds', async () => {
    s3.on(HeadObjectCommand)
      .rejectsOnce(slowDown())
      .rejectsOnce(slowDown())
      .resolves({ ContentLength: 1, ETag: '"x"' });
    expect(await store.head('k')).toEqual({ key: 'k', size: 1, etag: 'x' });
    expect(s3.commandCalls(HeadObjectCommand)).toHaveLength(3);
    // Full jitter at 0.5 of a ceiling that doubles from 250 ms.
    expect(slept).toEqual([125, 250]);
  });

  it('retries each page of a listing on its own', async () => {
    s3.on(ListObjectsV2Command, { ContinuationToken: undefined }).resolves({
      Contents: [{ Key: 'a', Size: 1, ETag: '"1"' }],
      IsTruncated: true,
      NextContinuationToken: 't1',
    });
    s3.on(ListObjectsV2Command, { ContinuationToken: 't1' })
      .rejectsOnce(slowDown())
      .resolves({ Contents: [{ Key: 'b', Size: 1, ETag: '"2"' }], IsTruncated: false });
    expect((await store.list('')).map((o) => o.key)).toEqual(['a', 'b']);
    expect(s3.commandCalls(ListObjectsV2Command)).toHaveLength(3);
  });

  it('fails with a clear TransientError once the attempts run out, and a head is not "missing"', async () => {
    s3.on(PutObjectCommand).rejects(slowDown());
    s3.on(HeadObjectCommand).rejects(slowDown());
    const put = store.put('manifests/d/s.json', '{}');
    await expect(put).rejects.toThrow(TransientError);
    await expect(put).rejects.toThrow(
      'S3 PutObject s3://lake/manifests/d/s.json: still failing after 3 attempts (SlowDown: HTTP 503: Please reduce your request rate.)',
    );
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(3);
    await expect(store.head('k')).rejects.toThrow(TransientError);
  });
});
