import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { NotFoundError } from '../errors.ts';
import type { BlobInfo, BlobStore } from '../ports.ts';

/** The lake bucket. Keys are the same as the local lake folder's relative paths. */
export function s3BlobStore(s3: S3Client, bucket: string): BlobStore {
  const get = async (key: string) => {
    try {
      return await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    } catch (error) {
      if (isMissing(error)) throw new NotFoundError(`No object at s3://${bucket}/${key}`);
      throw error;
    }
  };
  const put = async (
    key: string,
    body: Uint8Array | string,
    contentType?: string,
  ): Promise<BlobInfo> => {
    const out = await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    return {
      key,
      size,
      etag: unquote(out.ETag),
      ...(out.VersionId ? { versionId: out.VersionId } : {}),
    };
  };
  return {
    url: (key) => `s3://${bucket}/${key}`,
    async head(key) {
      try {
        const out = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return {
          key,
          size: out.ContentLength ?? 0,
          etag: unquote(out.ETag),
          ...(out.VersionId ? { versionId: out.VersionId } : {}),
        };
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    getBytes: async (key) => (await get(key)).Body!.transformToByteArray(),
    getText: async (key) => (await get(key)).Body!.transformToString('utf-8'),
    put,
    async download(key, localPath) {
      const out = await get(key);
      await mkdir(dirname(localPath), { recursive: true });
      await pipeline(out.Body as Readable, createWriteStream(localPath));
      return localPath;
    },
    // Lambda's /tmp files are at most a few GB; multipart uploads come with the scale work.
    upload: async (localPath, key, contentType) => put(key, await readFile(localPath), contentType),
    async list(prefix) {
      const objects: BlobInfo[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
        );
        for (const o of page.Contents ?? []) {
          if (o.Key) objects.push({ key: o.Key, size: o.Size ?? 0, etag: unquote(o.ETag) });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return objects.sort((a, b) => a.key.localeCompare(b.key));
    },
    async delete(key) {
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
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
