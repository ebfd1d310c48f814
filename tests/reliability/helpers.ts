/**
 * Shared tools of the reliability suite: fresh chats the emulator knows, raw API Gateway events,
 * "what happened during this step" snapshots of every fake, fault draining, and the secrets check.
 * Everything here works through the stack's public surface (tests/e2e/stack.ts) and the fakes' protocols.
 */
import assert from 'node:assert/strict';
import type { Message, Update } from '@grammyjs/types';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { lambdaContext, proxyEvent } from '../../function/src/tools/proxy-event.ts';
import type { RecordedCall, SentMessage } from '../../local/telegram/emulator.ts';
import { BOT_TOKEN, chatIds, WEBHOOK_SECRET, type Stack } from '../e2e/stack.ts';

export { BOT_TOKEN, chatIds, WEBHOOK_SECRET };

/** Telegram sends at most this; the stand-in header name as Telegram writes it. */
export const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

/** Update ids far from the emulator's (100,000,001…) and the e2e helpers' (1,001…). */
let nextUpdateId = 700_000_000;
export const newUpdateId = () => ++nextUpdateId;

export type ChatType = 'private' | 'group' | 'supergroup';

/** A chat a user has written in, so the bot may write to it; `message` is the user's first message. */
export interface OpenChat {
  id: number;
  type: ChatType;
  chat: Message['chat'];
  from: NonNullable<Message['from']>;
  message: Message;
}

/**
 * The emulator only lets the bot write to chats someone wrote in: a user says something first.
 * In a private chat that is /help (one text back); in a group, plain text (ignored by the bot).
 */
export async function openChat(stack: Stack, id: number, type: ChatType = 'private'): Promise<OpenChat> {
  const { update, statuses } = await stack.say(id, type === 'private' ? '/help' : 'hello everyone', { chatType: type });
  assert.deepEqual(statuses, [200], `opening chat ${id}`);
  const message = update.message!;
  return { id, type, chat: message.chat, from: message.from!, message };
}

/** A message update in an open chat, as Telegram would build it; replies can thread to the chat's first message. */
export function messageUpdate(chat: OpenChat, fields: Record<string, unknown>, { date = Math.floor(Date.now() / 1000) } = {}): Update {
  return {
    update_id: newUpdateId(),
    message: { message_id: chat.message.message_id, date, chat: chat.chat, from: chat.from, ...fields },
  } as Update;
}

export function textUpdateIn(chat: OpenChat, text: string, options?: { date?: number }): Update {
  const command = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/.exec(text);
  return messageUpdate(chat, { text, ...(command && { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }) }, options);
}

export interface RawRequest {
  method?: string;
  /** Header name → value, sent exactly (no secret is added). */
  headers?: Record<string, string>;
  body?: string | null;
  isBase64Encoded?: boolean;
  /** API Gateway's requestTimeEpoch, to simulate time already spent before the function ran. */
  requestTimeEpoch?: number;
}

/** The REST proxy event API Gateway would send for a request, with the shape under the test's control. */
export function rawEvent({ method = 'POST', headers = {}, body = null, isBase64Encoded = false, requestTimeEpoch }: RawRequest): APIGatewayProxyEvent {
  const event = proxyEvent({ method, path: '/webhook', headers, body: Buffer.alloc(0) });
  event.body = body;
  event.isBase64Encoded = isBase64Encoded;
  if (requestTimeEpoch !== undefined) event.requestContext.requestTimeEpoch = requestTimeEpoch;
  return event;
}

/** A POST with the right secret and a JSON body, as Telegram sends updates. */
export function webhookEvent(update: Update | Record<string, unknown>, extra: Omit<RawRequest, 'body'> = {}): APIGatewayProxyEvent {
  return rawEvent({ ...extra, headers: { 'content-type': 'application/json', [SECRET_HEADER]: WEBHOOK_SECRET, ...extra.headers }, body: JSON.stringify(update) });
}

export interface Invocation {
  result?: APIGatewayProxyResult;
  /** What the handler threw: it never should. */
  thrown?: unknown;
  ms: number;
}

/** Calls the bundle's handler directly with a Lambda context counting down from `lambdaTimeoutMs`. */
export async function invoke(stack: Stack, event: APIGatewayProxyEvent, lambdaTimeoutMs = 28_000): Promise<Invocation> {
  const started = performance.now();
  try {
    const result = await stack.handler(event, lambdaContext(lambdaTimeoutMs));
    return { result, ms: performance.now() - started };
  } catch (thrown) {
    return { thrown, ms: performance.now() - started };
  }
}

/** Errors that escaped everything while the suite ran; the handler must leave none behind. */
export const escaped: unknown[] = [];
let watching = false;
export function watchEscapes(): void {
  if (watching) return;
  watching = true;
  process.on('uncaughtException', (error) => escaped.push(error));
  process.on('unhandledRejection', (reason) => escaped.push(reason));
}

export type LogLine = Record<string, unknown>;

/** Everything that happened in the fakes and the logs between `mark` and `since`. */
export interface Activity {
  sent: SentMessage[];
  calls: RecordedCall[];
  polly: { Text: string; VoiceId: string }[];
  s3: { method: string; path: string; status: number }[];
  logs: LogLine[];
  rawLogs: string;
}

export interface Mark {
  since(): Activity;
}

export function mark(stack: Stack): Mark {
  const at = {
    sent: stack.telegram.sent.length,
    calls: stack.telegram.calls.length,
    polly: stack.polly.requests.length,
    s3: stack.s3.requests.length,
    raw: stack.rawLogs().length,
  };
  return {
    since() {
      const rawLogs = stack.rawLogs().slice(at.raw);
      return {
        sent: stack.telegram.sent.slice(at.sent),
        calls: stack.telegram.calls.slice(at.calls),
        polly: stack.polly.requests.slice(at.polly),
        s3: stack.s3.requests.slice(at.s3),
        logs: rawLogs
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as LogLine),
        rawLogs,
      };
    },
  };
}

export const sentTo = (activity: Activity, chatId: number) => activity.sent.filter((m) => m.chat_id === chatId);
export const callsOf = (activity: Activity, method: string) => activity.calls.filter((c) => c.method === method);

/** The one line the handler writes per request: what it did with it. */
export const FINAL_MESSAGES = new Set(['update handled', 'update ignored', 'update failed', 'request rejected', 'bot credentials unavailable']);
export const finalLines = (activity: Activity) => activity.logs.filter((l) => FINAL_MESSAGES.has(String(l.message)));

/** The invariants every fault keeps: at most one voice and one apology, no stack trace, one final log line. */
export function assertAtMostOneOfEach(activity: Activity, chatId: number): void {
  const sent = sentTo(activity, chatId);
  assert.ok(sent.filter((m) => m.kind === 'voice' || m.kind === 'document').length <= 1, `at most one voice or audio file, got ${describeSent(sent)}`);
  assert.ok(sent.filter((m) => m.kind === 'text').length <= 1, `at most one text, got ${describeSent(sent)}`);
  for (const message of sent) assert.doesNotMatch(`${message.text ?? ''}${message.caption ?? ''}`, /\bat \S+ \(|Error:|Exception|\bundefined\b|\[object /, 'no stack trace or internals in a reply');
}

export const describeSent = (sent: SentMessage[]) => JSON.stringify(sent.map((m) => `${m.kind}${m.text ? `: ${m.text.slice(0, 60)}` : ''}`));

const SECRETS = [BOT_TOKEN, BOT_TOKEN.split(':')[1]!, WEBHOOK_SECRET];

/** Neither the bot token (nor its secret half) nor the webhook secret appears in `text`. */
export function assertNoSecrets(text: string, where: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `${where} contains a secret (${secret.slice(0, 6)}…)`);
}

/** The suite-wide secrets check: every log line, every reply and caption, every answer body. */
export function assertNoSecretsAnywhere(stacks: Stack[], answers: (APIGatewayProxyResult | undefined)[], thrown: unknown[]): void {
  for (const stack of stacks) {
    assertNoSecrets(stack.rawLogs(), 'the logs');
    for (const m of stack.telegram.sent) assertNoSecrets(`${m.text ?? ''}\n${m.caption ?? ''}`, `a message to chat ${m.chat_id}`);
    for (const call of stack.telegram.calls) if (call.method !== 'setWebhook') assertNoSecrets(JSON.stringify(call.params), `the ${call.method} parameters`);
  }
  for (const answer of answers) if (answer) assertNoSecrets(JSON.stringify(answer), 'an answer to API Gateway');
  for (const error of [...thrown, ...escaped]) assertNoSecrets(error instanceof Error ? `${error.message}\n${error.stack}` : String(error), 'an error');
}

/**
 * Fault queues of the fakes have no reset: a test that queued more faults than the handler used
 * would leave them to the next test. Draining spends what is left through the fakes' own protocols.
 */
export async function drainFaults(stack: Stack): Promise<void> {
  stack.polly.setLatency(0);
  stack.s3.clearFaults();
  for (let i = 0; i < 200; i++) {
    try {
      const response = await fetch(`${stack.polly.endpoint}/v1/speech`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ Text: 'a', VoiceId: 'Joanna', OutputFormat: 'ogg_opus', Engine: 'standard' }),
      });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // a dropped connection was a queued fault too
    }
  }
  for (const method of ['sendVoice', 'sendMessage', 'sendChatAction', 'sendDocument']) {
    for (let i = 0; i < 200; i++) {
      try {
        const response = await fetch(`${stack.telegram.url}/bot${BOT_TOKEN}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        const answer = (await response.json()) as { description?: string };
        if (answer.description === 'Bad Request: chat_id is empty') break; // the method itself answered
      } catch {
        // dropped: a queued fault
      }
    }
  }
}
