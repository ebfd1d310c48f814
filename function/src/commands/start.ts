import type { Message } from '@grammyjs/types';
import type { CommandResult, UpdateContext } from '../context.ts';
import { textReply } from '../replies.ts';

/**
 * /start (with or without a deep-link payload): the configured welcome, exactly as written, in the
 * webhook's answer: a user's first answer waits for no round trip to Telegram.
 */
export async function start(ctx: UpdateContext, message: Message): Promise<CommandResult> {
  return { outcome: 'text_sent', reply: textReply(message, ctx.config.startMessage, false) };
}
