import type { Message } from '@grammyjs/types';
import type { UpdateContext } from '../context.ts';
import { MESSAGES } from '../messages.ts';
import type { Outcome } from '../trace.ts';
import { replyText } from '../replies.ts';

/** /help: what the bot does and how to use it. */
export async function help(ctx: UpdateContext, message: Message): Promise<Outcome> {
  await replyText(ctx, message, MESSAGES.help, false);
  return 'text_sent';
}
