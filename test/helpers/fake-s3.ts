import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type CopyObjectCommandInput,
  type DeleteObjectCommandInput,
  type GetObjectCommandInput,
  type HeadObjectCommandInput,
  type ListObjectsV2CommandInput,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import type { AwsClientStub } from 'aws-sdk-client-mock';

/** One version of an object, or a delete marker, as a versioned bucket keeps them. */
export type S3Version =
  | {
      key: string;
      versionId: string;
      body: Buffer;
      /** Quoted, as S3 sends it: the MD5 of the bytes for a single PutObject. */
      etag: string;
      contentType?: string;
      lastModified: Date;
      deleteMarker?: false;
    }
  | { key: string; versionId: string; lastModified: Date; deleteMarker: true };

export type S3Object = Extract<S3Version, { body: Buffer }>;

export interface FakeS3Options {
  /**
   * The most keys one ListObjectsV2 page returns, whatever MaxKeys asks (S3 may return
   * fewer than asked); small values make every listing page. @default 1000
   */
  listPageSize?: number;
}

/** What the S3 calls the fake does not model, so a new call fails loudly rather than oddly. */
const notModelled = (what: string) =>
  new Error(`The fake S3 bucket does not model ${what}: extend test/helpers/fake-s3.ts`);

/**
 * An in-memory, versioned S3 bucket behind `mockClient(S3Client)`: PutObject (string, bytes
 * or a stream, its ContentLength checked), GetObject (a streaming body the SDK's mixins
 * read), HeadObject, ListObjectsV2 (paged with continuation tokens) and DeleteObject (a
 * delete marker). ETags are the MD5 of the bytes, as S3 gives them for a single PutObject.
 * Missing keys and other buckets fail with the SDK's own exception classes.
 */
export class FakeS3Bucket {
  /** Every version of every key, oldest first. */
  readonly versions = new Map<string, S3Version[]>();
  /** Counts writes and deletes, so a reader of the bucket can tell it changed. */
  changes = 0;
  private nextVersion = 1;
  private readonly pageSize: number;

  constructor(
    readonly name: string,
    options: FakeS3Options = {},
  ) {
    this.pageSize = options.listPageSize ?? 1000;
  }

  /** Answers the S3 commands of every S3Client (the stub mocks them all) from this bucket. */
  install(s3: AwsClientStub<S3Client>): this {
    s3.onAnyCommand().callsFake(async (input: unknown) => {
      throw notModelled(`the command given ${JSON.stringify(input).slice(0, 200)}`);
    });
    s3.on(PutObjectCommand).callsFake(async (input: PutObjectCommandInput) =>
      this.putObject(input),
    );
    s3.on(GetObjectCommand).callsFake(async (input: GetObjectCommandInput) =>
      this.getObject(input),
    );
    s3.on(HeadObjectCommand).callsFake(async (input: HeadObjectCommandInput) =>
      this.headObject(input),
    );
    s3.on(ListObjectsV2Command).callsFake(async (input: ListObjectsV2CommandInput) =>
      this.listObjects(input),
    );
    s3.on(DeleteObjectCommand).callsFake(async (input: DeleteObjectCommandInput) =>
      this.deleteObject(input),
    );
    s3.on(CopyObjectCommand).callsFake(async (input: CopyObjectCommandInput) =>
      this.copyObject(input),
    );
    return this;
  }

  /** The current version of a key, if it has one that is not a delete marker. */
  current(key: string): S3Object | undefined {
    const latest = this.versions.get(key)?.at(-1);
    return latest && !latest.deleteMarker ? latest : undefined;
  }

  /** The keys that currently hold an object, sorted as S3 lists them. */
  keys(prefix = ''): string[] {
    return [...this.versions.keys()]
      .filter((k) => k.startsWith(prefix) && this.current(k))
      .sort(byKey);
  }

  text(key: string): string {
    const object = this.current(key);
    if (!object) throw new Error(`No object at s3://${this.name}/${key}`);
    return object.body.toString('utf8');
  }

  private store(key: string, body: Buffer, contentType?: string): S3Object {
    const version: S3Object = {
      key,
      versionId: this.newVersionId(),
      body,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      ...(contentType ? { contentType } : {}),
      lastModified: new Date(),
    };
    this.versions.set(key, [...(this.versions.get(key) ?? []), version]);
    this.changes++;
    return version;
  }

  private newVersionId(): string {
    return `v${String(this.nextVersion++).padStart(6, '0')}`;
  }

  private checkBucket(bucket: string | undefined): void {
    if (bucket !== this.name)
      throw new NoSuchBucket({
        message: `The specified bucket does not exist: ${bucket}`,
        $metadata: { httpStatusCode: 404 },
      });
  }

  private find(input: { Bucket?: string; Key?: string; VersionId?: string }, head: boolean) {
    this.checkBucket(input.Bucket);
    const all = this.versions.get(input.Key ?? '') ?? [];
    const version = input.VersionId ? all.find((v) => v.versionId === input.VersionId) : all.at(-1);
    if (!version || version.deleteMarker) {
      const options = {
        message: head ? 'Not Found' : 'The specified key does not exist.',
        $metadata: { httpStatusCode: 404 },
      };
      throw head ? new NotFound(options) : new NoSuchKey(options);
    }
    return version;
  }

  private async putObject(input: PutObjectCommandInput) {
    this.checkBucket(input.Bucket);
    if (!input.Key) throw new Error('PutObject without a Key');
    const body = await bytesOf(input.Body);
    if (input.ContentLength !== undefined && input.ContentLength !== body.length)
      throw new Error(
        `PutObject ${input.Key}: ContentLength ${input.ContentLength} but the body has ${body.length} bytes`,
      );
    const stored = this.store(input.Key, body, input.ContentType);
    return { ETag: stored.etag, VersionId: stored.versionId };
  }

  /** CopySource is `bucket/key` with the key URL-encoded, as the SDK sends it. */
  private copyObject(input: CopyObjectCommandInput) {
    this.checkBucket(input.Bucket);
    const source = input.CopySource ?? '';
    const slash = source.indexOf('/');
    const from = this.find(
      { Bucket: source.slice(0, slash), Key: decodeURIComponent(source.slice(slash + 1)) },
      false,
    );
    const stored = this.store(input.Key!, from.body, from.contentType);
    return {
      CopyObjectResult: { ETag: stored.etag, LastModified: stored.lastModified },
      VersionId: stored.versionId,
    };
  }

  private getObject(input: GetObjectCommandInput) {
    if (input.Range) throw notModelled('ranged GetObject');
    const object = this.find(input, false);
    return {
      Body: sdkStreamMixin(Readable.from([object.body])),
      ...described(object),
    };
  }

  private headObject(input: HeadObjectCommandInput) {
    return described(this.find(input, true));
  }

  private listObjects(input: ListObjectsV2CommandInput) {
    this.checkBucket(input.Bucket);
    if (input.Delimiter) throw notModelled('ListObjectsV2 with a Delimiter');
    const prefix = input.Prefix ?? '';
    const after = input.ContinuationToken
      ? Buffer.from(input.ContinuationToken, 'base64url').toString('utf8')
      : (input.StartAfter ?? '');
    const keys = this.keys(prefix).filter((k) => byKey(k, after) > 0);
    const max = Math.min(input.MaxKeys ?? 1000, this.pageSize);
    const page = keys.slice(0, max);
    const truncated = keys.length > page.length;
    return {
      Name: this.name,
      Prefix: prefix,
      KeyCount: page.length,
      MaxKeys: input.MaxKeys ?? 1000,
      IsTruncated: truncated,
      ...(input.ContinuationToken ? { ContinuationToken: input.ContinuationToken } : {}),
      ...(truncated
        ? { NextContinuationToken: Buffer.from(page.at(-1)!, 'utf8').toString('base64url') }
        : {}),
      // S3 leaves Contents out of an empty page.
      ...(page.length
        ? {
            Contents: page.map((key) => {
              const o = this.current(key)!;
              return {
                Key: key,
                Size: o.body.length,
                ETag: o.etag,
                LastModified: o.lastModified,
                StorageClass: 'STANDARD',
              };
            }),
          }
        : {}),
    };
  }

  private deleteObject(input: DeleteObjectCommandInput) {
    this.checkBucket(input.Bucket);
    const key = input.Key ?? '';
    const all = this.versions.get(key) ?? [];
    this.changes++;
    if (input.VersionId) {
      // Deleting a version removes it for good.
      this.versions.set(
        key,
        all.filter((v) => v.versionId !== input.VersionId),
      );
      return { VersionId: input.VersionId };
    }
    // A versioned bucket keeps the object and puts a delete marker on top (even of nothing).
    const marker: S3Version = {
      key,
      versionId: this.newVersionId(),
      lastModified: new Date(),
      deleteMarker: true,
    };
    this.versions.set(key, [...all, marker]);
    return { DeleteMarker: true, VersionId: marker.versionId };
  }
}

/** S3 lists keys in the binary order of their UTF-8 bytes. */
const byKey = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

function described(object: S3Object) {
  return {
    ContentLength: object.body.length,
    ETag: object.etag,
    VersionId: object.versionId,
    LastModified: object.lastModified,
    ...(object.contentType ? { ContentType: object.contentType } : {}),
  };
}

async function bytesOf(body: unknown): Promise<Buffer> {
  if (body === undefined) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (body && typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>)
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw notModelled(`a PutObject body of type ${typeof body}`);
}
