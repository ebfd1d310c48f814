import type { Message } from '@grammyjs/types';
import { ahead } from '../ahead.ts';
import { DEADLINE_RESERVE_MS } from '../constants.ts';
import type { UpdateContext } from '../context.ts';
import { MESSAGES } from '../messages.ts';
import { apologize, replyText } from '../replies.ts';
import { chooseVoice, type VoiceChoice } from '../speech/choose.ts';
import { normalizeForSpeech } from '../speech/text.ts';
import type { Outcome } from '../facts.ts';
import { isAmbiguousSend, toChat } from './delivery.ts';
import { makeVoice, type Speech } from './job.ts';
import { deferrable } from './later.ts';

/** A text to read, checked, with its look-up under way; or why it cannot be read. */
export type PreparedSpeech = { refusal: string } | { text: string; lookup: Promise<SpeechLookup> };

/** Who reads the text and how fast, where its audio lives, and (unless Telegram already holds it) whether the store has it. */
type SpeechLookup = Omit<Speech, 'text'>;

/**
 * Checks a text and starts what reading it needs to know first: the chat's settings (voice and
 * speed), the voice, and whether the store already has the audio. Reads only, nothing said or paid for, so it may start
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
  const keyOf = (choice: VoiceChoice, speed?: number) => ctx.audioStore.keyFor({ engine: choice.engine, voice: choice.voice, text, speed });
  // A voice Telegram already holds is sent by its file_id: the store is asked only if that fails.
  const find = (key: string) => (ctx.fileIds.get(key) ? undefined : ahead(ctx.audioStore.find(key, signal)));
  // Most chats never chose a voice or a speed: the look-up for what they get without a choice starts
  // alongside the settings read, and is wasted only in a chat whose own choice changes the audio.
  const likely = choose();
  const likelyKey = keyOf(likely);
  const likelyStored = find(likelyKey);
  const settings = await ctx.settings.get(message.chat.id, signal);
  const choice = settings.voice ? choose(settings.voice) : likely;
  const { speed } = settings;
  const key = keyOf(choice, speed);
  const stored = key === likelyKey ? likelyStored : find(key);
  return { choice, key, ...(speed !== undefined && { speed }), ...(stored && { stored }) };
}

/**
 * Reads a text aloud in a chat: the voice job (voice/job.ts) with the voice sent as a reply to
 * `message`; a text it cannot read, or cannot pay for, gets a short text instead; a voice Polly cannot
 * make now (its quota, or the time left) is kept for later where the door has a way (ctx.later).
 */
export async function speak(ctx: UpdateContext, message: Message, prepared: PreparedSpeech): Promise<Outcome> {
  if ('refusal' in prepared) return replyText(ctx, message, prepared.refusal).then(() => 'text_sent');
  try {
    // Started alongside the claim: what is left of it is the wait on the critical path.
    const lookup = await ctx.trace.time('s3', prepared.lookup);
    const voiced = await makeVoice(ctx, { text: prepared.text, ...lookup }, toChat(message));
    if (voiced.kind === 'delivered') return 'voice_sent';
    await replyText(ctx, message, MESSAGES.overBudget);
    return 'text_sent';
  } catch (error) {
    const why = ctx.later && deferrable(ctx, error);
    if (why && (await heldForLater(ctx, message, why, error))) return 'queued';
    // Blamed before the apology, whose own failure would otherwise be.
    ctx.trace.note({ error_kind: ctx.trace.failedStage ?? 'internal' });
    if (isAmbiguousSend(error)) {
      // The voice may well have arrived: an apology beside it would be wrong, and a retry could make it two.
      ctx.log.warn('voice may have been delivered; staying silent', { update_id: ctx.trace.updateId, error });
      ctx.trace.note({ silent: 'ambiguous send: the voice may have arrived' });
      return 'failed';
    }
    ctx.log.error('voice not delivered', { update_id: ctx.trace.updateId, error });
    await apologize(ctx, message);
    return 'failed';
  }
}

/** Keeps the job for later; false (logged) when that failed too, and the apology is due after all. */
export async function heldForLater(ctx: UpdateContext, message: Message, why: NonNullable<ReturnType<typeof deferrable>>, cause: unknown): Promise<boolean> {
  try {
    await ctx.later!.hold(ctx, message);
    ctx.trace.note({ queued: why });
    return true;
  } catch (error) {
    ctx.log.error('voice not kept for later', { update_id: ctx.trace.updateId, error, cause });
    return false;
  }
}
