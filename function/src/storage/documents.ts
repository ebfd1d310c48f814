import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DocumentProgress, DocumentProgressStore } from '../context.ts';
import { isMissingObject } from './errors.ts';
import { DOCUMENT_PROGRESS_PREFIX } from './layout.ts';

/**
 * Each document's progress as a small JSON object, `documents/<update_id>.json`. Plain puts: only the
 * holder of the update's lease reads a document, so no two writers meet (the ledger sees to that).
 */
export class S3DocumentProgressStore implements DocumentProgressStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async read(updateId: number, signal?: AbortSignal): Promise<DocumentProgress | undefined> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: progressKey(updateId) }), { abortSignal: signal });
      return parseProgress(await object.Body!.transformToString());
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
  }

  async write(updateId: number, progress: DocumentProgress, signal?: AbortSignal): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: progressKey(updateId), Body: JSON.stringify(progress), ContentType: 'application/json' }), { abortSignal: signal });
  }
}

const progressKey = (updateId: number) => `${DOCUMENT_PROGRESS_PREFIX}${updateId}.json`;

/** A record that is not whole is no record: the reading starts over, which pays for its characters again rather than guessing. */
export function parseProgress(body: string): DocumentProgress | undefined {
  let parsed: Partial<DocumentProgress>;
  try {
    parsed = JSON.parse(body) as Partial<DocumentProgress>;
  } catch {
    return undefined;
  }
  const { characters, voice, engine, parts, stored, voicesSent } = parsed;
  const count = (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0;
  const whole =
    typeof voice === 'string' &&
    (engine === 'neural' || engine === 'standard') &&
    [characters, parts, voicesSent].every(count) &&
    Array.isArray(stored) &&
    stored.every((part) => count(part?.bytes) && typeof part?.seconds === 'number' && part.seconds >= 0);
  return whole ? (parsed as DocumentProgress) : undefined;
}
