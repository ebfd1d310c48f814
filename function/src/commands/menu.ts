import type { CallbackQuery, InlineKeyboardButton, Message } from '@grammyjs/types';
import { FINAL_REPLY_RESERVE_MS } from '../constants.ts';
import type { UpdateContext } from '../context.ts';
import { editText } from '../replies.ts';

/** A menu's buttons, `columns` to a row. */
export function buttonRows(buttons: InlineKeyboardButton[], columns: number): InlineKeyboardButton[][] {
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += columns) rows.push(buttons.slice(i, i + columns));
  return rows;
}

/** Sends a menu: a text with its buttons under it. */
export async function sendMenu(ctx: UpdateContext, chatId: number, text: string, rows: InlineKeyboardButton[][]): Promise<void> {
  await ctx.trace.time(
    'telegram',
    ctx.telegram.call('sendMessage', { chat_id: chatId, text, reply_markup: { inline_keyboard: rows } }, { deadline: ctx.deadline, reserveMs: FINAL_REPLY_RESERVE_MS }),
  );
}

/** Confirms a tap in the button's own toast; an answer also stops the button's spinner in the user's app. */
export async function answerTap(ctx: UpdateContext, query: CallbackQuery, text?: string): Promise<void> {
  await ctx.trace.time(
    'telegram',
    ctx.telegram.call('answerCallbackQuery', { callback_query_id: query.id, ...(text && { text }) }, { deadline: ctx.deadline, reserveMs: FINAL_REPLY_RESERVE_MS }),
  );
}

/** Updates a menu after a choice: its text (the "Now:" line) and its tick; the choice is stored and confirmed by then. */
export async function updateMenu(ctx: UpdateContext, menu: Message, text: string, rows: InlineKeyboardButton[][]): Promise<void> {
  await editText(ctx, { chat_id: menu.chat.id, message_id: menu.message_id, text, reply_markup: { inline_keyboard: rows } }, { what: 'menu', reserveMs: FINAL_REPLY_RESERVE_MS });
}
