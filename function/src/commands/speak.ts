import type { Readable } from 'node:stream';
import type { Message } from '@grammyjs/types';
import type { UpdateContext } from '../bot.ts';
import { AUDIO_CONTENT_TYPE, DEADLINE_RESERVE_MS, TELEGRAM_VOICE_URL_MAX_BYTES } from '../constants.ts';
import { MESSAGES } from '../messages.ts';
import { chooseVoice, type VoiceChoice } from '../speech/choose.ts';
import { joinOggOpus, type JoinedAudio } from '../speech/ogg.ts';
import { synthesize } from '../speech/polly.ts';
import { normalizeForSpeech, splitForSpeech } from '../speech/text.ts';
import { audioKey, type CachedAudio } from '../storage/audio.ts';
import { TelegramError, type Upload } from '../telegram/client.ts';
import type { Outcome } from '../trace.ts';
import { apologize, replyText, replyTo } from './text.ts';

/**
 * Reads a text aloud: picks the voice, then serves the voice from what Telegram or the bucket
 * already has, or has Polly make it, and delivers it as one voice message replying to `message`.
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
    const key = audioKey({ engine: choice.engine, voice: choice.voice, text });
    if (await sendKnownFileId(ctx, message, key)) return 'voice_sent';
    const cached = await ctx.trace.time('s3', ctx.store.find(key, ctx.deadline.signal(DEADLINE_RESERVE_MS)));
    if (cached) ctx.trace.set({ cache: 's3' });
    const audio = cached ?? (await synthesizeAndStore(ctx, message, text, choice, key));
    ctx.trace.set({ audio_bytes: audio.bytes, duration_s: Math.round(audio.durationSeconds * 10) / 10 });
    await deliverVoice(ctx, message, audio);
    return 'voice_sent';
  } catch (error) {
    ctx.log.error('voice not delivered', { update_id: ctx.trace.updateId, error });
    await apologize(ctx, message);
    return 'failed';
  }
}

/** A voice Telegram already holds is sent again by its file_id: no download, no upload. */
async function sendKnownFileId(ctx: UpdateContext, message: Message, key: string): Promise<boolean> {
  const fileId = ctx.fileIds.get(key);
  if (!fileId) return false;
  try {
    await ctx.trace.time('telegram', ctx.telegram.call('sendVoice', { ...replyTo(message), voice: fileId }, { deadline: ctx.deadline, reserveMs: DEADLINE_RESERVE_MS }));
    ctx.trace.set({ delivery: 'file_id', cache: 'telegram' });
    return true;
  } catch (error) {
    if (!isBadRequest(error)) throw error;
    // Refused for certain (an unknown file_id, or a user who takes no voices): the bucket's copy
    // goes the ordinary way, which also knows how to send it as a file.
    if (!isVoiceForbidden(error)) ctx.fileIds.forget(key);
    return false;
  }
}

/** Synthesizes all parts at once, then streams them, joined into one Ogg Opus file, into S3. */
async function synthesizeAndStore(ctx: UpdateContext, message: Message, text: string, choice: VoiceChoice, key: string): Promise<CachedAudio> {
  // Shown while Polly works; a failure here must not cost the user the voice.
  const recording = ctx.telegram
    .call('sendChatAction', { chat_id: message.chat.id, action: 'record_voice' }, { deadline: ctx.deadline, reserveMs: DEADLINE_RESERVE_MS })
    .catch((error: unknown) => ctx.log.warn('chat action not shown', { update_id: ctx.trace.updateId, error }));
  try {
    const parts = splitForSpeech(text);
    ctx.trace.set({ parts: parts.length, cache: 'miss' });
    const signal = ctx.deadline.signal(DEADLINE_RESERVE_MS);
    const requests = parts.map((part) => synthesize(ctx.polly, { text: part, voice: choice.voice, engine: choice.engine, signal }));
    const streams = await ctx.trace.time('polly', allOrDestroy(requests));
    try {
      const joined: JoinedAudio = { durationSeconds: 0 };
      const stored = await ctx.trace.time('s3', ctx.store.save(key, joinOggOpus(streams, joined), signal));
      return { ...stored, durationSeconds: joined.durationSeconds };
    } finally {
      // Parts the joiner never reached, when an earlier one failed, still hold a Polly connection.
      for (const stream of streams) stream.destroy();
    }
  } finally {
    await recording;
  }
}

/** Like Promise.all, but streams that did arrive are closed when another request failed. */
async function allOrDestroy(requests: Promise<Readable>[]): Promise<Readable[]> {
  const settled = await Promise.allSettled(requests);
  const failure = settled.find((result) => result.status === 'rejected');
  if (!failure) return settled.map((result) => (result as PromiseFulfilledResult<Readable>).value);
  for (const result of settled) if (result.status === 'fulfilled') result.value.destroy();
  throw failure.reason;
}

/**
 * Small voices go by presigned URL: Telegram fetches them straight from S3. Bigger ones, or any
 * URL Telegram refuses, are uploaded from S3 as multipart. A user who refuses voice messages
 * gets the audio as a file. Only a definite refusal (HTTP 400) leads to a second try, so a
 * voice is never sent twice.
 */
async function deliverVoice(ctx: UpdateContext, message: Message, audio: CachedAudio): Promise<void> {
  const options = { deadline: ctx.deadline, reserveMs: DEADLINE_RESERVE_MS };
  const voice = { ...replyTo(message), duration: Math.max(1, Math.round(audio.durationSeconds)) };
  const file: Upload = {
    field: 'voice',
    filename: 'voice.ogg',
    contentType: AUDIO_CONTENT_TYPE,
    open: () => ctx.store.open(audio.key, ctx.deadline.signal(DEADLINE_RESERVE_MS)),
  };
  const send = async (delivery: string, work: Promise<Message>) => {
    const sent = await ctx.trace.time('telegram', work);
    ctx.trace.set({ delivery });
    if (sent.voice?.file_id) ctx.fileIds.remember(audio.key, sent.voice.file_id);
  };
  try {
    if (audio.bytes <= TELEGRAM_VOICE_URL_MAX_BYTES) {
      try {
        const url = await ctx.store.presignedUrl(audio.key);
        return await send('url', ctx.telegram.call('sendVoice', { ...voice, voice: url }, options));
      } catch (error) {
        if (!isBadRequest(error) || isVoiceForbidden(error)) throw error;
        ctx.log.warn('voice URL refused, uploading instead', { update_id: ctx.trace.updateId, error });
      }
    }
    await send('upload', ctx.telegram.upload('sendVoice', voice, file, options));
  } catch (error) {
    if (!isVoiceForbidden(error)) throw error;
    await send('document', ctx.telegram.upload('sendDocument', { ...replyTo(message), caption: MESSAGES.voicesForbidden }, { ...file, field: 'document' }, options));
  }
}

const isBadRequest = (error: unknown): error is TelegramError => error instanceof TelegramError && error.errorCode === 400;
const isVoiceForbidden = (error: unknown) => isBadRequest(error) && error.description.includes('VOICE_MESSAGES_FORBIDDEN');
