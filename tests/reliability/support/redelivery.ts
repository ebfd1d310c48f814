/**
 * Telegram's side of a webhook, as far as it is known: an update is posted until the webhook
 * answers 2xx; after anything else (an error status, a dropped connection) it is posted again,
 * later each time. Telegram's real intervals are unpublished; these grow by doubling.
 */
import type { Update } from '@grammyjs/types';
import { SECRET_TOKEN_HEADER } from '../../../function/src/constants.ts';

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
}

export async function deliverLikeTelegram(update: Update, { url, secret, intervalsMs }: RedeliveryOptions): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  const started = performance.now();
  for (let i = 0; ; i++) {
    let status = 0;
    try {
      const response = await fetch(await url(), { method: 'POST', headers: { 'content-type': 'application/json', [SECRET_TOKEN_HEADER]: secret }, body: JSON.stringify(update) });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      // the container died under the request: Telegram sees a failed delivery
    }
    attempts.push({ status, at: Math.round(performance.now() - started) });
    if ((status >= 200 && status < 300) || i >= intervalsMs.length) return attempts;
    await new Promise((resolve) => setTimeout(resolve, intervalsMs[i]));
  }
}

/** 300 ms, 600 ms, 1.2 s … doubling. */
export const doubling = (firstMs: number, count: number): number[] => Array.from({ length: count }, (_, i) => firstMs * 2 ** i);
