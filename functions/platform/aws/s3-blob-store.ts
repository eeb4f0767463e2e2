import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type GetObjectCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { NotFoundError } from '../errors.ts';
import type { BlobInfo, BlobStore } from '../ports.ts';
import { DEFAULT_RETRY_POLICY, withRetries, type RetryPolicy } from './retry.ts';

/** The most a single PutObject stores; beyond it S3 needs a multipart upload. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export interface S3BlobStoreOptions {
  /** Retries on throttling and transient failures; build the client with SDK_RETRIES_OFF. */
  retry?: Partial<RetryPolicy>;
}

/** The lake bucket. Keys are the same as the local lake folder's relative paths. */
export function s3BlobStore(
  s3: S3Client,
  bucket: string,
  options: S3BlobStoreOptions = {},
): BlobStore {
  const policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const url = (key: string) => `s3://${bucket}/${key}`;
  const retried = <T>(what: string, key: string, call: () => Promise<T>) =>
    withRetries(`S3 ${what} ${url(key)}`, call, policy);

  /** GetObject and what is done with its body, retried together: a body can break mid-way. */
  const read = <T>(key: string, consume: (body: GetObjectCommandOutput['Body']) => Promise<T>) =>
    retried('GetObject', key, async () => {
      let out: GetObjectCommandOutput;
      try {
        out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (isMissing(error)) throw new NotFoundError(`No object at ${url(key)}`);
        throw error;
      }
      return consume(out.Body);
    });

  const put = async (
    key: string,
    body: Uint8Array | string,
    contentType?: string,
  ): Promise<BlobInfo> => {
    const out = await retried('PutObject', key, () =>
      s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
      ),
    );
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    return infoOf(key, size, out);
  };

  return {
    url,
    async head(key) {
      try {
        const out = await retried('HeadObject', key, () =>
          s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })),
        );
        return infoOf(key, out.ContentLength ?? 0, out);
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    getBytes: (key) => read(key, (body) => body!.transformToByteArray()),
    getText: (key) => read(key, (body) => body!.transformToString('utf-8')),
    put,
    async download(key, localPath) {
      await mkdir(dirname(localPath), { recursive: true });
      // Streamed to the file, never held in memory; a retry truncates and starts over.
      await read(key, (body) => pipeline(body as Readable, createWriteStream(localPath)));
      return localPath;
    },
    async upload(localPath, key, contentType) {
      const { size } = await stat(localPath);
      if (size > MAX_PUT_BYTES) {
        throw new Error(
          `${localPath} is ${size} bytes: a single PutObject to ${url(key)} stores at most 5 GiB (multipart upload is not supported yet)`,
        );
      }
      // A fresh stream per attempt, with its length, so the SDK streams it rather than buffering.
      const out = await retried('PutObject', key, () =>
        s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            Body: createReadStream(localPath),
            ContentLength: size,
            ContentType: contentType,
          }),
        ),
      );
      return infoOf(key, size, out);
    },
    async copy(fromKey, toKey) {
      try {
        await retried('CopyObject', toKey, () =>
          s3.send(
            new CopyObjectCommand({
              Bucket: bucket,
              Key: toKey,
              // The source is "bucket/key", the key URL-encoded (S3 decodes it).
              CopySource: `${bucket}/${fromKey.split('/').map(encodeURIComponent).join('/')}`,
            }),
          ),
        );
      } catch (error) {
        if (isMissing(error)) throw new NotFoundError(`No object at ${url(fromKey)}`);
        throw error;
      }
    },
    async list(prefix) {
      const objects: BlobInfo[] = [];
      let token: string | undefined;
      do {
        const page = await retried('ListObjectsV2', prefix, () =>
          s3.send(
            new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
          ),
        );
        for (const o of page.Contents ?? []) {
          if (o.Key) objects.push({ key: o.Key, size: o.Size ?? 0, etag: unquote(o.ETag) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return objects.sort((a, b) => a.key.localeCompare(b.key));
    },
    async listKeys(prefix) {
      return (await this.list(prefix)).map((o) => o.key);
    },
    async delete(key) {
      await retried('DeleteObject', key, () =>
        s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
      );
    },
  };
}

function infoOf(
  key: string,
  size: number,
  out: { ETag?: string | undefined; VersionId?: string | undefined },
): BlobInfo {
  return {
    key,
    size,
    etag: unquote(out.ETag),
    ...(out.VersionId ? { versionId: out.VersionId } : {}),
  };
}

const unquote = (etag: string | undefined) => (etag ?? '').replace(/^"|"$/g, '');

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string })?.name;
  return (
    name === 'NoSuchKey' ||
    name === 'NotFound' ||
    (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode === 404
  );
}
