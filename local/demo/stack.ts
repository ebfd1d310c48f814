/**
 * The whole bot on localhost with no account anywhere: s3rver as S3, the local Polly, the Telegram
 * emulator, the built dist/index.mjs behind the local API Gateway, the webhook registered by
 * dist/webhook.mjs, and a chat page to talk to the bot from a browser.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { loadHandler, startApiGateway, type LocalApiGateway } from '../apigateway/adapter.ts';
import { startChatPage, type ChatPage } from '../chat/server.ts';
import { localFunctionEnv } from '../function-env.ts';
import { startPolly, type LocalPolly } from '../polly/server.ts';
import { startS3, type LocalS3 } from '../s3/server.ts';
import { startTelegramEmulator, type TelegramEmulator } from '../telegram/emulator.ts';
import { onHandlerLog, type LogLine } from './handler-logs.ts';
import { runWebhookScript } from './webhook-script.ts';

export const DEFAULT_BUNDLE = resolve(import.meta.dirname, '../../dist/index.mjs');
/** A well-formed token for a bot that only the emulator knows. */
export const DEMO_TOKEN = '1000000001:DEMO-offline-token_not-a-real-bot';
export const DEMO_BUCKET = 'voicebot-demo';
/** The one private chat the page shows. */
export const DEMO_CHAT_ID = 424242;
export const DEMO_START_MESSAGE = 'Hi! I am running on your machine, offline. Send me any text and I will read it aloud — Russian, English and more. /voice picks a voice.';

export interface DemoPorts {
  chat?: number;
  telegram?: number;
  api?: number;
  s3?: number;
  polly?: number;
}

export interface DemoOptions {
  ports?: DemoPorts;
  bundle?: string;
  /** One line per step while starting. */
  progress?: (line: string) => void;
}

export interface Demo {
  /** The chat page: the one URL a person needs. */
  chatUrl: string;
  chatId: number;
  token: string;
  webhookSecret: string;
  s3: LocalS3;
  polly: LocalPolly;
  telegram: TelegramEmulator;
  gateway: LocalApiGateway;
  chat: ChatPage;
  /** Every log line the function wrote since it was loaded. */
  logs: LogLine[];
  close(): Promise<void>;
}

export async function startDemo({ ports = {}, bundle = DEFAULT_BUNDLE, progress = () => {} }: DemoOptions = {}): Promise<Demo> {
  // Per session, like Terraform's random_password: nothing fixed to leak.
  const webhookSecret = randomBytes(24).toString('base64url');
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => {});
  };
  try {
    const [s3, polly, telegram] = await Promise.all([
      startS3({ buckets: [DEMO_BUCKET], ...(ports.s3 !== undefined && { port: ports.s3 }) }),
      startPolly({ ...(ports.polly !== undefined && { port: ports.polly }) }),
      startTelegramEmulator({ token: DEMO_TOKEN, ...(ports.telegram !== undefined && { port: ports.telegram }) }),
    ]);
    closers.push(() => s3.close(), () => polly.close(), () => telegram.close());
    progress(`S3 (s3rver, temporary directory) on port ${port(s3.endpoint)}`);
    progress(`Polly (eSpeak NG + Opus, offline) on port ${port(polly.endpoint)}`);
    progress(`Telegram Bot API emulator on port ${port(telegram.url)}`);

    const logs: LogLine[] = [];
    const unsubscribe = onHandlerLog((line) => logs.push(line));
    closers.push(async () => unsubscribe());
    const handler = await loadHandler(
      bundle,
      localFunctionEnv({ s3, polly, telegramUrl: telegram.url, bucket: DEMO_BUCKET, botToken: DEMO_TOKEN, webhookSecret, startMessage: DEMO_START_MESSAGE }),
    );
    progress(`function ${bundle} loaded`);
    const gateway = await startApiGateway({ handler, ...(ports.api !== undefined && { port: ports.api }) });
    closers.push(() => gateway.close());
    progress(`API Gateway (REST proxy, 29 s timeout) on port ${port(gateway.url)}`);

    await runWebhookScript(['set', '--url', `${gateway.url}/webhook`, '--allowed-updates', 'message,callback_query', '--drop-pending-updates'], {
      TELEGRAM_API_URL: telegram.url,
      TELEGRAM_BOT_TOKEN: DEMO_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: webhookSecret,
    });
    progress('webhook registered by dist/webhook.mjs');

    const chat = await startChatPage({ telegram, token: DEMO_TOKEN, chatId: DEMO_CHAT_ID, onLog: onHandlerLog, ...(ports.chat !== undefined && { port: ports.chat }) });
    closers.push(() => chat.close());
    return { chatUrl: chat.url, chatId: DEMO_CHAT_ID, token: DEMO_TOKEN, webhookSecret, s3, polly, telegram, gateway, chat, logs, close };
  } catch (error) {
    await close();
    throw error;
  }
}

const port = (url: string) => new URL(url).port;
