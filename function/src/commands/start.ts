import type { Message } from '@grammyjs/types';
import type { UpdateContext } from '../context.ts';
import type { Outcome } from '../trace.ts';
import { replyText } from '../replies.ts';

/** /start (with or without a deep-link payload): the configured welcome, sent exactly as written. */
export async function start(ctx: UpdateContext, message: Message): Promise<Outcome> {
  await replyText(ctx, message, ctx.config.startMessage, false);
  return 'text_sent';
}
