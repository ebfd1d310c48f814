import type { Message } from '@grammyjs/types';
import { DEADLINE_RESERVE_MS } from '../constants.ts';
import type { UpdateContext } from '../context.ts';
import { MESSAGES } from '../messages.ts';
import { apologize, replyText } from '../replies.ts';
import { chooseVoice } from '../speech/choose.ts';
import { normalizeForSpeech } from '../speech/text.ts';
import type { Outcome } from '../trace.ts';
import { OverBudgetError } from './budget.ts';
import { deliverVoice, isAmbiguousSend, sendKnownFileId } from './delivery.ts';
import { synthesizeAndStore } from './synthesis.ts';

/**
 * Reads a text aloud, the whole pipeline: text → voice choice → the voice Telegram or the store
 * already has, or synthesis into the store → one voice message replying to `message`.
 */
export async function speak(ctx: UpdateContext, message: Message, rawText: string): Promise<Outcome> {
  const text = normalizeForSpeech(rawText);
  if (!text) return replyText(ctx, message, MESSAGES.nothingToSay).then(() => 'text_sent');
  const limit = ctx.config.maxTextLength;
  if (text.length > limit) return replyText(ctx, message, MESSAGES.tooLong(limit)).then(() => 'text_sent');

  try {
    const settings = await ctx.settings.get(message.chat.id, ctx.deadline.signal(DEADLINE_RESERVE_MS));
    const choice = chooseVoice({ text, languageHint: message.from?.language_code, chatVoice: settings.voice, defaultVoice: ctx.config.voice });
    ctx.trace.set({ voice: choice.voice, engine: choice.engine, language: choice.language, voice_source: choice.source, text_chars: text.length });
    const key = ctx.audioStore.keyFor({ engine: choice.engine, voice: choice.voice, text });
    if (await sendKnownFileId(ctx, message, key)) return 'voice_sent';
    const cached = await ctx.trace.time('s3', ctx.audioStore.find(key, ctx.deadline.signal(DEADLINE_RESERVE_MS)));
    if (cached) ctx.trace.set({ cache: 's3' });
    const audio = cached ?? (await synthesizeAndStore(ctx, message, text, choice, key));
    ctx.trace.set({ audio_bytes: audio.bytes, duration_s: Math.round(audio.durationSeconds * 10) / 10 });
    await deliverVoice(ctx, message, audio);
    return 'voice_sent';
  } catch (error) {
    if (error instanceof OverBudgetError) {
      ctx.trace.set({ refused: 'budget' });
      await replyText(ctx, message, MESSAGES.overBudget);
      return 'text_sent';
    }
    // Blamed before the apology, whose own failure would otherwise be.
    ctx.trace.set({ error_kind: ctx.trace.failedStage ?? 'internal' });
    if (isAmbiguousSend(error)) {
      // The voice may well have arrived: an apology beside it would be wrong, and a retry could make it two.
      ctx.log.warn('voice may have been delivered; staying silent', { update_id: ctx.trace.updateId, error });
      ctx.trace.set({ silent: 'ambiguous send: the voice may have arrived' });
      return 'failed';
    }
    ctx.log.error('voice not delivered', { update_id: ctx.trace.updateId, error });
    await apologize(ctx, message);
    return 'failed';
  }
}
