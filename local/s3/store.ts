/**
 * s3rver's object store writes a new version over the old file in place, and answers the PUT once
 * it has read the body, before the bytes reach the disk: a GET right after the answer can read an
 * empty file or a mix of both versions under the new ETag, and a GET under way while the file is
 * rewritten promises the old length and sends fewer bytes, so its client waits for the rest forever.
 * This put writes the version beside the object and renames it into place only once every byte and
 * the ETag are on disk, before answering; an upload that breaks off leaves the old object, as on S3.
 */
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3rverStore } from 's3rver';

export function putObjectsWhole(store: S3rverStore): void {
  store.putObject = async ({ bucket, key, content, metadata }) => {
    const objectPath = store.getResourcePath(bucket, key, 'object');
    // Not named like an object, so listings skip it.
    const partial = `${objectPath}.${randomUUID()}.partial`;
    await mkdir(dirname(objectPath), { recursive: true });
    const md5 = createHash('md5');
    let size = 0;
    const measure = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(Buffer.isBuffer(content) ? Readable.from([content]) : content, measure, createWriteStream(partial));
      const etag = md5.digest('hex');
      await store.putMetadata(bucket, key, metadata, etag);
      await rename(partial, objectPath);
      return { size, md5: etag };
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  };
}
