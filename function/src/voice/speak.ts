import type { Message } from '@grammyjs/types';
import { ahead } from '../ahead.ts';
import { DEADLINE_RESERVE_MS } from '../constants.ts';
import type { CachedAudio, UpdateContext } from '../context.ts';
import { MESSAGES } from '../messages.ts';
import { apologize, replyText } from '../replies.ts';
import { chooseVoice, type VoiceChoice } from '../speech/choose.ts';
import { normalizeForSpeech } from '../speech/text.ts';
import type { Outcome } from '../trace.ts';
import { OverBudgetError } from './budget.ts';
import { deliverVoice, isAmbiguousSend, sendKnownFileId } from './delivery.ts';
import { synthesizeAndStore } from './synthesis.ts';

/** A text to read, checked, with its look-up under way; or why it cannot be read. */
export type PreparedSpeech = { refusal: string } | { text: string; lookup: Promise<SpeechLookup> };

/** Who reads the text, where its audio lives, and (unless Telegram already holds it) whether the store has it. */
interface SpeechLookup {
  choice: VoiceChoice;
  key: string;
  stored?: Promise<CachedAudio | undefined>;
}

/**
 * Checks a text and starts what reading it needs to know first: the chat's settings, the voice, and
 * whether the store already has the audio. Reads only, nothing said or paid for, so it may start
 * before the update is claimed.
 */
export function prepareSpeech(ctx: UpdateContext, message: Message, rawText: string): PreparedSpeech {
  const text = normalizeForSpeech(rawText);
  if (!text) return { refusal: MESSAGES.nothingToSay };
  const limit = ctx.config.maxTextLength;
  if (text.length > limit) return { refusal: MESSAGES.tooLong(limit) };
  return { text, lookup: ahead(lookUp(ctx, message, text)) };
}

async function lookUp(ctx: UpdateContext, message: Message, text: string): Promise<SpeechLookup> {
  const signal = ctx.deadline.signal(DEADLINE_RESERVE_MS);
  const choose = (chatVoice?: string) => chooseVoice({ text, languageHint: message.from?.language_code, chatVoice, defaultVoice: ctx.config.voice });
  const keyOf = (choice: VoiceChoice) => ctx.audioStore.keyFor({ engine: choice.engine, voice: choice.voice, text });
  // A voice Telegram already holds is sent by its file_id: the store is asked only if that fails.
  const find = (key: string) => (ctx.fileIds.get(key) ? undefined : ahead(ctx.audioStore.find(key, signal)));
  // Most chats never chose a voice: the look-up for the voice they get without one starts alongside
  // the settings read, and is wasted only in a chat whose own choice reads this text.
  const likely = choose();
  const likelyKey = keyOf(likely);
  const likelyStored = find(likelyKey);
  const settings = await ctx.settings.get(message.chat.id, signal);
  const choice = settings.voice ? choose(settings.voice) : likely;
  const key = keyOf(choice);
  const stored = key === likelyKey ? likelyStored : find(key);
  return { choice, key, ...(stored && { stored }) };
}

/**
 * Reads a text aloud, the whole pipeline: text → voice choice → the voice Telegram or the store
 * already has, or synthesis into the store → one voice message replying to `message`.
 */
export async function speak(ctx: UpdateContext, message: Message, prepared: PreparedSpeech): Promise<Outcome> {
  if ('refusal' in prepared) return replyText(ctx, message, prepared.refusal).then(() => 'text_sent');
  const { text } = prepared;
  try {
    // Started alongside the claim: what is left of it is the wait on the critical path.
    const { choice, key, stored } = await ctx.trace.time('s3', prepared.lookup);
    ctx.trace.set({ voice: choice.voice, engine: choice.engine, language: choice.language, voice_source: choice.source, text_chars: text.length });
    if (await sendKnownFileId(ctx, message, key)) return 'voice_sent';
    const cached = await ctx.trace.time('s3', stored ?? ctx.audioStore.find(key, ctx.deadline.signal(DEADLINE_RESERVE_MS)));
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
