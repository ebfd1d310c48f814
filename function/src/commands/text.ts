import type { Message } from '@grammyjs/types';
import type { UpdateContext } from '../bot.ts';
import { MESSAGES } from '../messages.ts';

/** Sends a text message to the message's chat; `thread` makes it a reply to that message. */
export async function replyText(ctx: UpdateContext, message: Message, text: string, thread = true): Promise<void> {
  await ctx.trace.time(
    'telegram',
    ctx.telegram.call(
      'sendMessage',
      {
        chat_id: message.chat.id,
        text,
        ...(thread && { reply_parameters: { message_id: message.message_id, allow_sending_without_reply: true } }),
      },
      { deadline: ctx.deadline },
    ),
  );
}

/** The one short text a user gets when no voice can be made; its own failure is only logged. */
export async function apologize(ctx: UpdateContext, message: Message): Promise<void> {
  try {
    await ctx.trace.time('telegram', ctx.telegram.call('sendMessage', { chat_id: message.chat.id, text: MESSAGES.failed }, { deadline: ctx.deadline }));
  } catch (error) {
    ctx.log.error('apology not delivered', { update_id: ctx.trace.updateId, error });
  }
}
