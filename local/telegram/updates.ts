/** Updates as Telegram builds them when a person writes to the bot. */
import type { Message, MessageEntity, Update } from '@grammyjs/types';

export interface UserMessage {
  chatId: number;
  text: string;
  fromId?: number;
  chatType?: 'private' | 'group' | 'supergroup';
  /** message_id in the same chat this message replies to. */
  replyTo?: number;
}

const COMMAND = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/;

export function userMessage({ chatId, text, fromId = chatId, chatType = 'private' }: UserMessage, messageId: number, replyTo?: Message): Message {
  const from = { id: fromId, is_bot: false, first_name: 'Test', last_name: 'User', username: `user${fromId}`, language_code: 'en' };
  const chat = chatType === 'private' ? { id: chatId, type: 'private' as const, first_name: from.first_name, last_name: from.last_name, username: from.username } : { id: chatId, type: chatType, title: 'Test group' };
  const command = COMMAND.exec(text);
  const entities: MessageEntity[] = command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : [];
  return {
    message_id: messageId,
    from,
    chat,
    date: Math.floor(Date.now() / 1000),
    text,
    ...(entities.length ? { entities } : {}),
    ...(replyTo ? { reply_to_message: replyTo } : {}),
  } as Message;
}

/** The update kind Telegram names in allowed_updates: the one field besides update_id. */
export function updateKind(update: Update): string | undefined {
  return Object.keys(update).find((key) => key !== 'update_id');
}
