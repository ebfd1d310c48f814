/**
 * The offline stack (local/stack.ts, the one the demo runs) with the test's fixed credentials, and the
 * helpers the end-to-end tests drive it with.
 */
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { Update } from '@grammyjs/types';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { lambdaContext, proxyEvent } from '../../function/src/tools/proxy-event.ts';
import type { PollyOptions } from '../../local/polly/server.ts';
import { DEFAULT_BUNDLE, startLocalStack, type LocalStack } from '../../local/stack.ts';
import type { SentMessage } from '../../local/telegram/emulator.ts';

export const BUNDLE = DEFAULT_BUNDLE;
export const BOT_TOKEN = '987654321:AAE2e-TestTokenThatMustNeverBeLogged';
export const WEBHOOK_SECRET = 'e2e_webhook-Secret_42';
export const BUCKET = 'voicebot-e2e';
export const START_MESSAGE = 'Welcome & hello #1?\nSend text, get voice — 100% offline.';

export interface Stack extends LocalStack {
  /** A person writes to the bot: the emulator builds the update and delivers it through the local API Gateway. */
  say(chatId: number, text: string, options?: { chatType?: 'private' | 'group' | 'supergroup'; replyTo?: number; fromId?: number }): Promise<{ update: Update; statuses: number[] }>;
  /** Delivers an update (or any body) the way API Gateway would; `secret: null` sends no secret header. */
  post(body: Update | string, options?: { secret?: string | null; method?: string; headers?: Record<string, string>; lambdaTimeoutMs?: number; base64?: boolean }): Promise<APIGatewayProxyResult>;
  /** What the bot sent to a chat, and just the voices of it. */
  sentTo(chatId: number): SentMessage[];
  voicesTo(chatId: number): SentMessage[];
  audioObjects(): Promise<{ key: string; contentType: string | undefined; bytes: number }[]>;
  /** How many requests the local S3 and Polly received, and how many Bot API calls the bot made itself (not from a webhook's answer). */
  requestCounts(): { s3: number; polly: number; botApi: number };
}

export async function startStack({ env = {}, polly, queue }: { env?: Record<string, string>; polly?: PollyOptions; queue?: false } = {}): Promise<Stack> {
  const stack = await startLocalStack({ token: BOT_TOKEN, webhookSecret: WEBHOOK_SECRET, bucket: BUCKET, startMessage: START_MESSAGE, env, ...(polly && { polly }), ...(queue === false && { queue }) });
  const { telegram, s3 } = stack;
  const s3Client = new S3Client({ region: 'eu-west-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  const closeStack = stack.close;
  return Object.assign(stack, {
    async say(chatId: number, text: string, { chatType, replyTo, fromId }: Parameters<Stack['say']>[2] = {}) {
      const { update, deliveries } = await telegram.sendUserMessage({ chatId, text, ...(chatType && { chatType }), ...(replyTo !== undefined && { replyTo }), ...(fromId !== undefined && { fromId }) });
      return { update, statuses: deliveries.map((d) => d.status) };
    },
    async post(body: Update | string, { secret = WEBHOOK_SECRET, method = 'POST', headers = {}, lambdaTimeoutMs = 28_000, base64 = false }: Parameters<Stack['post']>[1] = {}) {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      const event = proxyEvent({
        method,
        path: '/webhook',
        headers: { 'content-type': 'application/json', ...(secret !== null && { 'X-Telegram-Bot-Api-Secret-Token': secret }), ...headers },
        body: Buffer.from(text),
      });
      if (base64) Object.assign(event, { body: Buffer.from(text).toString('base64'), isBase64Encoded: true });
      return stack.handler(event, lambdaContext(lambdaTimeoutMs));
    },
    sentTo: (chatId: number) => telegram.sent.filter((m) => m.chat_id === chatId),
    requestCounts: () => ({ s3: s3.requests.length, polly: stack.polly.requests.length, botApi: telegram.calls.filter((c) => !c.fromWebhookResponse).length }),
    voicesTo: (chatId: number) => telegram.sent.filter((m) => m.chat_id === chatId && m.kind === 'voice'),
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
      await closeStack();
    },
  });
}

/** Chat ids no other test in the file uses, so what a test finds in the emulator is its own. */
export function chatIds(first: number): () => number {
  let next = first;
  return () => next++;
}

let nextUpdateId = 1000;
let nextMessageId = 1;

/** The update Telegram sends for a keystroke of `@bot query`. */
export function inlineUpdate(fromId: number, query: string): Update {
  const updateId = ++nextUpdateId;
  return { update_id: updateId, inline_query: { id: `iq${updateId}`, from: { id: fromId, is_bot: false, first_name: 'Tester', language_code: 'en' }, query, offset: '', chat_type: 'sender' } } as Update;
}

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
