/**
 * Inline mode, the user's side: typing `@bot text` sends the bot an inline_query and shows its answer;
 * choosing a result makes Telegram fetch the result's voice_url (as sendVoice by URL does) and post
 * the voice in the user's chat, "via @bot".
 */
import { randomBytes } from 'node:crypto';
import type { InlineQueryResultVoice, Message, Update } from '@grammyjs/types';
import { inspectOggOpus } from './audio.ts';
import { telegramErrors } from './errors.ts';
import { fetchMedia, VOICE_BY_URL_BYTES } from './media.ts';
import type { EmulatorState } from './state.ts';
import { userChat } from './delivery.ts';
import { sender, userMessage } from './updates.ts';

/** The user has typed `@bot query`: an inline_query update. */
export function userTypesInline(state: EmulatorState, { fromId, query }: { fromId: number; query: string }): Update {
  const id = randomBytes(8).readBigUInt64BE().toString();
  state.inlineQueries.set(id, { fromId, query });
  const { from } = sender({ chatId: fromId });
  return { update_id: state.nextUpdateId++, inline_query: { id, from, query, offset: '', chat_type: 'sender' } } as Update;
}

/** The user picks one of the bot's results in `chatId`: its voice, fetched from voice_url, is posted via the bot. */
export async function userChoosesInline(state: EmulatorState, { chatId, queryId, resultId }: { chatId: number; queryId: string; resultId: string }): Promise<Message> {
  const query = state.inlineQueries.get(queryId);
  const result = query?.results?.find((candidate) => candidate.id === resultId) as InlineQueryResultVoice | undefined;
  if (!query || !result) throw new Error(`inline query ${queryId} has no result ${JSON.stringify(resultId)}`);
  if (result.type !== 'voice') throw new Error(`the emulator sends voice results only, not ${String(result.type)}`);
  const bytes = await fetchMedia(result.voice_url, true);
  if (bytes.length > VOICE_BY_URL_BYTES) throw telegramErrors.urlUnreachable();
  const decoded = await inspectOggOpus(bytes);
  if (!decoded) throw telegramErrors.notOggOpus();
  const file = state.storeFile(bytes, { voice: decoded });
  const chat = userChat(state, { chatId });
  const { text: _text, ...base } = userMessage({ chatId, text: '', fromId: query.fromId }, chat.nextMessageId++);
  const voice = { file_id: file.file_id, file_unique_id: file.file_unique_id, duration: Math.max(1, Math.round(decoded.durationSeconds)), mime_type: 'audio/ogg', file_size: bytes.length };
  const message = { ...base, via_bot: state.bot, voice } as Message;
  chat.messages.set(message.message_id, message);
  return message;
}


