import { randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { MARKER_COUNT_MAX_KEYS } from '../constants.ts';
import type { LedgerEntry, UpdateLedger } from '../context.ts';
import { UPDATE_MARKER_PREFIX } from './layout.ts';

/**
 * The update ledger as small objects in the bucket, used as atomic flags shared by every container:
 * an S3 conditional write (`If-None-Match: *`) succeeds for exactly one writer of a key. Each claim
 * writes its own nonce, so the SDK retrying a put whose answer was lost (the object was written) is
 * recognised as ours.
 *
 * Markers live under `updates/`, which the lifecycle rule expires. A message's marker sits in a
 * per-chat, per-minute folder taken from the message's own date, so a redelivery finds the same key
 * and listing a folder counts the chat's messages in that minute.
 */
export class S3UpdateLedger implements UpdateLedger {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  claim(entry: LedgerEntry, signal?: AbortSignal): Promise<boolean> {
    const key = entry.kind === 'callback' ? `${UPDATE_MARKER_PREFIX}callbacks/${entry.updateId}` : `${minuteFolder(entry.chatId, entry.date)}${entry.updateId}`;
    return this.claimKey(key, signal);
  }

  /** Counts up to MARKER_COUNT_MAX_KEYS, far above any limit we count to. */
  async countInMinute(chatId: number, date: number, signal?: AbortSignal): Promise<number> {
    const listed = await this.s3.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: minuteFolder(chatId, date), MaxKeys: MARKER_COUNT_MAX_KEYS }),
      { abortSignal: signal },
    );
    return listed.KeyCount ?? listed.Contents?.length ?? 0;
  }

  claimRefusal(chatId: number, signal?: AbortSignal): Promise<boolean> {
    return this.claimKey(`${UPDATE_MARKER_PREFIX}refused/${chatId}`, signal);
  }

  /** True when this call created the marker; false when it existed already or another writer is creating it. */
  private async claimKey(key: string, signal?: AbortSignal): Promise<boolean> {
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
}

const minuteFolder = (chatId: number, date: number) => `${UPDATE_MARKER_PREFIX}chats/${chatId}/${Math.floor(date / 60)}/`;
