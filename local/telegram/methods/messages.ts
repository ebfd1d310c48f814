/** The bot talking in a chat: getMe, sendMessage, sendChatAction, setMessageReaction, answerCallbackQuery, editMessageText, editMessageReplyMarkup. */
import type { Message } from '@grammyjs/types';
import { telegramErrors } from '../errors.ts';
import { objectParam, type BotRequest } from '../params.ts';
import type { ChatAction, EmulatorState, MessageReaction } from '../state.ts';
import type { MethodFamily } from './types.ts';

const MAX_TEXT = 4096;
const CHAT_ACTIONS = new Set(['typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note']);
const PARSE_MODES = new Set(['HTML', 'Markdown', 'MarkdownV2']);
/** The emoji a bot may react with (Bot API, ReactionTypeEmoji). */
const REACTION_EMOJI = new Set(['👍', '👎', '❤', '🔥', '🥰', '👏', '😁', '🤔', '🤯', '😱', '🤬', '😢', '🎉', '🤩', '🤮', '💩', '🙏', '👌', '🕊', '🤡', '🥱', '🥴', '😍', '🐳', '❤‍🔥', '🌚', '🌭', '💯', '🤣', '⚡', '🍌', '🏆', '💔', '🤨', '😐', '🍓', '🍾', '💋', '🖕', '😈', '😴', '😭', '🤓', '👻', '👨‍💻', '👀', '🎃', '🙈', '😇', '😨', '🤝', '✍', '🤗', '🫡', '🎅', '🎄', '☃', '💅', '🤪', '🗿', '🆒', '💘', '🙉', '🦄', '😘', '💊', '🙊', '😎', '👾', '🤷‍♂', '🤷', '🤷‍♀', '😡']);

export const messageMethods: MethodFamily = {
  async getMe(state) {
    return { result: { ...state.bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: true } };
  },

  async sendMessage(state, { params }) {
    const chat = state.chatOf(params.chat_id);
    const text = params.text === undefined ? '' : String(params.text);
    if (text.trim() === '') throw telegramErrors.textEmpty();
    if ([...text].length > MAX_TEXT) throw telegramErrors.textTooLong();
    if (params.parse_mode !== undefined && params.parse_mode !== '' && !PARSE_MODES.has(String(params.parse_mode))) throw telegramErrors.unsupportedParseMode(String(params.parse_mode));
    const replyTo = state.replyTarget(chat, params);
    const markup = objectParam<object>(params.reply_markup);
    const message = state.postMessage(chat, { text, ...(markup ? { reply_markup: markup } : {}) }, replyTo);
    state.remember({ message_id: message.message_id, chat_id: chat.chat.id, kind: 'text', text, ...(replyTo ? { reply_to_message_id: replyTo.message_id } : {}), message });
    return { result: message };
  },

  async sendChatAction(state, { params }) {
    const chat = state.chatOf(params.chat_id);
    if (!CHAT_ACTIONS.has(String(params.action ?? ''))) throw telegramErrors.wrongAction();
    state.events.emit('action', { chat_id: chat.chat.id, action: String(params.action), at: Date.now() } satisfies ChatAction);
    return { result: true };
  },

  // A bot sets at most one (non-paid) reaction; an empty list takes its reaction off.
  async setMessageReaction(state, { params }) {
    const chat = state.chatOf(params.chat_id);
    const messageId = Number(params.message_id);
    if (!chat.messages.has(messageId)) throw telegramErrors.reactionMessageNotFound();
    const reaction = params.reaction === undefined ? [] : objectParam<{ type?: string; emoji?: string }[]>(params.reaction);
    if (!Array.isArray(reaction) || reaction.length > 1 || reaction.some((r) => r.type !== 'emoji' || !REACTION_EMOJI.has(String(r.emoji)))) throw telegramErrors.reactionInvalid();
    const emoji = reaction.map((r) => String(r.emoji));
    state.reactions.set(`${chat.chat.id}:${messageId}`, emoji);
    state.events.emit('reaction', { chat_id: chat.chat.id, message_id: messageId, emoji, at: Date.now() } satisfies MessageReaction);
    return { result: true };
  },

  async editMessageText(state, { params }) {
    const text = params.text === undefined ? '' : String(params.text);
    if (text.trim() === '') throw telegramErrors.textEmpty();
    if ([...text].length > MAX_TEXT) throw telegramErrors.textTooLong();
    return { result: editMessage(state, params, { text }) };
  },

  async editMessageReplyMarkup(state, { params }) {
    return { result: editMessage(state, params, {}) };
  },

  async answerCallbackQuery(_state, { params }) {
    if (params.callback_query_id === undefined || params.callback_query_id === '') throw telegramErrors.missing('callback_query_id');
    return { result: true };
  },
};

/**
 * An edit of one of the bot's messages: the new text (when given) and keyboard (or none) replace the
 * old, the message gets an edit_date, and the chat shows it changed in place. Telegram refuses an
 * edit that changes nothing.
 */
function editMessage(state: EmulatorState, params: BotRequest['params'], change: { text?: string }): Message {
  const chat = state.chatOf(params.chat_id);
  const message = chat.messages.get(Number(params.message_id));
  if (!message || message.from?.id !== state.bot.id) throw telegramErrors.messageNotFound();
  if (change.text !== undefined && message.text === undefined) throw telegramErrors.noTextToEdit();
  const markup = objectParam<object>(params.reply_markup);
  const current = (message as { reply_markup?: object }).reply_markup;
  if ((change.text ?? message.text) === message.text && JSON.stringify(markup ?? null) === JSON.stringify(current ?? null)) throw telegramErrors.notModified();
  const edited = { ...message, ...change, edit_date: Math.floor(Date.now() / 1000), reply_markup: markup } as Message;
  chat.messages.set(message.message_id, edited);
  state.events.emit('edited', edited);
  return edited;
}
