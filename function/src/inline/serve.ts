import { ahead } from '../ahead.ts';
import { DEADLINE_RESERVE_MS, VOICE_LINK_TTL_SECONDS } from '../constants.ts';
import type { BotDeps, Deadline, UpdateContext, VoiceLink } from '../context.ts';
import type { RefusalReason } from '../facts.ts';
import { chooseVoiceFor } from '../speech/choose.ts';
import { asBytes, type VoiceBytes } from '../voice/delivery.ts';
import { claimJob, makeVoice, overRateLimit, runJob, type Finished } from '../voice/job.ts';

/** What a fetched voice link comes to, for the door to answer with: the audio, or why not. */
export type LinkedVoice = VoiceBytes | { kind: 'forbidden' } | { kind: 'refused'; refused: RefusalReason } | { kind: 'failed' };

/**
 * Telegram fetching an inline result's voice_url: the user chose the result. The signature is checked
 * first (a tampered, expired or unsigned URL costs nothing but this check); then the voice job, with
 * the audio handed back as bytes: the user's rate limit (once per chosen result), the voice (the
 * user's own /voice choice when it reads the text's language), then the content-hash cache or one
 * synthesis into it, metered and logged in one line like a chat's voice.
 */
export async function serveVoiceLink(deps: BotDeps, query: Record<string, string | undefined> | null, deadline: Deadline): Promise<LinkedVoice> {
  const checked = deps.voiceLinks?.verify(query) ?? { ok: false as const, reason: 'voice route unknown' };
  if (!checked.ok) {
    deps.log.warn('voice link refused', { outcome: 'refused', reason: checked.reason });
    return { kind: 'forbidden' };
  }
  const { link } = checked;
  const { result } = await runJob(deps, { subject: 'voice link', updateId: link.updateId, chatId: link.userId }, deadline, (ctx) => serve(ctx, link));
  return result ?? { kind: 'failed' };
}

async function serve(ctx: UpdateContext, link: VoiceLink): Promise<Finished<LinkedVoice>> {
  const signal = ctx.deadline.signal(DEADLINE_RESERVE_MS);
  // Counted in the user's private chat's minute, the minute the URL was made, once per chosen result:
  // Telegram fetching the same URL again is not another message.
  const date = link.expires - VOICE_LINK_TTL_SECONDS;
  const entry = { updateId: link.updateId, kind: 'message', chatId: link.userId, date } as const;
  // Alongside the claim, so they cost no round trip of their own; only the first fetch's count matters.
  const count = ctx.config.rateLimitPerMinute > 0 ? ahead(ctx.ledger.countInMinute(entry, signal)) : undefined;
  // The user's private chat's settings: their /voice and /speed choices.
  const settings = ahead(ctx.settings.get(link.userId, signal));
  const admission = await claimJob(ctx, entry, signal);
  // A fetch of a result already claimed (Telegram fetching again) is served: the same bytes again repeat nothing.
  const lease = admission.ours ? admission.lease : undefined;
  try {
    if (lease && (await overRateLimit(ctx, count)) !== undefined) return refused('rate_limit', 'rate limited');
    const { voice: chatVoice, speed } = await ctx.trace.time('s3', settings);
    const choice = chooseVoiceFor({ language: link.language, chatVoice, defaultVoice: ctx.config.voice });
    const { text } = link;
    const speech = { text, choice, speed, key: ctx.audioStore.keyFor({ engine: choice.engine, voice: choice.voice, text, speed }) };
    const voiced = await makeVoice(ctx, speech, asBytes);
    // The day's budget is spent: like the rate limit, a refusal Telegram shows as a failed send.
    if (voiced.kind === 'over_budget') return refused('budget', 'over the daily character budget');
    if (voiced.result.kind === 'too_big') return { outcome: 'refused', reason: 'voice over 1 MB', result: voiced.result };
    return { outcome: 'voice_served', result: voiced.result };
  } finally {
    await lease?.settle();
  }
}

const refused = (reason: RefusalReason, why: string): Finished<LinkedVoice> => ({ outcome: 'refused', reason: why, result: { kind: 'refused', refused: reason } });
