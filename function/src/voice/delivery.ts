import type { Message } from '@grammyjs/types';
import { AUDIO_CONTENT_TYPE, DEADLINE_RESERVE_MS, TELEGRAM_VOICE_URL_MAX_BYTES } from '../constants.ts';
import type { CachedAudio, FileUpload, UpdateContext } from '../context.ts';
import { MESSAGES } from '../messages.ts';
import { replyTo } from '../replies.ts';
import { isBadRequest, isVoiceForbidden, TelegramNetworkError } from '../telegram/errors.ts';

/**
 * A send that may or may not have happened: the connection broke, or the answer did not arrive in
 * time (a refused connection is not: nothing was sent). In this pipeline only the voice sends can
 * fail so (the chat action's failure is swallowed).
 */
export const isAmbiguousSend = (error: unknown): boolean => error instanceof TelegramNetworkError && error.maybeDelivered;

/** A voice Telegram already holds is sent again by its file_id: no download, no upload. */
export async function sendKnownFileId(ctx: UpdateContext, message: Message, key: string): Promise<boolean> {
  const fileId = ctx.fileIds.get(key);
  if (!fileId) return false;
  try {
    await ctx.trace.time('telegram', ctx.telegram.call('sendVoice', { ...replyTo(message), voice: fileId }, { deadline: ctx.deadline, reserveMs: DEADLINE_RESERVE_MS }));
    ctx.trace.set({ delivery: 'file_id', cache: 'telegram' });
    return true;
  } catch (error) {
    if (!isBadRequest(error)) throw error;
    // Refused for certain (an unknown file_id, or a user who takes no voices): the stored copy
    // goes the ordinary way, which also knows how to send it as a file.
    if (!isVoiceForbidden(error)) ctx.fileIds.delete(key);
    return false;
  }
}

/**
 * Small voices go by temporary URL: Telegram fetches them straight from the store. Bigger ones, or
 * any URL Telegram refuses, are uploaded from the store as multipart. A user who refuses voice
 * messages gets the audio as a file. Only a definite refusal (HTTP 400) leads to a second try, so a
 * voice is never sent twice.
 */
export async function deliverVoice(ctx: UpdateContext, message: Message, audio: CachedAudio): Promise<void> {
  const options = { deadline: ctx.deadline, reserveMs: DEADLINE_RESERVE_MS };
  const voice = { ...replyTo(message), duration: Math.max(1, Math.round(audio.durationSeconds)) };
  const file: FileUpload = {
    field: 'voice',
    filename: 'voice.ogg',
    contentType: AUDIO_CONTENT_TYPE,
    open: () => ctx.audioStore.open(audio.key, ctx.deadline.signal(DEADLINE_RESERVE_MS)),
  };
  const send = async (delivery: string, work: Promise<Message>) => {
    const sent = await ctx.trace.time('telegram', work);
    ctx.trace.set({ delivery });
    if (sent.voice?.file_id) ctx.fileIds.set(audio.key, sent.voice.file_id);
  };
  try {
    if (audio.bytes <= TELEGRAM_VOICE_URL_MAX_BYTES) {
      try {
        const url = await ctx.audioStore.temporaryUrl(audio.key);
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
