/**
 * Audio the bot sends and files it asks for: sendVoice, sendDocument, getFile. Voices arrive by URL
 * (fetched and checked as Telegram does), by upload, or by a file_id the emulator gave out; getFile
 * gives out the path of any file the emulator holds (the bot's, or one a user sent), up to Telegram's 20 MB.
 */
import { inspectOggOpus } from '../audio.ts';
import { telegramErrors } from '../errors.ts';
import { fetchMedia, VOICE_BY_URL_BYTES } from '../media.ts';
import type { BotRequest } from '../params.ts';
import type { EmulatorState, StoredFile } from '../state.ts';
import type { MethodFamily } from './types.ts';

/** Bots may download files of up to 20 MB (getFile). */
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
/** A media caption holds at most 1024 characters. */
const MAX_CAPTION = 1024;

type Source = { bytes: Buffer; via: 'url' | 'upload' | 'file_id'; known?: StoredFile };

/** The bytes behind a voice/document parameter, fetched, uploaded or referenced by file_id. */
async function mediaSource(state: EmulatorState, field: string, request: BotRequest): Promise<Source> {
  const value = request.params[field];
  const attachName = typeof value === 'string' && value.startsWith('attach://') ? value.slice('attach://'.length) : field;
  const upload = request.files.find((file) => file.field === attachName);
  if (upload) return { bytes: upload.bytes, via: 'upload' };
  if (typeof value !== 'string' || value === '') throw telegramErrors.missing(field);
  if (/^https?:\/\//i.test(value)) return { bytes: await fetchMedia(value, field === 'voice'), via: 'url' };
  const known = state.files.get(value);
  if (!known) throw telegramErrors.wrongFileId();
  return { bytes: known.bytes, via: 'file_id', known };
}

const documentFields = (file: StoredFile, name: string) => ({ file_id: file.file_id, file_unique_id: file.file_unique_id, file_name: name, mime_type: 'audio/ogg', file_size: file.bytes.length });
function captionOf(request: BotRequest): string | undefined {
  if (request.params.caption === undefined) return undefined;
  const caption = String(request.params.caption);
  if ([...caption].length > MAX_CAPTION) throw telegramErrors.captionTooLong();
  return caption;
}

export const fileMethods: MethodFamily = {
  async sendVoice(state, request) {
    const chat = state.chatOf(request.params.chat_id);
    if (state.forbiddenVoiceChats.has(chat.chat.id)) throw telegramErrors.voiceForbidden();
    const replyTo = state.replyTarget(chat, request.params);
    const caption = captionOf(request);
    const source = await mediaSource(state, 'voice', request);
    const decoded = source.known?.voice ?? (await inspectOggOpus(source.bytes));
    if (!decoded) throw telegramErrors.notOggOpus();
    const file = source.known ?? state.storeFile(source.bytes, { voice: decoded });
    const audio = { bytes: source.bytes, ...decoded };
    const common = { chat_id: chat.chat.id, via: source.via, audio, ...(caption ? { caption } : {}), ...(replyTo ? { reply_to_message_id: replyTo.message_id } : {}) };
    if (source.via === 'url' && source.bytes.length > VOICE_BY_URL_BYTES) {
      // Telegram's documented rule: voice notes of 1–20 MB by URL arrive as files, not voices.
      const message = state.postMessage(chat, { document: documentFields(file, 'voice.ogg'), ...(caption ? { caption } : {}) }, replyTo);
      state.remember({ message_id: message.message_id, kind: 'document', ...common, message });
      return { result: message };
    }
    const voice = { file_id: file.file_id, file_unique_id: file.file_unique_id, duration: Math.max(1, Math.round(decoded.durationSeconds)), mime_type: 'audio/ogg', file_size: source.bytes.length };
    const message = state.postMessage(chat, { voice, ...(caption ? { caption } : {}) }, replyTo);
    state.remember({ message_id: message.message_id, kind: 'voice', ...common, message });
    return { result: message };
  },

  async sendDocument(state, request) {
    const chat = state.chatOf(request.params.chat_id);
    const replyTo = state.replyTarget(chat, request.params);
    const caption = captionOf(request);
    const source = await mediaSource(state, 'document', request);
    const upload = request.files.find((candidate) => candidate.field === 'document');
    const fileName = upload?.filename ?? 'file';
    const file = source.known ?? state.storeFile(source.bytes, { fileName });
    const document = { ...documentFields(file, fileName), mime_type: upload?.contentType || 'application/octet-stream' };
    const message = state.postMessage(chat, { document, ...(caption ? { caption } : {}) }, replyTo);
    state.remember({ message_id: message.message_id, chat_id: chat.chat.id, kind: 'document', via: source.via, ...(caption ? { caption } : {}), ...(replyTo ? { reply_to_message_id: replyTo.message_id } : {}), message });
    return { result: message };
  },

  async getFile(state, { params }) {
    const file = state.files.get(String(params.file_id ?? ''));
    if (!file) throw telegramErrors.wrongFileId();
    if (file.bytes.length > MAX_DOWNLOAD_BYTES) throw telegramErrors.fileTooBig();
    return { result: { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.bytes.length, file_path: file.file_path } };
  },
};
