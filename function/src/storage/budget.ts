import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BUDGET_MAX_ATTEMPTS, BUDGET_RETRY_JITTER_MS } from '../constants.ts';
import type { BudgetReservation, CharacterBudget } from '../context.ts';
import { putIf } from './conditional.ts';
import { isMissingObject } from './errors.ts';
import { BUDGET_KEY_PREFIX } from './layout.ts';

/** Other containers kept changing the day's counter between our read and our write, every attempt. */
export class BudgetContentionError extends Error {
  override name = 'BudgetContentionError';
}

interface Counter {
  used: number;
  /** Undefined when the day has no counter yet. */
  etag?: string;
  writer?: string;
}

/**
 * The daily character count as one small JSON object per UTC day, `budget/YYYY-MM-DD.json`, changed
 * by compare-and-swap: read the count and its ETag, then write the new count with `If-Match` on that
 * ETag (`If-None-Match: *` for the day's first write). S3 lets exactly one of several writers of the
 * same version through; the others get 412 (or 409 while another conditional write is in flight),
 * read again and retry. No reservation is lost or counted twice, so the characters granted never
 * add up to more than the limit, however many containers ask at once.
 *
 * Each reservation writes its own nonce: when the SDK retries a put whose answer was lost but which
 * did land, the 412 that follows reads back as ours instead of being reserved twice.
 */
export class S3CharacterBudget implements CharacterBudget {
  /** The highest count this container has seen today: counts only grow, so what did not fit then does not fit now. */
  private seen?: { day: string; used: number };

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly maxAttempts = BUDGET_MAX_ATTEMPTS,
  ) {}

  async reserve(day: string, characters: number, limit: number, signal?: AbortSignal): Promise<BudgetReservation> {
    if (this.seen?.day === day && this.seen.used + characters > limit) return { granted: false, used: this.seen.used };
    const key = `${BUDGET_KEY_PREFIX}${day}.json`;
    const nonce = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const counter = await this.read(key, signal);
      if (counter.writer === nonce) return this.remember(day, true, counter.used);
      if (counter.used + characters > limit) return this.remember(day, false, counter.used);
      const used = counter.used + characters;
      const body = JSON.stringify({ day, characters: used, writer: nonce });
      const won = await putIf(this.s3, { Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json' }, counter.etag ? { IfMatch: counter.etag } : { IfNoneMatch: '*' }, signal);
      if (won !== undefined) return this.remember(day, true, used);
      if (attempt >= this.maxAttempts) throw new BudgetContentionError(`the count of ${day} changed under each of ${attempt} attempts`);
      // A random pause, so that the losers of this round do not collide again in the next.
      await sleep(Math.random() * BUDGET_RETRY_JITTER_MS * Math.min(attempt, 5), undefined, { signal });
    }
  }

  private async read(key: string, signal?: AbortSignal): Promise<Counter> {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
      const body = JSON.parse(await object.Body!.transformToString()) as { characters?: unknown; writer?: unknown };
      const used = typeof body.characters === 'number' && body.characters >= 0 ? body.characters : 0;
      return { used, etag: object.ETag, ...(typeof body.writer === 'string' && { writer: body.writer }) };
    } catch (error) {
      if (isMissingObject(error)) return { used: 0 };
      throw error;
    }
  }

  private remember(day: string, granted: boolean, used: number): BudgetReservation {
    if (this.seen?.day !== day || this.seen.used < used) this.seen = { day, used };
    return { granted, used };
  }
}
