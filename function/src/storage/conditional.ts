import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { httpStatusOf, isMissingObject } from './errors.ts';

/** Create only (`If-None-Match: *`), or replace only the version read (`If-Match` on its ETag). */
export type WriteCondition = { IfNoneMatch: '*' } | { IfMatch: string };

/**
 * One compare-and-swap on an S3 object: the put with its condition, the new ETag when it won, and
 * undefined when it lost: 412, the condition failed (the key exists, or changed since it was read);
 * 409, another conditional write to the key is in flight; 404, If-Match on a key that is gone since.
 * Each means the same to the caller: read again and decide. Anything else is thrown.
 */
export async function putIf(
  s3: S3Client,
  put: Omit<PutObjectCommandInput, 'IfNoneMatch' | 'IfMatch'>,
  condition: WriteCondition,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    const written = await s3.send(new PutObjectCommand({ ...put, ...condition }), { abortSignal: signal });
    return written.ETag ?? '';
  } catch (error) {
    const status = httpStatusOf(error);
    if (status === 412 || status === 409 || status === 404 || isMissingObject(error)) return undefined;
    throw error;
  }
}
