import type { Message } from '@grammyjs/types';
import type { ReplyCall } from '../context.ts';
import { MESSAGES } from '../messages.ts';
import { textReply } from '../replies.ts';

/** /help: what the bot does and how to use it. */
export const help = (message: Message): ReplyCall => textReply(message, MESSAGES.help, false);
