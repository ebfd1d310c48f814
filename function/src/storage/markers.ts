import { randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * Small objects used as atomic flags, shared by every container: an S3 conditional write
 * (`If-None-Match: *`) succeeds for exactly one writer of a key. Each claim writes its own nonce, so
 * the SDK retrying a put whose answer was lost (the object was written) is recognised as ours.
 */
export class MarkerStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /** True when this call created the marker; false when it existed already or another writer is creating it. */
  async claim(key: string, signal?: AbortSignal): Promise<boolean> {
    const nonce = randomUUID();
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: nonce, IfNoneMatch: '*' }), { abortSignal: signal });
      return true;
    } catch (error) {
      // 412: the object exists. 409: a concurrent conditional write to the same key is in flight.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 409) return false;
      if (status !== 412) throw error;
      const existing = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
      return (await existing.Body?.transformToString()) === nonce;
    }
  }

  /** How many markers share a prefix (up to 1,000, far above any limit we count to). */
  async count(prefix: string, signal?: AbortSignal): Promise<number> {
    const listed = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1000 }), { abortSignal: signal });
    return listed.KeyCount ?? listed.Contents?.length ?? 0;
  }
}
