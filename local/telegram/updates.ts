/** Updates as Telegram builds them when a person writes to the bot or sends it a file. */
import type { Document, Message, MessageEntity, Update } from '@grammyjs/types';

/** Who writes where, and in reply to what: the same for every kind of message a person sends. */
export interface UserSide {
  chatId: number;
  fromId?: number;
  chatType?: 'private' | 'group' | 'supergroup';
  /** message_id in the same chat this message replies to. */
  replyTo?: number;
}

export interface UserMessage extends UserSide {
  text: string;
}

/** A file sent as a document ("send as file"), with the caption typed under it. */
export interface UserDocument extends UserSide {
  fileName: string;
  /** What the sender's app says the file is; Telegram leaves mime_type out when it says nothing. */
  mimeType?: string;
  bytes: Uint8Array;
  caption?: string;
}

const COMMAND = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/;

/** The person and the chat a message of theirs carries. */
export function sender({ chatId, fromId = chatId, chatType = 'private' }: UserSide): Pick<Message, 'from' | 'chat'> {
  const from = { id: fromId, is_bot: false, first_name: 'Test', last_name: 'User', username: `user${fromId}`, language_code: 'en' };
  const chat = chatType === 'private' ? { id: chatId, type: 'private' as const, first_name: from.first_name, last_name: from.last_name, username: from.username } : { id: chatId, type: chatType, title: 'Test group' };
  return { from, chat };
}

/** Telegram marks a leading /command in a text or a caption as a bot_command entity. */
function commandEntities(text: string): MessageEntity[] {
  const command = COMMAND.exec(text);
  return command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : [];
}

function userSent(input: UserSide, messageId: number, replyTo: Message | undefined, content: object): Message {
  return { message_id: messageId, ...sender(input), date: Math.floor(Date.now() / 1000), ...content, ...(replyTo ? { reply_to_message: replyTo } : {}) } as Message;
}

export function userMessage(input: UserMessage, messageId: number, replyTo?: Message): Message {
  const entities = commandEntities(input.text);
  return userSent(input, messageId, replyTo, { text: input.text, ...(entities.length ? { entities } : {}) });
}

/** The message of a file sent as a document: its `document`, and the caption with its entities. */
export function userDocumentMessage(input: UserDocument, document: Document, messageId: number, replyTo?: Message): Message {
  const caption = input.caption ?? '';
  const entities = commandEntities(caption);
  return userSent(input, messageId, replyTo, { document, ...(caption ? { caption } : {}), ...(entities.length ? { caption_entities: entities } : {}) });
}

/** The update kind Telegram names in allowed_updates: the one field besides update_id. */
export function updateKind(update: Update): string | undefined {
  return Object.keys(update).find((key) => key !== 'update_id');
}
