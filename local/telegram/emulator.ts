/**
 * A Telegram Bot API emulator for what a webhook bot uses: the bot-facing methods with
 * Telegram's answers and errors, voice URLs fetched and checked as Telegram does, updates
 * delivered to the webhook (and redelivered on failure) or queued for getUpdates, records for
 * tests to inspect, and faults to inject.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, Update } from '@grammyjs/types';
import { inspectOggOpus, type DecodedVoice } from './audio.ts';
import { TelegramApiError, telegramErrors, type TelegramFailure } from './errors.ts';
import { booleanParam, integerParam, objectParam, readBotRequest, type BotRequest, type ParamValue, type UploadedFile } from './params.ts';
import { updateKind, userMessage, type UserMessage } from './updates.ts';

export interface EmulatorOptions {
  token: string;
  port?: number;
  botUsername?: string;
  /** How Telegram retries a webhook that failed; small defaults keep tests fast. */
  redelivery?: { attempts: number; delayMs: number };
}

export interface RecordedCall {
  method: string;
  params: Record<string, ParamValue>;
  files: UploadedFile[];
  /** How the parameters arrived: the request's Content-Type (empty for a query string). */
  contentType: string;
  /** HTTP status answered; 0 when the connection was dropped. */
  status: number;
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

export interface Delivery {
  /** HTTP status from the webhook; 0 for a network error. */
  status: number;
  ms: number;
}

export interface TelegramEmulator {
  /** Base URL for TELEGRAM_API_URL: calls go to `${url}/bot${token}/${method}`, files (see getFile) to `${url}/file/bot${token}/${file_path}`. */
  url: string;
  readonly webhook: WebhookRegistration | null;
  calls: RecordedCall[];
  sent: SentMessage[];
  events: EventEmitter;
  failNext(method: string, failure: TelegramFailure, times?: number): void;
  dropNext(method: string, times?: number): void;
  forbidVoices(chatId: number): void;
  sendUserMessage(message: UserMessage): Promise<{ update: Update; deliveries: Delivery[] }>;
  /** The user taps an inline keyboard button of one of the bot's messages: a callback_query update. */
  pressButton(press: { chatId: number; messageId: number; data: string }): Promise<{ update: Update; deliveries: Delivery[] }>;
  deliverUpdate(update: Update | Record<string, unknown>, options?: { secretToken?: string }): Promise<Delivery[]>;
  waitForSent(predicate: (message: SentMessage) => boolean, timeoutMs?: number): Promise<SentMessage>;
  close(): Promise<void>;
}

/** Telegram's limits for a voice given by URL: up to 1 MB as a voice, up to 20 MB as a file. */
const VOICE_BY_URL_BYTES = 1024 * 1024;
const FILE_BY_URL_BYTES = 20 * 1024 * 1024;
const URL_FETCH_TIMEOUT_MS = 10_000;
const WEBHOOK_TIMEOUT_MS = 60_000;
const MAX_TEXT = 4096;
const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const CHAT_ACTIONS = new Set(['typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice', 'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note']);
const PARSE_MODES = new Set(['HTML', 'Markdown', 'MarkdownV2']);

interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  bytes: Buffer;
  voice?: DecodedVoice;
}

type Fault = { kind: 'fail'; failure: TelegramFailure } | { kind: 'drop' };
type MethodResult = { result: unknown; description?: string };
type MethodHandler = (request: BotRequest) => Promise<MethodResult>;

export async function startTelegramEmulator({ token, port = 0, botUsername = 'voicebot_demo_bot', redelivery = { attempts: 3, delayMs: 50 } }: EmulatorOptions): Promise<TelegramEmulator> {
  const botId = Number(token.split(':')[0]) || 1000000001;
  const bot = { id: botId, is_bot: true, first_name: 'Voicebot', username: botUsername };
  const calls: RecordedCall[] = [];
  const sent: SentMessage[] = [];
  const events = new EventEmitter();
  const faults = new Map<string, Fault[]>();
  const forbiddenVoiceChats = new Set<number>();
  const files = new Map<string, StoredFile>();
  const filesByPath = new Map<string, StoredFile>();
  /** Chats the bot may write to (someone wrote to it), with their messages by id. */
  const chats = new Map<number, { chat: Message['chat']; messages: Map<number, Message>; nextMessageId: number }>();
  const pendingUpdates: Update[] = [];
  const pollers = new Set<() => void>();
  let webhook: WebhookRegistration | null = null;
  let nextUpdateId = 100_000_001;

  function chatOf(chatIdParam: ParamValue | undefined) {
    const chat = chats.get(Number(chatIdParam));
    if (chatIdParam === undefined || chatIdParam === '') throw telegramErrors.missing('chat_id');
    if (!chat) throw telegramErrors.chatNotFound();
    return chat;
  }

  function replyTarget(chat: ReturnType<typeof chatOf>, params: Record<string, ParamValue>): Message | undefined {
    const reply = objectParam<{ message_id?: number; allow_sending_without_reply?: boolean }>(params.reply_parameters);
    const id = reply?.message_id ?? integerParam(params.reply_to_message_id);
    if (id === undefined) return undefined;
    const target = chat.messages.get(id);
    // Like Telegram: a missing message is an error unless the bot allowed sending without the reply.
    const allowMissing = reply?.allow_sending_without_reply ?? String(params.allow_sending_without_reply) === 'true';
    if (!target && !allowMissing) throw telegramErrors.replyNotFound();
    return target;
  }

  function record(chat: ReturnType<typeof chatOf>, fields: Record<string, unknown>, replyTo: Message | undefined): Message {
    const message = {
      message_id: chat.nextMessageId++,
      from: bot,
      chat: chat.chat,
      date: Math.floor(Date.now() / 1000),
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      ...fields,
    } as Message;
    chat.messages.set(message.message_id, message);
    return message;
  }

  function remember(entry: SentMessage): void {
    sent.push(entry);
    events.emit('sent', entry);
  }

  function storeFile(bytes: Buffer, voice?: DecodedVoice): StoredFile {
    const unique = randomBytes(8).toString('base64url');
    const path = `${voice ? 'voice' : 'documents'}/file_${files.size}.${voice ? 'oga' : 'ogg'}`;
    const file: StoredFile = { file_id: `AwACAgIAAxk${unique}${randomBytes(12).toString('base64url')}`, file_unique_id: `AgAD${unique}`, file_path: path, bytes, ...(voice ? { voice } : {}) };
    files.set(file.file_id, file);
    filesByPath.set(path, file);
    return file;
  }

  /** The bytes behind a voice/document parameter, fetched, uploaded or referenced by file_id. */
  async function mediaSource(field: string, request: BotRequest): Promise<{ bytes: Buffer; via: 'url' | 'upload' | 'file_id'; known?: StoredFile }> {
    const value = request.params[field];
    const attachName = typeof value === 'string' && value.startsWith('attach://') ? value.slice('attach://'.length) : field;
    const upload = request.files.find((file) => file.field === attachName);
    if (upload) return { bytes: upload.bytes, via: 'upload' };
    if (typeof value !== 'string' || value === '') throw telegramErrors.missing(field);
    if (/^https?:\/\//i.test(value)) return { bytes: await fetchMedia(value, field === 'voice'), via: 'url' };
    const known = files.get(value);
    if (!known) throw telegramErrors.wrongFileId();
    return { bytes: known.bytes, via: 'file_id', known };
  }

  async function fetchMedia(url: string, voice: boolean): Promise<Buffer> {
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(URL_FETCH_TIMEOUT_MS) });
    } catch {
      throw telegramErrors.urlUnreachable();
    }
    if (!response.ok) throw telegramErrors.urlUnreachable();
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (voice && type !== 'audio/ogg') {
      await response.body?.cancel();
      throw telegramErrors.wrongContentType();
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > FILE_BY_URL_BYTES) throw telegramErrors.urlUnreachable();
    return bytes;
  }

  function documentFields(file: StoredFile, name: string) {
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_name: name, mime_type: 'audio/ogg', file_size: file.bytes.length };
  }

  const methods: Record<string, MethodHandler> = {
    async getMe() {
      return { result: { ...bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false } };
    },

    async setWebhook({ params }) {
      const url = String(params.url ?? '');
      if (url === '') {
        const had = webhook !== null;
        webhook = null;
        return { result: true, description: had ? 'Webhook was deleted' : 'Webhook is already deleted' };
      }
      // Telegram demands HTTPS on ports 443/80/88/8443; a local emulator must accept http://127.0.0.1.
      if (!/^https?:\/\/[^/]+/i.test(url)) throw telegramErrors.badWebhookUrl();
      const secret = params.secret_token === undefined ? undefined : String(params.secret_token);
      if (secret !== undefined && !SECRET_TOKEN.test(secret)) throw telegramErrors.badSecretToken();
      const maxConnections = params.max_connections === undefined ? 40 : integerParam(params.max_connections);
      if (maxConnections === undefined || maxConnections < 1 || maxConnections > 100) throw telegramErrors.badMaxConnections();
      const allowed = objectParam<string[]>(params.allowed_updates);
      if (booleanParam(params.drop_pending_updates)) pendingUpdates.length = 0;
      const same = webhook?.url === url;
      webhook = { url, max_connections: maxConnections, ...(secret ? { secret_token: secret } : {}), ...(allowed ? { allowed_updates: allowed } : {}) };
      return { result: true, description: same ? 'Webhook is already set' : 'Webhook was set' };
    },

    async deleteWebhook({ params }) {
      const had = webhook !== null;
      webhook = null;
      if (booleanParam(params.drop_pending_updates)) pendingUpdates.length = 0;
      return { result: true, description: had ? 'Webhook was deleted' : 'Webhook is already deleted' };
    },

    async getWebhookInfo() {
      if (!webhook) return { result: { url: '', has_custom_certificate: false, pending_update_count: pendingUpdates.length } };
      const { secret_token: _secret, ...visible } = webhook; // Telegram never shows the secret back
      return { result: { ...visible, has_custom_certificate: false, pending_update_count: 0, ip_address: '127.0.0.1' } };
    },

    async sendMessage({ params }) {
      const chat = chatOf(params.chat_id);
      const text = params.text === undefined ? '' : String(params.text);
      if (text.trim() === '') throw telegramErrors.textEmpty();
      if ([...text].length > MAX_TEXT) throw telegramErrors.textTooLong();
      if (params.parse_mode !== undefined && params.parse_mode !== '' && !PARSE_MODES.has(String(params.parse_mode))) throw telegramErrors.unsupportedParseMode(String(params.parse_mode));
      const replyTo = replyTarget(chat, params);
      const markup = objectParam<object>(params.reply_markup);
      const message = record(chat, { text, ...(markup ? { reply_markup: markup } : {}) }, replyTo);
      remember({ message_id: message.message_id, chat_id: chat.chat.id, kind: 'text', text, ...(replyTo ? { reply_to_message_id: replyTo.message_id } : {}), message });
      return { result: message };
    },

    async sendChatAction({ params }) {
      const chat = chatOf(params.chat_id);
      if (!CHAT_ACTIONS.has(String(params.action ?? ''))) throw telegramErrors.wrongAction();
      events.emit('action', { chat_id: chat.chat.id, action: String(params.action), at: Date.now() } satisfies ChatAction);
      return { result: true };
    },

    async sendVoice(request) {
      const chat = chatOf(request.params.chat_id);
      if (forbiddenVoiceChats.has(chat.chat.id)) throw telegramErrors.voiceForbidden();
      const replyTo = replyTarget(chat, request.params);
      const source = await mediaSource('voice', request);
      const caption = request.params.caption === undefined ? undefined : String(request.params.caption);
      const decoded = source.known?.voice ?? (await inspectOggOpus(source.bytes));
      if (!decoded) throw telegramErrors.notOggOpus();
      const file = source.known ?? storeFile(source.bytes, decoded);
      const audio = { bytes: source.bytes, ...decoded };
      const common = { chat_id: chat.chat.id, via: source.via, audio, ...(caption ? { caption } : {}), ...(replyTo ? { reply_to_message_id: replyTo.message_id } : {}) };
      if (source.via === 'url' && source.bytes.length > VOICE_BY_URL_BYTES) {
        // Telegram's documented rule: voice notes of 1–20 MB by URL arrive as files, not voices.
        const message = record(chat, { document: documentFields(file, 'voice.ogg'), ...(caption ? { caption } : {}) }, replyTo);
        remember({ message_id: message.message_id, kind: 'document', ...common, message });
        return { result: message };
      }
      const voice = { file_id: file.file_id, file_unique_id: file.file_unique_id, duration: Math.max(1, Math.round(decoded.durationSeconds)), mime_type: 'audio/ogg', file_size: source.bytes.length };
      const message = record(chat, { voice, ...(caption ? { caption } : {}) }, replyTo);
      remember({ message_id: message.message_id, kind: 'voice', ...common, message });
      return { result: message };
    },

    async sendDocument(request) {
      const chat = chatOf(request.params.chat_id);
      const replyTo = replyTarget(chat, request.params);
      const source = await mediaSource('document', request);
      const file = source.known ?? storeFile(source.bytes);
      const name = request.files.find((upload) => upload.field === 'document')?.filename ?? 'file';
      const caption = request.params.caption === undefined ? undefined : String(request.params.caption);
      const message = record(chat, { document: { ...documentFields(file, name), mime_type: request.files.find((upload) => upload.field === 'document')?.contentType || 'application/octet-stream' }, ...(caption ? { caption } : {}) }, replyTo);
      remember({ message_id: message.message_id, chat_id: chat.chat.id, kind: 'document', via: source.via, ...(caption ? { caption } : {}), ...(replyTo ? { reply_to_message_id: replyTo.message_id } : {}), message });
      return { result: message };
    },

    async answerCallbackQuery({ params }) {
      if (params.callback_query_id === undefined || params.callback_query_id === '') throw telegramErrors.missing('callback_query_id');
      return { result: true };
    },

    async getFile({ params }) {
      const file = files.get(String(params.file_id ?? ''));
      if (!file) throw telegramErrors.wrongFileId();
      return { result: { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.bytes.length, file_path: file.file_path } };
    },

    async getUpdates({ params }) {
      if (webhook) throw telegramErrors.webhookActive();
      const offset = integerParam(params.offset);
      const limit = integerParam(params.limit) ?? 100;
      const timeoutSeconds = integerParam(params.timeout) ?? 0;
      if (limit < 1 || limit > 100) throw telegramErrors.badLimit('limit');
      // An offset confirms every update before it; a negative one keeps only the last -offset.
      if (offset !== undefined && offset < 0) pendingUpdates.splice(0, Math.max(0, pendingUpdates.length + offset));
      else if (offset !== undefined) while (pendingUpdates[0] && pendingUpdates[0].update_id < offset) pendingUpdates.shift();
      if (pendingUpdates.length === 0 && timeoutSeconds > 0) await waitForUpdate(timeoutSeconds * 1000);
      return { result: pendingUpdates.slice(0, limit) };
    },
  };

  function waitForUpdate(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        pollers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      pollers.add(done);
    });
  }

  const methodsByLowerName = new Map(Object.entries(methods).map(([name, handler]) => [name.toLowerCase(), { name, handler }]));

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
    const answer = (status: number, body: object, call?: Omit<RecordedCall, 'status' | 'at'>) => {
      if (call) {
        const recorded = { ...call, status, at: Date.now() };
        calls.push(recorded);
        events.emit('call', recorded);
      }
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method === 'GET' && url.pathname.startsWith(`/file/bot${token}/`)) return serveFile(url.pathname.slice(`/file/bot${token}/`.length), response);
    if (!match) return answer(404, telegramErrors.notFound().toJSON());
    if (match[1] !== token) return answer(401, telegramErrors.unauthorized().toJSON());
    const method = methodsByLowerName.get(match[2]!.toLowerCase());
    let botRequest: BotRequest;
    try {
      botRequest = await readBotRequest(request, url);
    } catch (error) {
      if (error instanceof TelegramApiError) return answer(error.errorCode, error.toJSON());
      return answer(400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" }); // unconfirmed wording
    }
    const call = { method: method?.name ?? match[2]!, params: botRequest.params, files: botRequest.files, contentType: request.headers['content-type'] ?? '' };
    if (!method) return answer(404, telegramErrors.notFound().toJSON(), call);
    const fault = faults.get(method.name)?.shift();
    if (fault?.kind === 'drop') {
      const recorded = { ...call, status: 0, at: Date.now() };
      calls.push(recorded);
      events.emit('call', recorded);
      request.socket.destroy();
      return;
    }
    if (fault) return answer(fault.failure.error_code, TelegramApiError.from(fault.failure).toJSON(), call);
    try {
      const { result, description } = await method.handler(botRequest);
      answer(200, { ok: true, result, ...(description ? { description } : {}) }, call);
    } catch (error) {
      if (!(error instanceof TelegramApiError)) throw error;
      answer(error.errorCode, error.toJSON(), call);
    }
  }

  /** Telegram's file download: the bytes behind a file_path that getFile gave out. */
  function serveFile(path: string, response: ServerResponse): void {
    const file = filesByPath.get(decodeURIComponent(path));
    if (!file) return void response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(telegramErrors.notFound().toJSON()));
    response.writeHead(200, { 'content-type': file.voice ? 'audio/ogg' : 'application/octet-stream', 'content-length': file.bytes.length }).end(file.bytes);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('Telegram emulator failed:', error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: false, error_code: 500, description: 'Internal Server Error' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });

  async function deliver(update: Update, secretToken = webhook?.secret_token): Promise<Delivery[]> {
    events.emit('update', update);
    const target = webhook;
    if (!target) {
      pendingUpdates.push(update);
      for (const wake of [...pollers]) wake();
      return [];
    }
    const kind = updateKind(update);
    if (target.allowed_updates?.length && kind && !target.allowed_updates.includes(kind)) return [];
    const deliveries: Delivery[] = [];
    for (let attempt = 1; attempt <= redelivery.attempts; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, redelivery.delayMs));
      const started = performance.now();
      let status = 0;
      try {
        const response = await fetch(target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(secretToken ? { 'x-telegram-bot-api-secret-token': secretToken } : {}) },
          body: JSON.stringify(update),
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
        await response.arrayBuffer();
        status = response.status;
      } catch (error) {
        target.last_error_message = error instanceof Error ? error.message : String(error);
      }
      deliveries.push({ status, ms: performance.now() - started });
      if (status >= 200 && status < 300) return deliveries;
      target.last_error_date = Math.floor(Date.now() / 1000);
      if (status) target.last_error_message = `Wrong response from the webhook: ${status}`;
    }
    return deliveries;
  }

  function chatFor(message: UserMessage) {
    let chat = chats.get(message.chatId);
    if (!chat) {
      const probe = userMessage(message, 0);
      chat = { chat: probe.chat, messages: new Map(), nextMessageId: 1 };
      chats.set(message.chatId, chat);
    }
    return chat;
  }

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get webhook() {
      return webhook;
    },
    calls,
    sent,
    events,
    failNext(method, failure, times = 1) {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push({ kind: 'fail', failure });
      faults.set(method, queue);
    },
    dropNext(method, times = 1) {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push({ kind: 'drop' });
      faults.set(method, queue);
    },
    forbidVoices(chatId) {
      forbiddenVoiceChats.add(chatId);
    },
    async sendUserMessage(input) {
      const chat = chatFor(input);
      const replyTo = input.replyTo === undefined ? undefined : chat.messages.get(input.replyTo);
      const message = userMessage(input, chat.nextMessageId++, replyTo);
      chat.messages.set(message.message_id, message);
      const update = { update_id: nextUpdateId++, message } as Update;
      return { update, deliveries: await deliver(update) };
    },
    async pressButton({ chatId, messageId, data }) {
      const chat = chats.get(chatId);
      const message = chat?.messages.get(messageId);
      const buttons = (message as { reply_markup?: { inline_keyboard?: { callback_data?: string }[][] } } | undefined)?.reply_markup?.inline_keyboard?.flat() ?? [];
      if (!chat || !message || !buttons.some((button) => button.callback_data === data)) throw new Error(`message ${messageId} in chat ${chatId} has no button with callback_data ${JSON.stringify(data)}`);
      const from = userMessage({ chatId, text: '' }, 0).from;
      const update = { update_id: nextUpdateId++, callback_query: { id: randomBytes(8).readBigUInt64BE().toString(), from, message, chat_instance: String(chatId), data } } as Update;
      return { update, deliveries: await deliver(update) };
    },
    deliverUpdate(update, { secretToken } = {}) {
      return deliver(update as Update, secretToken);
    },
    waitForSent(predicate, timeoutMs = 10_000) {
      const found = sent.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const onSent = (message: SentMessage) => {
          if (!predicate(message)) return;
          clearTimeout(timer);
          events.off('sent', onSent);
          resolve(message);
        };
        const timer = setTimeout(() => {
          events.off('sent', onSent);
          reject(new Error(`no matching message was sent within ${timeoutMs} ms`));
        }, timeoutMs);
        events.on('sent', onSent);
      });
    },
    close() {
      for (const wake of [...pollers]) wake();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
