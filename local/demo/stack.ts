/**
 * `make demo`: the offline stack (local/stack.ts) with a chat page to talk to the bot from a browser.
 */
import { randomBytes } from 'node:crypto';
import { startChatPage, type ChatPage } from '../chat/server.ts';
import { startLocalStack, type LocalStack, type StackPorts } from '../stack.ts';
import { onHandlerLog } from '../handler-logs.ts';
import type { QueueEvent } from '../sqs/server.ts';

export { DEFAULT_BUNDLE } from '../stack.ts';
/** A well-formed token for a bot that only the emulator knows. */
export const DEMO_TOKEN = '1000000001:DEMO-offline-token_not-a-real-bot';
export const DEMO_BUCKET = 'voicebot-demo';
/** The demo bot's @username: `@voicebot text` in the message box is inline mode. */
export const DEMO_BOT_USERNAME = 'voicebot';
/** The deployed default (RATE_LIMIT_PER_MINUTE), kept in the demo so it behaves as the real bot; the page says so. */
export const DEMO_RATE_LIMIT_PER_MINUTE = 10;
/** The one private chat the page shows. */
export const DEMO_CHAT_ID = 424242;
export const DEMO_START_MESSAGE = 'Hi! I am running on your machine, offline. Send me any text and I will read it aloud — Russian, English and more. /voice picks a voice.';

export interface DemoOptions {
  ports?: StackPorts & { chat?: number };
  /** Polly's quota in requests per second (its burst the same): low, it shows a burst going through the job queue. */
  pollyTps?: number;
  bundle?: string;
  /** One line per step while starting. */
  progress?: (line: string) => void;
}

export interface Demo extends LocalStack {
  /** The chat page: the one URL a person needs. */
  chatUrl: string;
  chatId: number;
  token: string;
  webhookSecret: string;
  chat: ChatPage;
  /** Another person's private chat with the same bot, on a page of its own (closed with the demo): its own history and rate limit. */
  openChatPage(chatId: number): Promise<ChatPage>;
}

export async function startDemo({ ports = {}, bundle, progress, pollyTps }: DemoOptions = {}): Promise<Demo> {
  // Per session, like Terraform's random_password: nothing fixed to leak.
  const webhookSecret = randomBytes(24).toString('base64url');
  const stack = await startLocalStack({
    token: DEMO_TOKEN,
    webhookSecret,
    bucket: DEMO_BUCKET,
    startMessage: DEMO_START_MESSAGE,
    botUsername: DEMO_BOT_USERNAME,
    env: { RATE_LIMIT_PER_MINUTE: String(DEMO_RATE_LIMIT_PER_MINUTE) },
    ...(pollyTps && { polly: { quota: { tps: pollyTps, burst: pollyTps } } }),
    ports,
    ...(bundle && { bundle }),
    ...(progress && { progress }),
  });
  const closeStack = stack.close;
  // Each step of a queued job's trip, as a line in the log panel between the webhook's and the worker's.
  stack.sqs?.events.on('event', (event) => process.stdout.write(`${JSON.stringify({ level: 'INFO', message: `queue: ${event.kind}`, timestamp: new Date().toISOString(), ...queueFields(event) })}\n`));
  const pages: ChatPage[] = [];
  const openChatPage = async (chatId: number, port?: number) => {
    const page = await startChatPage({
      telegram: stack.telegram,
      token: DEMO_TOKEN,
      chatId,
      onLog: onHandlerLog,
      botUsername: DEMO_BOT_USERNAME,
      rateLimitPerMinute: DEMO_RATE_LIMIT_PER_MINUTE,
      ...(port !== undefined && { port }),
    });
    pages.push(page);
    return page;
  };
  try {
    const chat = await openChatPage(DEMO_CHAT_ID, ports.chat);
    return Object.assign(stack, {
      chatUrl: chat.url,
      chatId: DEMO_CHAT_ID,
      token: DEMO_TOKEN,
      webhookSecret,
      chat,
      openChatPage: (chatId: number) => openChatPage(chatId),
      async close() {
        for (const page of pages.splice(0)) await page.close();
        await closeStack();
      },
    });
  } catch (error) {
    await closeStack();
    throw error;
  }
}

/** The fields of a queue event worth a log line: which job, and how often or how long. */
function queueFields(event: QueueEvent): Record<string, unknown> {
  const { kind: _kind, ...fields } = event;
  if ('body' in fields) {
    const { body, ...rest } = fields;
    return { ...rest, update_id: (JSON.parse(body) as { update?: { update_id?: number } }).update?.update_id };
  }
  return fields;
}
