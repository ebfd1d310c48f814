/**
 * How a voice reaches the user, the strategies of the voice job (voice/job.ts): sent to a chat as a
 * reply, or handed back as bytes for the door's own answer (an inline result's voice_url).
 */
import type { Message } from '@grammyjs/types';
import { AUDIO_CONTENT_TYPE, DEADLINE_RESERVE_MS, TELEGRAM_VOICE_URL_MAX_BYTES } from '../constants.ts';
import type { CachedAudio, FileUpload, UpdateContext } from '../context.ts';
import type { DeliveryKind } from '../facts.ts';
import { MESSAGES } from '../messages.ts';
import { replyTo } from '../replies.ts';
import { isBadRequest, isVoiceForbidden, TelegramNetworkError } from '../telegram/errors.ts';
import type { VoiceDelivery } from './job.ts';

/**
 * A send that may or may not have happened: the connection broke, or the answer did not arrive in
 * time (a refused connection is not: nothing was sent). In this pipeline only the voice sends can
 * fail so (the chat action's failure is swallowed).
 */
export const isAmbiguousSend = (error: unknown): boolean => error instanceof TelegramNetworkError && error.maybeDelivered;

/** A voice message replying to `message`, with a caption if given; the result is how it went. */
export const toChat = (message: Message, caption?: string): VoiceDelivery<DeliveryKind> => ({
  known: (ctx, key) => sendKnownFileId(ctx, message, key),
  whileSynthesizing: (ctx) =>
    ctx.telegram
      .call('sendChatAction', { chat_id: message.chat.id, action: 'record_voice' }, { deadline: ctx.deadline, reserveMs: DEADLINE_RESERVE_MS })
      .then(
        () => undefined,
        (error: unknown) => ctx.log.warn('chat action not shown', { update_id: ctx.trace.updateId, error }),
      ),
  deliver: (ctx, audio) => deliverVoice(ctx, message, audio, caption),
});

/** What the door answers Telegram's fetch of a voice URL with: the audio, or why not. */
export type VoiceBytes = { kind: 'audio'; audio: Buffer } | { kind: 'too_big' };

/** The audio itself, for the door to answer with; Telegram takes a voice_url only up to 1 MB. */
export const asBytes: VoiceDelivery<VoiceBytes> = {
  async deliver(ctx, audio) {
    ctx.trace.note({ delivery: 'inline' });
    if (audio.bytes > TELEGRAM_VOICE_URL_MAX_BYTES) return { kind: 'too_big' };
    const opened = await ctx.trace.time('s3', ctx.audioStore.open(audio.key, ctx.deadline.signal(DEADLINE_RESERVE_MS)));
    const chunks: Buffer[] = [];
    for await (const chunk of opened.stream) chunks.push(Buffer.from(chunk as Uint8Array));
    return { kind: 'audio', audio: Buffer.concat(chunks) };
  },
};

/** A voice Telegram already holds is sent again by its file_id: no download, no upload. */
async function sendKnownFileId(ctx: UpdateContext, message: Message, key: string): Promise<DeliveryKind | undefined> {
  const fileId = ctx.fileIds.get(key);
  if (!fileId) return undefined;
  try {
    await ctx.trace.time('telegram', ctx.telegram.call('sendVoice', { ...replyTo(message), voice: fileId }, { deadline: ctx.deadline, reserveMs: DEADLINE_RESERVE_MS }));
    ctx.trace.note({ delivery: 'file_id', cache: 'telegram' });
    return 'file_id';
  } catch (error) {
    if (!isBadRequest(error)) throw error;
    // Refused for certain (an unknown file_id, or a user who takes no voices): the stored copy
    // goes the ordinary way, which also knows how to send it as a file.
    if (!isVoiceForbidden(error)) ctx.fileIds.delete(key);
    return undefined;
  }
}

/**
 * Small voices go by temporary URL: Telegram fetches them straight from the store. Bigger ones, or
 * any URL Telegram refuses, are uploaded from the store as multipart. A user who refuses voice
 * messages gets the audio as a file. Only a definite refusal (HTTP 400) leads to a second try, so a
 * voice is never sent twice.
 */
async function deliverVoice(ctx: UpdateContext, message: Message, audio: CachedAudio, caption?: string): Promise<DeliveryKind> {
  const options = { deadline: ctx.deadline, reserveMs: DEADLINE_RESERVE_MS };
  const voice = { ...replyTo(message), duration: Math.max(1, Math.round(audio.durationSeconds)), ...(caption && { caption }) };
  const file: FileUpload = {
    field: 'voice',
    filename: 'voice.ogg',
    contentType: AUDIO_CONTENT_TYPE,
    open: () => ctx.audioStore.open(audio.key, ctx.deadline.signal(DEADLINE_RESERVE_MS)),
  };
  const send = async (delivery: DeliveryKind, work: Promise<Message>) => {
    const sent = await ctx.trace.time('telegram', work);
    ctx.trace.note({ delivery });
    if (sent.voice?.file_id) ctx.fileIds.set(audio.key, sent.voice.file_id);
    return delivery;
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
    return await send('upload', ctx.telegram.upload('sendVoice', voice, file, options));
  } catch (error) {
    if (!isVoiceForbidden(error)) throw error;
    return send('document', ctx.telegram.upload('sendDocument', { ...replyTo(message), caption: caption ? `${caption}\n\n${MESSAGES.voicesForbidden}` : MESSAGES.voicesForbidden }, { ...file, field: 'document' }, options));
  }
}
