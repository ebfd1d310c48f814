import type { Readable } from 'node:stream';
import type { Message } from '@grammyjs/types';
import type { UpdateContext } from '../bot.ts';
import { AUDIO_CONTENT_TYPE, DEADLINE_RESERVE_MS, TELEGRAM_MAX_TEXT_LENGTH, TELEGRAM_UPLOAD_MAX_BYTES, TELEGRAM_VOICE_URL_MAX_BYTES } from '../constants.ts';
import { MESSAGES } from '../messages.ts';
import { joinOggOpus, type JoinedAudio } from '../speech/ogg.ts';
import { synthesize } from '../speech/polly.ts';
import { normalizeForSpeech, splitForSpeech } from '../speech/text.ts';
import { audioKey, type StoredAudio } from '../storage/audio.ts';
import { TelegramError, type Upload } from '../telegram/client.ts';
import type { Outcome } from '../trace.ts';
import { replyText } from './text.ts';

export class AudioTooLargeError extends Error {
  override name = 'AudioTooLargeError';
}

/** Any text: read it aloud with Polly, store the audio, and deliver it as one voice message. */
export async function speak(ctx: UpdateContext, message: Message, rawText: string): Promise<Outcome> {
  const text = normalizeForSpeech(rawText);
  if (!text) return replyText(ctx, message, MESSAGES.nothingToSay).then(() => 'text_sent');
  if (text.length > TELEGRAM_MAX_TEXT_LENGTH) return replyText(ctx, message, MESSAGES.tooLong(TELEGRAM_MAX_TEXT_LENGTH)).then(() => 'text_sent');

  // Shown while Polly works; a failure here must not cost the user the voice.
  const recording = ctx.telegram
    .call('sendChatAction', { chat_id: message.chat.id, action: 'record_voice' }, { deadline: ctx.deadline, reserveMs: DEADLINE_RESERVE_MS })
    .catch((error: unknown) => ctx.log.warn('chat action not shown', { update_id: ctx.trace.updateId, error }));

  try {
    const { stored, durationSeconds } = await synthesizeAndStore(ctx, message, text);
    await recording;
    const delivery = await deliverVoice(ctx, message, stored, durationSeconds);
    ctx.trace.set({ delivery, audio_bytes: stored.bytes, duration_s: Math.round(durationSeconds * 10) / 10 });
    return 'voice_sent';
  } catch (error) {
    ctx.log.error('voice not delivered', { update_id: ctx.trace.updateId, error });
    await recording;
    await apologize(ctx, message);
    return 'failed';
  }
}

/** Synthesizes all parts at once, then streams them, joined into one Ogg Opus file, into S3. */
async function synthesizeAndStore(ctx: UpdateContext, message: Message, text: string) {
  const parts = splitForSpeech(text);
  ctx.trace.set({ text_chars: text.length, parts: parts.length });
  const signal = ctx.deadline.signal(DEADLINE_RESERVE_MS);
  const requests = parts.map((part) => synthesize(ctx.polly, { text: part, voice: ctx.config.voice, signal }));
  const streams = await ctx.trace.time('polly', allOrDestroy(requests));
  const joined: JoinedAudio = { durationSeconds: 0 };
  const key = audioKey(message.chat.id, ctx.trace.updateId);
  const stored = await ctx.trace.time('s3', ctx.store.save(key, joinOggOpus(streams, joined), signal));
  return { stored, durationSeconds: joined.durationSeconds };
}

/** Like Promise.all, but streams that did arrive are closed when another request failed. */
async function allOrDestroy(requests: Promise<Readable>[]): Promise<Readable[]> {
  const settled = await Promise.allSettled(requests);
  const failure = settled.find((result) => result.status === 'rejected');
  if (!failure) return settled.map((result) => (result as PromiseFulfilledResult<Readable>).value);
  for (const result of settled) if (result.status === 'fulfilled') result.value.destroy();
  throw failure.reason;
}

type Delivery = 'url' | 'upload' | 'document';

/**
 * Small voices go by presigned URL: Telegram fetches them straight from S3. Bigger ones, or any
 * URL Telegram refuses, are uploaded from S3 as multipart. A user who refuses voice messages
 * gets the audio as a file. Only a definite refusal (HTTP 400) leads to a second try, so a
 * voice is never sent twice.
 */
async function deliverVoice(ctx: UpdateContext, message: Message, stored: StoredAudio, durationSeconds: number): Promise<Delivery> {
  if (stored.bytes > TELEGRAM_UPLOAD_MAX_BYTES) throw new AudioTooLargeError(`audio of ${stored.bytes} bytes exceeds Telegram's upload limit`);
  const options = { deadline: ctx.deadline, reserveMs: DEADLINE_RESERVE_MS };
  const reply = {
    chat_id: message.chat.id,
    reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
  };
  const voice = { ...reply, duration: Math.max(1, Math.round(durationSeconds)) };
  const file: Upload = {
    field: 'voice',
    filename: 'voice.ogg',
    contentType: AUDIO_CONTENT_TYPE,
    open: () => ctx.store.open(stored.key, ctx.deadline.signal(DEADLINE_RESERVE_MS)),
  };
  const send = <T>(work: Promise<T>) => ctx.trace.time('telegram', work);
  try {
    if (stored.bytes <= TELEGRAM_VOICE_URL_MAX_BYTES) {
      try {
        const url = await ctx.store.presignedUrl(stored.key);
        await send(ctx.telegram.call('sendVoice', { ...voice, voice: url }, options));
        return 'url';
      } catch (error) {
        if (!isBadRequest(error) || isVoiceForbidden(error)) throw error;
        ctx.log.warn('voice URL refused, uploading instead', { update_id: ctx.trace.updateId, error });
      }
    }
    await send(ctx.telegram.upload('sendVoice', voice, file, options));
    return 'upload';
  } catch (error) {
    if (!isVoiceForbidden(error)) throw error;
    await send(ctx.telegram.upload('sendDocument', { ...reply, caption: MESSAGES.voicesForbidden }, { ...file, field: 'document' }, options));
    return 'document';
  }
}

const isBadRequest = (error: unknown): error is TelegramError => error instanceof TelegramError && error.errorCode === 400;
const isVoiceForbidden = (error: unknown) => isBadRequest(error) && error.description.includes('VOICE_MESSAGES_FORBIDDEN');

async function apologize(ctx: UpdateContext, message: Message): Promise<void> {
  try {
    await ctx.trace.time(
      'telegram',
      ctx.telegram.call('sendMessage', { chat_id: message.chat.id, text: MESSAGES.failed }, { deadline: ctx.deadline }),
    );
  } catch (error) {
    ctx.log.error('apology not delivered', { update_id: ctx.trace.updateId, error });
  }
}
