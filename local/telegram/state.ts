/**
 * Everything the Telegram emulator remembers, in one place: the bot, its chats and their messages,
 * stored files, the webhook or the getUpdates queue, and the records tests inspect. The method
 * handlers (methods/*.ts) read and change it; nothing else holds state.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Message, Update } from '@grammyjs/types';
import type { DecodedVoice } from './audio.ts';
import { telegramErrors, type TelegramFailure } from './errors.ts';
import { integerParam, objectParam, type ParamValue, type UploadedFile } from './params.ts';

export interface RecordedCall {
  method: string;
  params: Record<string, ParamValue>;
  files: UploadedFile[];
  /** How the parameters arrived: the request's Content-Type (empty for a query string). */
  contentType: string;
  /** HTTP status answered; 0 when the connection was dropped. */
  status: number;
  /** True when Telegram made the call from a webhook's answer (nobody saw the status), not the bot. */
  fromWebhookResponse?: boolean;
  at: number;
}

export interface SentMessage {
  message_id: number;
  chat_id: number;
  kind: 'text' | 'voice' | 'document';
  text?: string;
  caption?: string;
  reply_to_message_id?: number;
  via?: 'url' | 'upload' | 'file_id';
  audio?: { bytes: Buffer; sampleRate: number; durationSeconds: number };
  message: Message;
}

export interface WebhookRegistration {
  url: string;
  secret_token?: string;
  max_connections: number;
  allowed_updates?: string[];
  last_error_date?: number;
  last_error_message?: string;
}

/** A sendChatAction the bot made: Telegram shows it for up to 5 s or until the bot's next message. */
export interface ChatAction {
  chat_id: number;
  action: string;
  at: number;
}

/** The bot's reaction on a message, as setMessageReaction left it (empty: taken off). */
export interface MessageReaction {
  chat_id: number;
  message_id: number;
  emoji: string[];
  at: number;
}

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  bytes: Buffer;
  voice?: DecodedVoice;
}

export interface Chat {
  chat: Message['chat'];
  messages: Map<number, Message>;
  nextMessageId: number;
}

/** An inline query the user typed (inline.ts), with the bot's answer once answerInlineQuery arrived. */
export interface InlineQueryRecord {
  fromId: number;
  query: string;
  results?: Record<string, unknown>[];
}

export type Fault = { kind: 'fail'; failure: TelegramFailure } | { kind: 'drop' };

export class EmulatorState {
  readonly bot;
  readonly calls: RecordedCall[] = [];
  readonly sent: SentMessage[] = [];
  /** 'call' (RecordedCall), 'sent' (SentMessage), 'edited' (Message), 'action' (ChatAction), 'reaction' (MessageReaction), 'update' (Update), 'request' ({ method }) on arrival. */
  readonly events = new EventEmitter();
  /** The bot's reaction per message, by "chat_id:message_id". */
  readonly reactions = new Map<string, string[]>();
  /** Faults by method, each taken by the next request of that method when it arrives. */
  readonly faults = new Map<string, Fault[]>();
  readonly forbiddenVoiceChats = new Set<number>();
  readonly files = new Map<string, StoredFile>();
  readonly filesByPath = new Map<string, StoredFile>();
  /** Chats the bot may write to (someone wrote to it), with their messages by id. */
  readonly chats = new Map<number, Chat>();
  readonly pendingUpdates: Update[] = [];
  /** Long polls waiting for an update; each is woken once. */
  readonly pollers = new Set<() => void>();
  /** Inline queries by id, with the bot's answer once it came. */
  readonly inlineQueries = new Map<string, InlineQueryRecord>();
  webhook: WebhookRegistration | null = null;
  nextUpdateId = 100_000_001;

  constructor(
    readonly token: string,
    botUsername: string,
  ) {
    this.bot = { id: Number(token.split(':')[0]) || 1000000001, is_bot: true as const, first_name: 'Voicebot', username: botUsername };
  }

  queueFault(method: string, fault: Fault, times: number): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.faults.set(method, queue);
  }

  takeFault(method: string): Fault | undefined {
    return this.faults.get(method)?.shift();
  }

  recordCall(call: Omit<RecordedCall, 'at'>): void {
    const recorded = { ...call, at: Date.now() };
    this.calls.push(recorded);
    this.events.emit('call', recorded);
  }

  /** The chat a bot method names; Telegram refuses chats nobody wrote to the bot from. */
  chatOf(chatIdParam: ParamValue | undefined): Chat {
    if (chatIdParam === undefined || chatIdParam === '') throw telegramErrors.missing('chat_id');
    const chat = this.chats.get(Number(chatIdParam));
    if (!chat) throw telegramErrors.chatNotFound();
    return chat;
  }

  replyTarget(chat: Chat, params: Record<string, ParamValue>): Message | undefined {
    const reply = objectParam<{ message_id?: number; allow_sending_without_reply?: boolean }>(params.reply_parameters);
    const id = reply?.message_id ?? integerParam(params.reply_to_message_id);
    if (id === undefined) return undefined;
    const target = chat.messages.get(id);
    // Like Telegram: a missing message is an error unless the bot allowed sending without the reply.
    const allowMissing = reply?.allow_sending_without_reply ?? String(params.allow_sending_without_reply) === 'true';
    if (!target && !allowMissing) throw telegramErrors.replyNotFound();
    return target;
  }

  /** A message from the bot, kept in its chat so later messages can reply to it. */
  postMessage(chat: Chat, fields: Record<string, unknown>, replyTo: Message | undefined): Message {
    const message = {
      message_id: chat.nextMessageId++,
      from: this.bot,
      chat: chat.chat,
      date: Math.floor(Date.now() / 1000),
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      ...fields,
    } as Message;
    chat.messages.set(message.message_id, message);
    return message;
  }

  remember(entry: SentMessage): void {
    this.sent.push(entry);
    this.events.emit('sent', entry);
  }

  /** A file Telegram now holds: a voice, or a document whose path keeps its name's extension, as Telegram's paths do. */
  storeFile(bytes: Buffer, kind: { voice: DecodedVoice } | { fileName: string }): StoredFile {
    const unique = randomBytes(8).toString('base64url');
    const voice = 'voice' in kind ? kind.voice : undefined;
    const path = 'voice' in kind ? `voice/file_${this.files.size}.oga` : `documents/file_${this.files.size}${/\.[A-Za-z0-9]{1,10}$/.exec(kind.fileName)?.[0] ?? ''}`;
    const file: StoredFile = { file_id: `${voice ? 'AwAC' : 'BQAC'}AgIAAxk${unique}${randomBytes(12).toString('base64url')}`, file_unique_id: `AgAD${unique}`, file_path: path, bytes, ...(voice ? { voice } : {}) };
    this.files.set(file.file_id, file);
    this.filesByPath.set(path, file);
    return file;
  }

  wakePollers(): void {
    for (const wake of [...this.pollers]) wake();
  }
}
