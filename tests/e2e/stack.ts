/**
 * The offline stack the end-to-end tests run the built bundle against: s3rver as S3, the local Polly,
 * the Telegram emulator, and dist/index.mjs loaded the way a Lambda cold start loads it.
 * The bundle reaches them only through its ordinary configuration (endpoint URLs and credentials).
 */
import { resolve } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Update } from '@grammyjs/types';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { lambdaContext, loadHandler, proxyEvent, startApiGateway, type LocalApiGateway, type ProxyHandler } from '../../local/apigateway/adapter.ts';
import { localFunctionEnv } from '../../local/function-env.ts';
import { startPolly, type LocalPolly, type PollyOptions } from '../../local/polly/server.ts';
import { startS3, type LocalS3 } from '../../local/s3/server.ts';
import { startTelegramEmulator, type SentMessage, type TelegramEmulator } from '../../local/telegram/emulator.ts';

export const BUNDLE = resolve(import.meta.dirname, '../../dist/index.mjs');
export const BOT_TOKEN = '987654321:AAE2e-TestTokenThatMustNeverBeLogged';
export const WEBHOOK_SECRET = 'e2e_webhook-Secret_42';
export const BUCKET = 'voicebot-e2e';
export const START_MESSAGE = 'Welcome & hello #1?\nSend text, get voice — 100% offline.';

export interface Stack {
  s3: LocalS3;
  polly: LocalPolly;
  telegram: TelegramEmulator;
  handler: ProxyHandler;
  gateway: LocalApiGateway;
  /** A cold start: a fresh instance of the bundle takes over, with nothing in its memory. */
  restart(): Promise<void>;
  /** A person writes to the bot: the emulator builds the update and delivers it through the local API Gateway. */
  say(chatId: number, text: string, options?: { chatType?: 'private' | 'group' | 'supergroup'; replyTo?: number; fromId?: number }): Promise<{ update: Update; statuses: number[] }>;
  /** Every structured log line the bundle wrote, parsed. */
  logs: Record<string, unknown>[];
  /** The raw log text, to search for leaked secrets. */
  rawLogs(): string;
  /** Delivers an update (or any body) the way API Gateway would; `secret: null` sends no secret header. */
  post(body: Update | string, options?: { secret?: string | null; method?: string; headers?: Record<string, string>; lambdaTimeoutMs?: number; base64?: boolean }): Promise<APIGatewayProxyResult>;
  /** What the bot sent to a chat, and just the voices of it. */
  sentTo(chatId: number): SentMessage[];
  voicesTo(chatId: number): SentMessage[];
  audioObjects(): Promise<{ key: string; contentType: string | undefined; bytes: number }[]>;
  close(): Promise<void>;
}

const captured: string[] = [];
let capturing = false;

/** The bundle logs JSON lines to stdout; keep them for assertions and out of the test runner's output. */
function captureLogs(): void {
  if (capturing) return;
  capturing = true;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.startsWith('{"level":')) {
      captured.push(text);
      return true;
    }
    return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stdout.write;
}

export async function startStack({ env: extraEnv = {}, polly: pollyOptions = {} }: { env?: Record<string, string>; polly?: PollyOptions } = {}): Promise<Stack> {
  captureLogs();
  const [s3, polly, telegram] = await Promise.all([
    startS3({ buckets: [BUCKET] }),
    startPolly(pollyOptions),
    startTelegramEmulator({ token: BOT_TOKEN }),
  ]);
  const firstLog = captured.length;
  const env = {
    ...localFunctionEnv({ s3, polly, telegramUrl: telegram.url, bucket: BUCKET, botToken: BOT_TOKEN, webhookSecret: WEBHOOK_SECRET, startMessage: START_MESSAGE }),
    ...extraEnv,
  };
  let handler = await loadHandler(BUNDLE, env);
  const gateway = await startApiGateway({ handler: (event, context) => handler(event, context) });
  await registerWebhook(telegram.url, `${gateway.url}/webhook`);
  const s3Client = new S3Client({ region: 'eu-west-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  const rawLogs = () => captured.slice(firstLog).join('');
  return {
    s3,
    polly,
    telegram,
    get handler() {
      return handler;
    },
    gateway,
    async restart() {
      handler = await loadHandler(BUNDLE, env);
    },
    async say(chatId, text, { chatType, replyTo, fromId } = {}) {
      const { update, deliveries } = await telegram.sendUserMessage({ chatId, text, ...(chatType && { chatType }), ...(replyTo !== undefined && { replyTo }), ...(fromId !== undefined && { fromId }) });
      return { update, statuses: deliveries.map((d) => d.status) };
    },
    get logs() {
      return captured.slice(firstLog).map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    rawLogs,
    async post(body, { secret = WEBHOOK_SECRET, method = 'POST', headers = {}, lambdaTimeoutMs = 28_000, base64 = false } = {}) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const event = proxyEvent({
        method,
        path: '/webhook',
        headers: { 'content-type': 'application/json', ...(secret !== null && { 'X-Telegram-Bot-Api-Secret-Token': secret }), ...headers },
        body: Buffer.from(text),
      });
      if (base64) Object.assign(event, { body: Buffer.from(text).toString('base64'), isBase64Encoded: true });
      return handler(event, lambdaContext(lambdaTimeoutMs));
    },
    sentTo(chatId) {
      return telegram.sent.filter((m) => m.chat_id === chatId);
    },
    voicesTo(chatId) {
      return telegram.sent.filter((m) => m.chat_id === chatId && m.kind === 'voice');
    },
    async audioObjects() {
      const listed = await s3Client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
      return Promise.all(
        (listed.Contents ?? []).map(async ({ Key }) => {
          const object = await s3Client.send(new GetObjectCommand({ Bucket: BUCKET, Key }));
          const bytes = (await object.Body!.transformToByteArray()).length;
          return { key: Key!, contentType: object.ContentType, bytes };
        }),
      );
    },
    async close() {
      s3Client.destroy();
      await gateway.close();
      await Promise.all([s3.close(), polly.close(), telegram.close()]);
    },
  };
}

/** What Terraform's webhook registration does, in one call. */
async function registerWebhook(telegramUrl: string, url: string): Promise<void> {
  const response = await fetch(`${telegramUrl}/bot${BOT_TOKEN}/setWebhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ url, secret_token: WEBHOOK_SECRET, allowed_updates: ['message', 'callback_query'] }),
  });
  const answer = (await response.json()) as { ok: boolean; description?: string };
  if (!answer.ok) throw new Error(`setWebhook failed: ${answer.description}`);
}

/** Chat ids no other test in the file uses, so what a test finds in the emulator is its own. */
export function chatIds(first: number): () => number {
  let next = first;
  return () => next++;
}

let nextUpdateId = 1000;
let nextMessageId = 1;

/** A private-chat text message as Telegram sends it. */
export function textUpdate(text: string, { chatId = 4242, chatType = 'private' }: { chatId?: number; chatType?: string } = {}): Update {
  const command = /^\/\S+/.exec(text);
  return {
    update_id: ++nextUpdateId,
    message: {
      message_id: ++nextMessageId,
      date: Math.floor(Date.now() / 1000),
      chat: chatType === 'private' ? { id: chatId, type: 'private', first_name: 'Tester' } : { id: chatId, type: chatType, title: 'Group' },
      from: { id: chatId, is_bot: false, first_name: 'Tester', language_code: 'en' },
      text,
      ...(command && { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }),
    },
  } as Update;
}
