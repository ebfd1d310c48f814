import { randomUUID } from 'node:crypto';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { MARKER_COUNT_MAX_KEYS } from '../constants.ts';
import type { Claim, ClaimOptions, Lease, LedgerEntry, MessageEntry, UpdateLedger } from '../context.ts';
import { putIf, type WriteCondition } from './conditional.ts';
import { UPDATE_MARKER_PREFIX } from './layout.ts';

/** One update's record: who holds it and until when, that it waits in the job queue, or that it was answered. */
interface LeaseRecord {
  state: 'leased' | 'queued' | 'done';
  attempt: number;
  /** Epoch ms the lease ends; only meaningful while leased. */
  until: number;
  /** A nonce per attempt: the SDK retrying a put whose answer was lost is recognised as ours. */
  owner: string;
}

/**
 * The update ledger as small objects in the bucket, one per update, written only with S3
 * conditional writes, so every change has exactly one winner across containers:
 * - claim: `If-None-Match: *` creates `{"state":"leased","until":T}`;
 * - takeover of an expired lease: `If-Match` on the stale record's ETag, attempt + 1;
 * - done: `If-Match` on our own ETag, so an attempt whose lease was taken over cannot overwrite the
 *   new owner's record;
 * - hand-off to the job queue: `If-Match` on our own ETag writes "queued", which only the worker's
 *   claim takes over (`If-Match` on that ETag, attempt + 1): one worker wins, redeliveries stay silent.
 *
 * Records live under `updates/`, which the lifecycle rule expires. A message's record sits in a
 * per-chat, per-minute folder taken from the message's own date, so a redelivery finds the same key
 * and listing a folder counts the chat's messages in that minute (the rate limit).
 */
export class S3UpdateLedger implements UpdateLedger {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly now: () => number = Date.now,
  ) {}

  async claim(entry: LedgerEntry, until: number, signal?: AbortSignal, { fromQueue = false }: ClaimOptions = {}): Promise<Claim> {
    const key = recordKey(entry);
    const mine: LeaseRecord = { state: 'leased', attempt: 1, until, owner: randomUUID() };
    const created = await this.put(key, mine, { IfNoneMatch: '*' }, signal);
    if (created) return claimed(mine, created, false);
    const { record, etag } = await this.read(key, signal);
    // Our own put, retried by the SDK after its answer was lost, found our record.
    if (record?.owner === mine.owner) return claimed(mine, etag, false);
    // A marker from before leases (a bare nonce) was claimed by code that never retried: answered or lost, never again.
    if (!record || record.state === 'done') return { status: 'done', ...(record && { attempt: record.attempt }) };
    if (record.state === 'queued' && !fromQueue) return { status: 'queued', attempt: record.attempt };
    if (record.state === 'leased' && record.until > this.now()) return { status: 'leased', attempt: record.attempt, until: record.until };
    const next: LeaseRecord = { ...mine, attempt: record.attempt + 1 };
    const taken = await this.put(key, next, { IfMatch: etag }, signal);
    if (taken) return claimed(next, taken, record.state === 'leased');
    // Another redelivery took it over first.
    return { status: 'leased', attempt: next.attempt };
  }

  complete(entry: LedgerEntry, lease: Lease, signal?: AbortSignal): Promise<boolean> {
    return this.release(entry, lease, 'done', signal);
  }

  handOff(entry: LedgerEntry, lease: Lease, signal?: AbortSignal): Promise<boolean> {
    return this.release(entry, lease, 'queued', signal);
  }

  /** Ends our lease as "done" or "queued": `If-Match` on our own ETag, so a takeover's record is never overwritten. */
  private async release(entry: LedgerEntry, lease: Lease, state: 'done' | 'queued', signal?: AbortSignal): Promise<boolean> {
    const released: LeaseRecord = { state, attempt: lease.attempt, until: lease.until, owner: lease.token };
    const key = recordKey(entry);
    if ((await this.put(key, released, { IfMatch: lease.token }, signal)) !== undefined) return true;
    // The SDK may have retried our own put after its answer was lost.
    const { record } = await this.read(key, signal);
    return record?.state === state && record.owner === lease.token;
  }

  /** Counts up to MARKER_COUNT_MAX_KEYS, far above any limit we count to. */
  async countInMinute(entry: MessageEntry, signal?: AbortSignal): Promise<number> {
    const listed = await this.s3.send(
      new ListObjectsV2Command({ Bucket: this.bucket, Prefix: minuteFolder(entry.chatId, entry.date), MaxKeys: MARKER_COUNT_MAX_KEYS }),
      { abortSignal: signal },
    );
    const own = recordKey(entry);
    return (listed.Contents ?? []).filter(({ Key }) => Key !== own).length + 1;
  }

  async claimRefusal(chatId: number, signal?: AbortSignal): Promise<boolean> {
    const key = `${UPDATE_MARKER_PREFIX}refused/${chatId}`;
    const owner = randomUUID();
    if (await this.put(key, owner, { IfNoneMatch: '*' }, signal)) return true;
    const { raw } = await this.read(key, signal);
    return raw === owner;
  }

  /** The new ETag when the conditional put won; undefined when its condition failed or a concurrent conditional write was in flight. */
  private put(key: string, body: LeaseRecord | string, condition: WriteCondition, signal?: AbortSignal): Promise<string | undefined> {
    const Body = typeof body === 'string' ? body : JSON.stringify(body);
    return putIf(this.s3, { Bucket: this.bucket, Key: key, Body, ContentType: 'application/json' }, condition, signal);
  }

  private async read(key: string, signal?: AbortSignal): Promise<{ raw: string; record?: LeaseRecord; etag: string }> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
    const raw = (await object.Body?.transformToString()) ?? '';
    return { raw, record: parseRecord(raw), etag: object.ETag ?? '' };
  }
}

const claimed = (record: LeaseRecord, etag: string, takenOver: boolean): Claim => ({
  status: 'claimed',
  lease: { attempt: record.attempt, takenOver, until: record.until, token: etag },
});

function parseRecord(raw: string): LeaseRecord | undefined {
  try {
    const parsed = JSON.parse(raw) as Partial<LeaseRecord>;
    if ((parsed.state === 'leased' || parsed.state === 'queued' || parsed.state === 'done') && typeof parsed.attempt === 'number' && typeof parsed.until === 'number') return parsed as LeaseRecord;
  } catch {
    // not ours, or a marker from before leases
  }
  return undefined;
}

const recordKey = (entry: LedgerEntry) => (entry.kind === 'callback' ? `${UPDATE_MARKER_PREFIX}callbacks/${entry.updateId}` : `${minuteFolder(entry.chatId, entry.date)}${entry.updateId}`);
const minuteFolder = (chatId: number, date: number) => `${UPDATE_MARKER_PREFIX}chats/${chatId}/${Math.floor(date / 60)}/`;
