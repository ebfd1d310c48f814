/**
 * The bot logic in one process over the in-memory ports: an update goes through the same
 * answerUpdate that index.ts calls after the door, with the configuration read by readConfig and
 * a Logger whose lines are kept. Like Telegram, it then makes the Bot API call a webhook's answer
 * carries. `restart` is a cold start: a new container over the same outside world.
 */
import type { Message, Update } from '@grammyjs/types';
import { answerUpdate, type BotAnswer } from '../../../function/src/bot.ts';
import { BoundedCache } from '../../../function/src/cache.ts';
import { readConfig, type Config } from '../../../function/src/config.ts';
import { FILE_ID_CACHE_SIZE } from '../../../function/src/constants.ts';
import type { BotDeps, ReplyCall } from '../../../function/src/context.ts';
import { Deadline } from '../../../function/src/deadline.ts';
import { VoiceLinks } from '../../../function/src/inline/links.ts';
import { serveVoiceLink } from '../../../function/src/inline/serve.ts';
import { Logger } from '../../../function/src/log.ts';
import { answerBatch } from '../../../function/src/worker.ts';
import { FakeSynthesizer, InMemoryAudioStore, InMemoryBudget, InMemoryDocumentProgress, InMemoryJobQueue, InMemoryLedger, InMemoryMessenger, InMemorySettings } from './ports.ts';

/** The statuses index.ts answers the voice route's outcomes with (checked against the built bundle in tests/e2e/inline.test.ts). */
const VOICE_ROUTE_STATUS = { forbidden: 403, too_big: 413, refused: 429, failed: 500 } as const;

export const BOT_TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
export const WEBHOOK_SECRET = 'unit_webhook-Secret_7';
/** The e2e stack's START_MESSAGE too, which the corpus (tests/reliability/corpus/commands.json) expects. */
export const START_MESSAGE = 'Welcome & hello #1?\nSend text, get voice — 100% offline.';

export type LogLine = Record<string, unknown>;

export interface Delivery {
  /** The update's one final log line. */
  final: LogLine;
  /** Milliseconds answerUpdate took. */
  ms: number;
  /** What the bot answers the door: done (200), a reply for the webhook's answer (200 with the call), or busy (503: Telegram comes back). */
  answer: BotAnswer['kind'];
  /** The Bot API call in the webhook's answer, which Telegram (here: the in-memory messenger) then made. */
  webhookReply?: ReplyCall;
  /** What the bot asked of the world before it answered, in order: `ledger.claim`, `settings.get`, `telegram.call getMe`, … */
  portCalls: string[];
}

export interface DeliverOptions {
  /** Lambda's remaining time when the update arrives. */
  lambdaTimeoutMs?: number;
  /** Milliseconds API Gateway already spent before the function ran. */
  arrivedMsAgo?: number;
}

export class TestBot {
  readonly ledger = new InMemoryLedger();
  readonly settings = new InMemorySettings();
  readonly audioStore = new InMemoryAudioStore();
  readonly synthesizer = new FakeSynthesizer();
  readonly telegram = new InMemoryMessenger(this.audioStore);
  readonly documents = new InMemoryDocumentProgress();
  readonly logs: LogLine[] = [];
  /** The day's character count; pass one instance to several TestBots to make them containers of one deployment. */
  readonly budget: InMemoryBudget;
  private readonly config: Config;
  /** Signs inline results' voice URLs as index.ts does, under a made-up API URL; `now` may be moved. */
  now = Date.now();
  readonly voiceLinks = new VoiceLinks('https://api.test/live/voice', WEBHOOK_SECRET, () => this.now);
  /** What the container remembers between updates: Telegram file_ids. */
  private fileIds = new BoundedCache<string, string>(FILE_ID_CACHE_SIZE);

  /** The job queue, when the bot has one (JOB_QUEUE_URL); its worker is `work`. */
  readonly jobQueue?: InMemoryJobQueue;

  constructor(env: Record<string, string> = {}, { budget = new InMemoryBudget(), jobQueue }: { budget?: InMemoryBudget; jobQueue?: InMemoryJobQueue } = {}) {
    this.budget = budget;
    if (jobQueue) this.jobQueue = jobQueue;
    this.config = readConfig({ S3_BUCKET_NAME: 'voicebot-unit', AWS_REGION: 'eu-west-1', TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET, START_MESSAGE, LOG_LEVEL: 'DEBUG', ...env });
  }

  /** A cold start: what the container remembered is gone; the ports' contents stay. */
  restart(): void {
    this.fileIds = new BoundedCache(FILE_ID_CACHE_SIZE);
  }

  async deliver(update: Update, { lambdaTimeoutMs = 28_000, arrivedMsAgo = 0 }: DeliverOptions = {}): Promise<Delivery> {
    // A logger per delivery, so that concurrent deliveries of one update each find their own final line.
    const { lines, deps, portCalls } = this.container();
    const started = performance.now();
    const answered = await answerUpdate(deps, update, Deadline.forRequest(Date.now() - arrivedMsAgo, lambdaTimeoutMs));
    const ms = performance.now() - started;
    // Copied now: what the ports are asked from here on (Telegram making the webhook's call) is not the bot's.
    const delivered = { ms, answer: answered.kind, portCalls: [...portCalls] };
    const finals = lines.filter((line) => /^update (handled|failed)$/.test(String(line.message)));
    if (finals.length !== 1) throw new Error(`expected one final log line for update ${update.update_id}, got ${finals.length}`);
    if (answered.kind !== 'reply') return { final: finals[0]!, ...delivered };
    await this.telegram.callFromWebhookResponse(answered.call);
    return { final: finals[0]!, ...delivered, webhookReply: answered.call };
  }

  /**
   * The container's dependencies for one request, with a logger whose lines are kept for it and for
   * the bot, and every call on the ports that reach the world (ledger, settings, audio store,
   * synthesizer, budget, Telegram) recorded in `portCalls`.
   */
  container(): { lines: LogLine[]; deps: BotDeps; portCalls: string[] } {
    const lines: LogLine[] = [];
    const log = new Logger(this.config.logLevel, (line) => {
      const parsed = JSON.parse(line) as LogLine;
      lines.push(parsed);
      this.logs.push(parsed);
    });
    log.redact(BOT_TOKEN, WEBHOOK_SECRET);
    const portCalls: string[] = [];
    const port = <T extends object>(name: string, target: T) => recording(name, target, portCalls);
    const { config, fileIds, voiceLinks } = this;
    const deps: BotDeps = {
      config,
      log,
      fileIds,
      voiceLinks,
      ledger: port('ledger', this.ledger),
      settings: port('settings', this.settings),
      audioStore: port('audioStore', this.audioStore),
      synthesizer: port('synthesizer', this.synthesizer),
      budget: port('budget', this.budget),
      documents: port('documents', this.documents),
      telegram: port('telegram', this.telegram),
      ...(this.jobQueue && { jobQueue: this.jobQueue }),
    };
    return { lines, deps, portCalls };
  }

  /**
   * One invocation of the worker, as Lambda's event source mapping makes it: a batch of the visible
   * jobs through worker.ts's answerBatch, then every job it did not name in batchItemFailures deleted.
   * Returns the batch's job lines and the message ids that come back.
   */
  async work({ batchSize = 5, jobMaxReceives, lambdaTimeoutMs = 60_000 }: { batchSize?: number; jobMaxReceives?: number; lambdaTimeoutMs?: number } = {}): Promise<{ lines: LogLine[]; back: string[]; received: number }> {
    const queue = this.jobQueue!;
    const batch = queue.receive(batchSize);
    if (!batch.length) return { lines: [], back: [], received: 0 };
    const { lines, deps } = this.container();
    const Records = batch.map((job) => ({
      messageId: job.messageId,
      receiptHandle: job.handle!,
      body: job.body,
      attributes: { ApproximateReceiveCount: String(job.receives), SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:voicebot-jobs',
      awsRegion: 'eu-west-1',
    }));
    const { batchItemFailures } = await answerBatch({ ...deps, jobQueue: queue }, { Records }, new Deadline(Date.now() + lambdaTimeoutMs), jobMaxReceives);
    const back = batchItemFailures.map((f) => f.itemIdentifier);
    for (const job of batch) if (!back.includes(job.messageId)) queue.delete(job.messageId);
    return { lines: lines.filter((line) => /^job (handled|failed)$/.test(String(line.message))), back, received: batch.length };
  }

  /** Telegram fetching a voice URL from the GET route: the status index.ts answers with, the audio, and the one log line. */
  async fetchVoice(url: string): Promise<{ status: number; audio?: Buffer; line: LogLine }> {
    const { lines, deps } = this.container();
    const voice = await serveVoiceLink(deps, Object.fromEntries(new URL(url).searchParams), Deadline.forRequest(Date.now(), 28_000));
    // One log line per request, and it is the final one.
    if (lines.length !== 1 || !/^voice link (handled|failed|refused)$/.test(String(lines[0]!.message))) throw new Error(`expected one log line per voice fetch, got ${JSON.stringify(lines)}`);
    const status = voice.kind === 'audio' ? 200 : VOICE_ROUTE_STATUS[voice.kind];
    return { status, ...(voice.kind === 'audio' && { audio: voice.audio }), line: lines[0]! };
  }

  /** A user writes `text`; the update is delivered and its final log line returned. */
  async say(chatId: number, text: string, options?: MessageOptions & DeliverOptions): Promise<Delivery & { update: Update }> {
    const update = textMessage(chatId, text, options);
    return { ...(await this.deliver(update, options)), update };
  }

  /** A user sends a file (a private chat's document, or one a group's `/say` will reply to); the update is delivered. */
  async sendDocument(chatId: number, file: DocumentFile, options?: MessageOptions & DeliverOptions): Promise<Delivery & { update: Update }> {
    const update = documentMessage(chatId, { ...file, fileId: this.telegram.addUserFile(file.bytes) }, options);
    return { ...(await this.deliver(update, options)), update };
  }

  /** Texts and voices the chat got, in order. */
  sentTo(chatId: number) {
    return this.telegram.calls.filter((c) => c.ok && c.params.chat_id === chatId && ['sendMessage', 'sendVoice', 'sendDocument'].includes(c.method));
  }

  textsTo(chatId: number): string[] {
    return this.telegram.sent('sendMessage', chatId).map((c) => String(c.params.text));
  }

  voicesTo(chatId: number) {
    return this.telegram.sent('sendVoice', chatId);
  }
}

/** The port, with each method call written to `calls` as `<name>.<method>` (a Bot API call with its method) before it runs. */
function recording<T extends object>(name: string, target: T, calls: string[]): T {
  return new Proxy(target, {
    get(object, key) {
      const value: unknown = Reflect.get(object, key, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(`${name}.${String(key)}${key === 'call' ? ` ${String(args[0])}` : ''}`);
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

let nextUpdateId = 1;
let nextMessageId = 1;
export const newUpdateId = () => nextUpdateId++;

export interface MessageOptions {
  chatType?: 'private' | 'group' | 'supergroup';
  /** The message being replied to. */
  replyTo?: Message;
  /** Unix seconds; now by default. */
  date?: number;
  languageCode?: string;
}

/** A message as Telegram sends it, with a bot_command entity when it starts with a command. */
export function textMessage(chatId: number, text: string, { chatType = 'private', replyTo, date = Math.floor(Date.now() / 1000), languageCode = 'en' }: MessageOptions = {}): Update {
  const command = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/.exec(text);
  return {
    update_id: newUpdateId(),
    message: {
      message_id: nextMessageId++,
      date,
      chat: chatType === 'private' ? { id: chatId, type: 'private', first_name: 'Tester' } : { id: chatId, type: chatType, title: 'Group' },
      from: { id: Math.abs(chatId), is_bot: false, first_name: 'Tester', language_code: languageCode },
      text,
      ...(command && { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }),
      ...(replyTo && { reply_to_message: replyTo }),
    },
  } as Update;
}

export interface DocumentFile {
  fileName?: string;
  mimeType?: string;
  bytes: Uint8Array;
  /** As Telegram tells it; the file's length by default. */
  fileSize?: number;
  caption?: string;
}

/** A message carrying a document, as Telegram sends it; `fileId` is what the messenger knows the file by. */
export function documentMessage(chatId: number, { fileName, mimeType, bytes, fileSize = bytes.length, caption, fileId }: DocumentFile & { fileId: string }, options: MessageOptions = {}): Update {
  const update = textMessage(chatId, caption ?? '', options);
  const { text, entities, ...message } = update.message as Message & { text: string };
  const document = { file_id: fileId, file_unique_id: `u${fileId}`, file_size: fileSize, ...(fileName && { file_name: fileName }), ...(mimeType && { mime_type: mimeType }) };
  return { ...update, message: { ...message, document, ...(caption && { caption, ...(entities && { caption_entities: entities }) }) } } as Update;
}

/** The update Telegram sends for each keystroke of `@bot query`. */
export function inlineQuery(fromId: number, query: string, languageCode = 'en'): Update {
  const updateId = newUpdateId();
  return { update_id: updateId, inline_query: { id: `iq${updateId}`, from: { id: fromId, is_bot: false, first_name: 'Tester', language_code: languageCode }, query, offset: '', chat_type: 'group' } } as Update;
}

/** The update Telegram sends when a user taps an inline keyboard button under the bot's message. */
export function buttonTap(chatId: number, data: string): Update {
  const updateId = newUpdateId();
  const message = { message_id: nextMessageId++, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: 'Tester' }, text: 'menu' };
  return { update_id: updateId, callback_query: { id: `cb${updateId}`, from: { id: chatId, is_bot: false, first_name: 'Tester' }, chat_instance: `ci${chatId}`, message, data } } as Update;
}
