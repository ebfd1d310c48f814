/** The bot talking in a chat: getMe, sendMessage, sendChatAction, setMessageReaction, answerCallbackQuery, editMessageReplyMarkup. */
import { telegramErrors } from '../errors.ts';
import { objectParam } from '../params.ts';
import type { ChatAction, MessageReaction } from '../state.ts';
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

  async editMessageReplyMarkup(state, { params }) {
    const chat = state.chatOf(params.chat_id);
    const message = chat.messages.get(Number(params.message_id));
    if (!message || message.from?.id !== state.bot.id) throw telegramErrors.messageNotFound();
    const markup = objectParam<object>(params.reply_markup);
    const current = (message as { reply_markup?: object }).reply_markup;
    if (JSON.stringify(markup ?? null) === JSON.stringify(current ?? null)) throw telegramErrors.notModified();
    const edited = { ...message, edit_date: Math.floor(Date.now() / 1000), ...(markup ? { reply_markup: markup } : { reply_markup: undefined }) } as typeof message;
    chat.messages.set(message.message_id, edited);
    state.events.emit('edited', edited);
    return { result: edited };
  },

  async answerCallbackQuery(_state, { params }) {
    if (params.callback_query_id === undefined || params.callback_query_id === '') throw telegramErrors.missing('callback_query_id');
    return { result: true };
  },
};
