import type { Message } from '@grammyjs/types';
import type { CommandResult, UpdateContext } from '../context.ts';
import { MESSAGES } from '../messages.ts';
import { replyText } from '../replies.ts';

/** /help: what the bot does and how to use it. */
export async function help(ctx: UpdateContext, message: Message): Promise<CommandResult> {
  await replyText(ctx, message, MESSAGES.help, false);
  return { outcome: 'text_sent' };
}
