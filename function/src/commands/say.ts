import type { Message } from '@grammyjs/types';
import type { UpdateContext } from '../context.ts';
import type { Outcome } from '../facts.ts';
import { MESSAGES } from '../messages.ts';
import type { Command } from '../updates.ts';
import { prepareSpeech, speak } from '../voice/speak.ts';
import { replyText } from '../replies.ts';

/** /say <text> reads the text; /say as a reply reads the message replied to (its text or caption). */
export async function say(ctx: UpdateContext, message: Message, command: Command): Promise<Outcome> {
  const replied = message.reply_to_message;
  const text = command.args || replied?.text || replied?.caption;
  if (!text) {
    await replyText(ctx, message, MESSAGES.sayUsage);
    return 'text_sent';
  }
  return speak(ctx, message, prepareSpeech(ctx, message, text));
}
