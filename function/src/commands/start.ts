import type { Message } from '@grammyjs/types';
import type { BotConfig, ReplyCall } from '../context.ts';
import { textReply } from '../replies.ts';

/** /start (with or without a deep-link payload): the configured welcome, exactly as written. */
export const start = (message: Message, config: BotConfig): ReplyCall => textReply(message, config.startMessage, false);
