/**
 * A Telegram Bot API emulator for what a webhook bot uses: the bot-facing methods with Telegram's
 * answers and errors, voice URLs fetched and checked as Telegram does, updates delivered to the
 * webhook (and redelivered on failure) or queued for getUpdates, records for tests to inspect, and
 * faults to inject.
 *
 * This file is the HTTP front and the public face. The state lives in state.ts; each family of Bot
 * API methods is a small set of named handlers in methods/, run by calls.ts; the user's side is delivery.ts.
 */
import type { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, Update } from '@grammyjs/types';
import { arrive, perform, performWebhookAnswer } from './calls.ts';
import { deliver, userPresses, userSendsDocument, userWrites, type Delivery, type Redelivery } from './delivery.ts';
import { TelegramApiError, telegramErrors, type TelegramFailure } from './errors.ts';
import { userChoosesInline, userTypesInline } from './inline.ts';
import { readBotRequest, type BotRequest } from './params.ts';
import { EmulatorState, type RecordedCall, type SentMessage, type WebhookRegistration } from './state.ts';
import type { UserDocument, UserMessage } from './updates.ts';

export type { ChatAction, MessageReaction, RecordedCall, SentMessage, WebhookRegistration } from './state.ts';
export type { Delivery } from './delivery.ts';
export type { UserDocument, UserMessage } from './updates.ts';

/** Which inline result became which message: what a client knows when the user picks one. */
export interface ChosenInline {
  query_id: string;
  result_id: string;
  message: Message;
}

export interface EmulatorOptions {
  token: string;
  port?: number;
  botUsername?: string;
  /** How Telegram retries a webhook that failed; small defaults keep tests fast. */
  redelivery?: Redelivery;
}

export interface TelegramEmulator {
  /** Base URL for TELEGRAM_API_URL: calls go to `${url}/bot${token}/${method}`, files (see getFile) to `${url}/file/bot${token}/${file_path}`. */
  url: string;
  readonly webhook: WebhookRegistration | null;
  calls: RecordedCall[];
  sent: SentMessage[];
  events: EventEmitter;
  /** The next `times` calls of `method` that arrive from now on fail with `failure`. */
  failNext(method: string, failure: TelegramFailure, times?: number): void;
  /** The next `times` calls of `method` that arrive from now on lose their connection. */
  dropNext(method: string, times?: number): void;
  forbidVoices(chatId: number): void;
  /** The bot's reaction on a message now (empty when none, or taken off). */
  reactionOn(chatId: number, messageId: number): string[];
  sendUserMessage(message: UserMessage): Promise<{ update: Update; deliveries: Delivery[] }>;
  /**
   * The user sends a file as a document (in reply to `replyTo`, with a `caption` such as `/say`): a message with
   * `document`; the bot gets the bytes back through getFile and `${url}/file/bot${token}/${file_path}`, as from Telegram.
   */
  sendUserDocument(document: UserDocument): Promise<{ update: Update; deliveries: Delivery[] }>;
  /** The user taps an inline keyboard button of one of the bot's messages: a callback_query update. */
  pressButton(press: { chatId: number; messageId: number; data: string }): Promise<{ update: Update; deliveries: Delivery[] }>;
  /** The user types `@bot query` (from their private chat's id by default): the inline_query update and the bot's results. */
  typeInline(input: { fromId: number; query: string }): Promise<{ update: Update; deliveries: Delivery[]; results: Record<string, unknown>[] | undefined }>;
  /**
   * The user picks an inline result in a chat: Telegram fetches its voice_url and posts the voice "via @bot" (an update too, as in the bot's own chat).
   * `events` gets a 'chosen' event (ChosenInline) before the update is delivered.
   */
  chooseInline(input: { chatId: number; queryId: string; resultId: string }): Promise<{ message: Message; update: Update; deliveries: Delivery[] }>;
  deliverUpdate(update: Update | Record<string, unknown>, options?: { secretToken?: string }): Promise<Delivery[]>;
  /** What Telegram does with a webhook's 2xx answer, for callers that deliver updates themselves: makes the method call it carries, if any. */
  performWebhookAnswer(body: Buffer, contentType: string): Promise<void>;
  waitForSent(predicate: (message: SentMessage) => boolean, timeoutMs?: number): Promise<SentMessage>;
  close(): Promise<void>;
}

export async function startTelegramEmulator({ token, port = 0, botUsername = 'voicebot_demo_bot', redelivery = { attempts: 3, delayMs: 50 } }: EmulatorOptions): Promise<TelegramEmulator> {
  const state = new EmulatorState(token, botUsername);
  const server = createServer((request, response) => {
    handle(state, request, response).catch((error: unknown) => {
      console.error('Telegram emulator failed:', error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ ok: false, error_code: 500, description: 'Internal Server Error' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });

  const userUpdate = async (update: Update) => ({ update, deliveries: await deliver(state, redelivery, update) });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get webhook() {
      return state.webhook;
    },
    calls: state.calls,
    sent: state.sent,
    reactionOn: (chatId, messageId) => state.reactions.get(`${chatId}:${messageId}`) ?? [],
    events: state.events,
    failNext: (method, failure, times = 1) => state.queueFault(method, { kind: 'fail', failure }, times),
    dropNext: (method, times = 1) => state.queueFault(method, { kind: 'drop' }, times),
    forbidVoices: (chatId) => void state.forbiddenVoiceChats.add(chatId),
    sendUserMessage: (input) => userUpdate(userWrites(state, input)),
    sendUserDocument: (input) => userUpdate(userSendsDocument(state, input)),
    pressButton: async (press) => userUpdate(userPresses(state, press)),
    async typeInline(input) {
      const update = userTypesInline(state, input);
      const deliveries = await deliver(state, redelivery, update);
      return { update, deliveries, results: state.inlineQueries.get(update.inline_query!.id)?.results };
    },
    async chooseInline(input) {
      const message = await userChoosesInline(state, input);
      state.events.emit('chosen', { query_id: input.queryId, result_id: input.resultId, message } satisfies ChosenInline);
      const update = { update_id: state.nextUpdateId++, message } as Update;
      return { message, update, deliveries: await deliver(state, redelivery, update) };
    },
    deliverUpdate: (update, { secretToken } = {}) => deliver(state, redelivery, update as Update, secretToken),
    performWebhookAnswer: (body, contentType) => performWebhookAnswer(state, body, contentType),
    waitForSent: (predicate, timeoutMs = 10_000) => waitForSent(state, predicate, timeoutMs),
    close() {
      state.wakePollers();
      return new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

async function handle(state: EmulatorState, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const filePrefix = `/file/bot${state.token}/`;
  if (request.method === 'GET' && url.pathname.startsWith(filePrefix)) return serveFile(state, url.pathname.slice(filePrefix.length), response);
  const match = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
  const answer = (status: number, body: object): void => void response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  if (!match) return answer(404, telegramErrors.notFound().toJSON());
  if (match[1] !== state.token) return answer(401, telegramErrors.unauthorized().toJSON());
  const arrival = arrive(state, match[2]!);
  let botRequest: BotRequest;
  try {
    botRequest = await readBotRequest(request, url);
  } catch (error) {
    if (error instanceof TelegramApiError) return answer(error.errorCode, error.toJSON());
    return answer(400, { ok: false, error_code: 400, description: "Bad Request: can't parse JSON" }); // unconfirmed wording
  }
  const { status, body } = await perform(state, arrival, botRequest, request.headers['content-type'] ?? '');
  if (status === 0) request.socket.destroy();
  else answer(status, body);
}

/** Telegram's file download: the bytes behind a file_path that getFile gave out. */
function serveFile(state: EmulatorState, path: string, response: ServerResponse): void {
  const file = state.filesByPath.get(decodeURIComponent(path));
  if (!file) return void response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(telegramErrors.notFound().toJSON()));
  response.writeHead(200, { 'content-type': file.voice ? 'audio/ogg' : 'application/octet-stream', 'content-length': file.bytes.length }).end(file.bytes);
}

function waitForSent(state: EmulatorState, predicate: (message: SentMessage) => boolean, timeoutMs: number): Promise<SentMessage> {
  const found = state.sent.find(predicate);
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const onSent = (message: SentMessage) => {
      if (!predicate(message)) return;
      clearTimeout(timer);
      state.events.off('sent', onSent);
      resolve(message);
    };
    const timer = setTimeout(() => {
      state.events.off('sent', onSent);
      reject(new Error(`no matching message was sent within ${timeoutMs} ms`));
    }, timeoutMs);
    state.events.on('sent', onSent);
  });
}
