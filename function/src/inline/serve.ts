import { ahead } from '../ahead.ts';
import { DEADLINE_RESERVE_MS, TELEGRAM_VOICE_URL_MAX_BYTES, VOICE_LINK_TTL_SECONDS } from '../constants.ts';
import type { BotDeps, UpdateContext } from '../context.ts';
import type { Deadline } from '../deadline.ts';
import { leaseUntil } from '../lease.ts';
import { UpdateTrace } from '../trace.ts';
import { OverBudgetError } from '../voice/budget.ts';
import { synthesizeAndStore } from '../voice/synthesis.ts';

/** What the voice route answers; index.ts turns it into API Gateway's shape. */
export interface VoiceResponse {
  status: 200 | 403 | 413 | 429 | 500;
  audio?: Buffer;
}

/**
 * Telegram fetching an inline result's voice_url: the user chose it. The signature is checked first
 * (a tampered, expired or unsigned URL costs nothing but this check), then the user's rate limit, then
 * the audio comes from the content-hash cache or from one synthesis into it. Logs one line.
 */
export async function serveVoiceLink(deps: BotDeps, query: Record<string, string | undefined> | null, deadline: Deadline): Promise<VoiceResponse> {
  const checked = deps.voiceLinks?.verify(query) ?? { ok: false as const, reason: 'voice route unknown' };
  if (!checked.ok) {
    deps.log.warn('voice link refused', { outcome: 'refused', reason: checked.reason });
    return { status: 403 };
  }
  const { link } = checked;
  const trace = new UpdateTrace(link.updateId, link.userId);
  const ctx: UpdateContext = { ...deps, deadline, trace };
  const finish = (status: VoiceResponse['status'], reason?: string, audio?: Buffer, error?: unknown): VoiceResponse => {
    const outcome = status === 200 ? 'voice_served' : status === 500 ? 'failed' : 'refused';
    deps.log[status === 500 ? 'error' : 'info']('voice link handled', { ...trace.finish(outcome, reason), status, ...(error !== undefined && { error }) });
    return { status, ...(audio && { audio }) };
  };
  try {
    const signal = deadline.signal(DEADLINE_RESERVE_MS);
    // Counted in the user's private chat's minute, the minute the URL was made, once per chosen result:
    // Telegram fetching the same URL again is not another message.
    const date = link.expires - VOICE_LINK_TTL_SECONDS;
    const entry = { updateId: link.updateId, kind: 'message', chatId: link.userId, date } as const;
    const limit = deps.config.rateLimitPerMinute;
    // Alongside the claim, so it costs no round trip of its own; only the first fetch's count matters.
    const count = limit > 0 ? ahead(deps.ledger.countInMinute(entry, signal)) : undefined;
    const claim = await trace.time('s3', deps.ledger.claim(entry, leaseUntil(deadline), signal));
    if (claim.status === 'claimed' && count && (await trace.time('s3', count)) > limit) {
      trace.set({ refused: 'rate_limit' });
      return finish(429, 'rate limited');
    }

    const identity = { engine: link.engine, voice: link.voice, text: link.text };
    trace.set({ voice: link.voice, engine: link.engine, text_chars: link.text.length, delivery: 'inline' });
    const key = deps.audioStore.keyFor(identity);
    const cached = await trace.time('s3', deps.audioStore.find(key, signal));
    if (cached) trace.set({ cache: 's3' });
    const audio = cached ?? (await synthesizeAndStore(ctx, undefined, link.text, link, key));
    trace.set({ audio_bytes: audio.bytes, duration_s: Math.round(audio.durationSeconds * 10) / 10 });
    // Telegram takes a voice_url only up to 1 MB; 256 characters make far less (about 20 s, under 100 KB).
    if (audio.bytes > TELEGRAM_VOICE_URL_MAX_BYTES) return finish(413, 'voice over 1 MB');
    const opened = await trace.time('s3', deps.audioStore.open(key, signal));
    const chunks: Buffer[] = [];
    for await (const chunk of opened.stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return finish(200, undefined, Buffer.concat(chunks));
  } catch (error) {
    // The day's budget is spent: like the rate limit, a refusal Telegram shows as a failed send.
    if (error instanceof OverBudgetError) {
      trace.set({ refused: 'budget' });
      return finish(429, 'over the daily character budget');
    }
    return finish(500, 'failed', undefined, error);
  }
}
