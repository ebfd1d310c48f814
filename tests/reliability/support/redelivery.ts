/**
 * Telegram's side of a webhook, as far as it is known: an update is posted until the webhook
 * answers 2xx, and a method call in that answer is made; after anything else (an error status, a
 * dropped connection) it is posted again, later each time. Telegram's real intervals are
 * unpublished; these grow by doubling.
 */
import type { Update } from '@grammyjs/types';
import { SECRET_TOKEN_HEADER } from '../../../function/src/constants.ts';
import type { TelegramEmulator } from '../../../local/telegram/emulator.ts';

export interface Attempt {
  /** HTTP status; 0 when the connection failed (a killed container). */
  status: number;
  /** Milliseconds since the first post. */
  at: number;
}

export interface RedeliveryOptions {
  /** The webhook URL now: it changes when a fresh container takes over. */
  url: () => Promise<string>;
  secret: string;
  /** Waits between posts; one post more than waits. */
  intervalsMs: number[];
  /** Runs one post; Telegram keeps at most `max_connections` (default 40) posts open per bot. */
  connection?: <T>(post: () => Promise<T>) => Promise<T>;
  /** The Telegram that makes the method call a 2xx answer carries. */
  telegram: Pick<TelegramEmulator, 'performWebhookAnswer'>;
}

/** At most `limit` posts open at once, as Telegram's webhook `max_connections`. */
export function connectionPool(limit: number): <T>(post: () => Promise<T>) => Promise<T> {
  let open = 0;
  const waiting: (() => void)[] = [];
  return async (post) => {
    if (open >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    open++;
    try {
      return await post();
    } finally {
      open--;
      waiting.shift()?.();
    }
  };
}

export async function deliverLikeTelegram(update: Update, { url, secret, intervalsMs, connection = (post) => post(), telegram }: RedeliveryOptions): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  const started = performance.now();
  for (let i = 0; ; i++) {
    let answer = { status: 0, body: Buffer.alloc(0), contentType: '' };
    try {
      const target = await url();
      answer = await connection(async () => {
        const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', [SECRET_TOKEN_HEADER]: secret }, body: JSON.stringify(update) });
        return { status: response.status, body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') ?? '' };
      });
    } catch {
      // the container died under the request: Telegram sees a failed delivery
    }
    attempts.push({ status: answer.status, at: Math.round(performance.now() - started) });
    const accepted = answer.status >= 200 && answer.status < 300;
    if (accepted) await telegram.performWebhookAnswer(answer.body, answer.contentType);
    if (accepted || i >= intervalsMs.length) return attempts;
    await new Promise((resolve) => setTimeout(resolve, intervalsMs[i]));
  }
}

/** 300 ms, 600 ms, 1.2 s … doubling. */
export const doubling = (firstMs: number, count: number): number[] => Array.from({ length: count }, (_, i) => firstMs * 2 ** i);
