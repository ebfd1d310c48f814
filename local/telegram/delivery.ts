/**
 * The user's side: a person writes or taps a button, Telegram builds the update and delivers it to
 * the webhook (redelivering after a failure, and making the method call a 2xx answer may carry) or
 * queues it for getUpdates.
 */
import { randomBytes } from 'node:crypto';
import type { Message, Update } from '@grammyjs/types';
import { performWebhookAnswer } from './calls.ts';
import type { Chat, EmulatorState, WebhookRegistration } from './state.ts';
import { sender, updateKind, userDocumentMessage, userMessage, type UserDocument, type UserMessage, type UserSide } from './updates.ts';

const WEBHOOK_TIMEOUT_MS = 60_000;

export interface Delivery {
  /** HTTP status from the webhook; 0 for a network error. */
  status: number;
  ms: number;
}

/** How Telegram retries a webhook that failed; small defaults keep tests fast. */
export interface Redelivery {
  attempts: number;
  delayMs: number;
}

export async function deliver(state: EmulatorState, redelivery: Redelivery, update: Update, secretToken = state.webhook?.secret_token): Promise<Delivery[]> {
  state.events.emit('update', update);
  const target = state.webhook;
  if (!target) {
    state.pendingUpdates.push(update);
    state.wakePollers();
    return [];
  }
  const kind = updateKind(update);
  if (target.allowed_updates?.length && kind && !target.allowed_updates.includes(kind)) return [];
  const deliveries: Delivery[] = [];
  for (let attempt = 1; attempt <= redelivery.attempts; attempt++) {
    if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, redelivery.delayMs));
    const started = performance.now();
    const { status, body, contentType } = await post(target, update, secretToken);
    deliveries.push({ status, ms: performance.now() - started });
    if (status >= 200 && status < 300) {
      // The webhook may answer with a method call of its own, which Telegram then makes.
      await performWebhookAnswer(state, body, contentType);
      return deliveries;
    }
    target.last_error_date = Math.floor(Date.now() / 1000);
    if (status) target.last_error_message = `Wrong response from the webhook: ${status}`;
  }
  return deliveries;
}

/** One POST of the update to the webhook, and its answer; status 0 for a network error, which the registration remembers. */
async function post(target: WebhookRegistration, update: Update, secretToken: string | undefined): Promise<{ status: number; body: Buffer; contentType: string }> {
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secretToken ? { 'x-telegram-bot-api-secret-token': secretToken } : {}) },
      body: JSON.stringify(update),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
    return { status: response.status, body: Buffer.from(await response.arrayBuffer()), contentType: response.headers.get('content-type') ?? '' };
  } catch (error) {
    target.last_error_message = error instanceof Error ? error.message : String(error);
    return { status: 0, body: Buffer.alloc(0), contentType: '' };
  }
}

/** The chat a person writes in, opened on their first message there. */
export function userChat(state: EmulatorState, input: UserSide): Chat {
  let chat = state.chats.get(input.chatId);
  if (!chat) {
    chat = { chat: sender(input).chat, messages: new Map(), nextMessageId: 1 };
    state.chats.set(input.chatId, chat);
  }
  return chat;
}

/** A person's message in a chat, kept there (a later message may reply to it), as an update. */
function userPosts(state: EmulatorState, input: UserSide, build: (messageId: number, replyTo: Message | undefined) => Message): Update {
  const chat = userChat(state, input);
  const replyTo = input.replyTo === undefined ? undefined : chat.messages.get(input.replyTo);
  const message = build(chat.nextMessageId++, replyTo);
  chat.messages.set(message.message_id, message);
  return { update_id: state.nextUpdateId++, message } as Update;
}

export function userWrites(state: EmulatorState, input: UserMessage): Update {
  return userPosts(state, input, (messageId, replyTo) => userMessage(input, messageId, replyTo));
}

/** A person sends a file as a document: Telegram keeps its bytes (getFile and the download give them back) and shows its metadata. */
export function userSendsDocument(state: EmulatorState, input: UserDocument): Update {
  const file = state.storeFile(Buffer.from(input.bytes), { fileName: input.fileName });
  const document = { file_id: file.file_id, file_unique_id: file.file_unique_id, file_name: input.fileName, ...(input.mimeType ? { mime_type: input.mimeType } : {}), file_size: file.bytes.length };
  return userPosts(state, input, (messageId, replyTo) => userDocumentMessage(input, document, messageId, replyTo));
}

/** The user taps an inline keyboard button of one of the bot's messages: a callback_query update. */
export function userPresses(state: EmulatorState, { chatId, messageId, data }: { chatId: number; messageId: number; data: string }): Update {
  const message = state.chats.get(chatId)?.messages.get(messageId);
  const buttons = (message as { reply_markup?: { inline_keyboard?: { callback_data?: string }[][] } } | undefined)?.reply_markup?.inline_keyboard?.flat() ?? [];
  if (!message || !buttons.some((button) => button.callback_data === data)) throw new Error(`message ${messageId} in chat ${chatId} has no button with callback_data ${JSON.stringify(data)}`);
  const { from } = sender({ chatId });
  return { update_id: state.nextUpdateId++, callback_query: { id: randomBytes(8).readBigUInt64BE().toString(), from, message, chat_instance: String(chatId), data } } as Update;
}
