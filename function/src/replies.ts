/** How the bot answers in text: threaded replies, plain texts, and the one apology. */
import type { Message } from '@grammyjs/types';
import type { Params, ReplyCall, UpdateContext } from './context.ts';
import { FINAL_REPLY_RESERVE_MS } from './constants.ts';
import { MESSAGES } from './messages.ts';

/** reply_parameters that thread our answer under the user's message, even if it was deleted meanwhile. */
export const replyTo = (message: Message) => ({
  chat_id: message.chat.id,
  reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true },
});

/** sendMessage's parameters for a text to the message's chat; `thread` makes it a reply to that message. */
const textTo = (message: Message, text: string, thread: boolean): Params<'sendMessage'> => ({ ...(thread ? replyTo(message) : { chat_id: message.chat.id }), text });

/** Sends a text message to the message's chat; `thread` makes it a reply to that message. */
export async function replyText(ctx: UpdateContext, message: Message, text: string, thread = true): Promise<void> {
  // A small reserve even for the last words: the handler must still return before Lambda's timeout.
  await ctx.trace.time('telegram', ctx.telegram.call('sendMessage', textTo(message, text, thread), { deadline: ctx.deadline, reserveMs: FINAL_REPLY_RESERVE_MS }));
}

/** The same text as replyText sends, as a call left to the door (the webhook's answer carries it). */
export const textReply = (message: Message, text: string, thread: boolean): ReplyCall<'sendMessage'> => ({ method: 'sendMessage', params: textTo(message, text, thread) });

/** The one short text a user gets when no voice can be made; its own failure is only logged. */
export async function apologize(ctx: UpdateContext, message: Message): Promise<void> {
  await replyText(ctx, message, MESSAGES.failed, false).catch((error: unknown) =>
    ctx.log.error('apology not delivered', { update_id: ctx.trace.updateId, error }),
  );
}

/**
 * Edits a text the bot sent earlier: a menu's "Now:" line and tick, a document's status. What it shows
 * was stored or said already, so a failed edit (e.g. "message is not modified" on a second tap) is
 * cosmetic: a warning naming `what`, not a failure. `reserveMs` is the time it leaves for what follows.
 */
export async function editText(
  ctx: UpdateContext,
  edit: Pick<Params<'editMessageText'>, 'chat_id' | 'message_id' | 'text' | 'reply_markup'>,
  { what, reserveMs }: { what: string; reserveMs: number },
): Promise<void> {
  await ctx.trace
    .time('telegram', ctx.telegram.call('editMessageText', edit, { deadline: ctx.deadline, reserveMs }))
    .catch((error: unknown) => ctx.log.warn(`${what} not updated`, { update_id: ctx.trace.updateId, error }));
}
