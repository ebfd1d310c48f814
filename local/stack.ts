/**
 * The offline stack that the demo and the end-to-end tests both run: s3rver as S3, the local Polly,
 * the Telegram emulator, the built dist/index.mjs behind the local API Gateway, the job queue in the
 * local SQS with dist/worker.mjs polling it as Lambda's mapping would, and the webhook registered by
 * dist/webhook.mjs as Terraform registers it. The bundle reaches the stand-ins only
 * through its ordinary configuration (endpoint URLs and credentials).
 */
import { dirname, resolve } from 'node:path';
import { loadHandler, startApiGateway, type LocalApiGateway, type ProxyHandler } from './apigateway/adapter.ts';
import { onHandlerLog, type LogLine } from './handler-logs.ts';
import { runWebhookScript } from './webhook-script.ts';
import { localFunctionEnv } from './function-env.ts';
import { startPolly, type LocalPolly, type PollyOptions } from './polly/server.ts';
import { startS3, type LocalS3 } from './s3/server.ts';
import { createJobQueues, startWorker, type JobQueues, type WorkerSettings } from './sqs/queues.ts';
import { startSqs, type LocalSqs } from './sqs/server.ts';
import { startTelegramEmulator, type TelegramEmulator } from './telegram/emulator.ts';

export const DEFAULT_BUNDLE = resolve(import.meta.dirname, '../dist/index.mjs');

/** Ports on 127.0.0.1; any free one where not given. */
export interface StackPorts {
  telegram?: number;
  api?: number;
  s3?: number;
  polly?: number;
}

export interface StackOptions {
  token: string;
  webhookSecret: string;
  bucket: string;
  startMessage: string;
  /** The bot's @username in the emulator. */
  botUsername?: string;
  /** Variables over the local configuration, e.g. an endpoint that is down. */
  env?: Record<string, string>;
  polly?: PollyOptions;
  /** The job queue and its worker; false: none, the webhook apologizes for what it cannot finish. */
  queue?: WorkerSettings | false;
  ports?: StackPorts;
  bundle?: string;
  /** One line per step while starting. */
  progress?: (line: string) => void;
}

export interface LocalStack {
  s3: LocalS3;
  polly: LocalPolly;
  telegram: TelegramEmulator;
  gateway: LocalApiGateway;
  /** The local SQS and the job queues in it; undefined with `queue: false`. */
  sqs?: LocalSqs;
  queues?: JobQueues;
  /** The bundle's handler as loaded last (see restart). */
  readonly handler: ProxyHandler;
  /** A cold start: a fresh instance of the bundle takes over, with nothing in its memory. */
  restart(): Promise<void>;
  /** Every log line the bundle wrote since the stack started, parsed. */
  readonly logs: LogLine[];
  /** The same lines as written, to search for leaked secrets. */
  rawLogs(): string;
  close(): Promise<void>;
}

export async function startLocalStack({ token, webhookSecret, bucket, startMessage, botUsername, env: extraEnv = {}, polly: pollyOptions = {}, queue = {}, ports = {}, bundle = DEFAULT_BUNDLE, progress = () => {} }: StackOptions): Promise<LocalStack> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(() => {});
  };
  try {
    const [s3, polly, telegram] = await Promise.all([
      startS3({ buckets: [bucket], ...(ports.s3 !== undefined && { port: ports.s3 }) }),
      startPolly({ ...pollyOptions, ...(ports.polly !== undefined && { port: ports.polly }) }),
      startTelegramEmulator({ token, ...(botUsername && { botUsername }), ...(ports.telegram !== undefined && { port: ports.telegram }) }),
    ]);
    closers.push(() => s3.close(), () => polly.close(), () => telegram.close());
    progress(`S3 (s3rver, temporary directory) on port ${port(s3.endpoint)}`);
    progress(`Polly (eSpeak NG + Opus, offline) on port ${port(polly.endpoint)}`);
    progress(`Telegram Bot API emulator on port ${port(telegram.url)}`);

    const logs: LogLine[] = [];
    const raw: string[] = [];
    const unsubscribe = onHandlerLog((line, text) => {
      logs.push(line);
      raw.push(text);
    });
    closers.push(async () => unsubscribe());
    let sqs: LocalSqs | undefined;
    let queues: JobQueues | undefined;
    if (queue) {
      sqs = await startSqs({ region: 'eu-west-1' });
      closers.push(() => sqs!.close());
      queues = createJobQueues(sqs, 'voicebot-jobs', queue);
      progress(`SQS (job queue ${queues.name}, dead letters ${queues.deadLetterName}) on port ${port(sqs.endpoint)}`);
    }
    const env = { ...localFunctionEnv({ s3, polly, telegramUrl: telegram.url, bucket, botToken: token, webhookSecret, startMessage }), ...queues?.env, ...extraEnv };
    let handler = await loadHandler(bundle, env);
    progress(`function ${bundle} loaded`);
    if (sqs && queues && queue) {
      const worker = await startWorker(sqs, queues, resolve(dirname(bundle), 'worker.mjs'), env, queue);
      closers.push(() => worker.stop());
      progress('worker (dist/worker.mjs) polling the job queue, as Lambda\'s event source mapping would');
    }
    const gateway = await startApiGateway({ handler: (event, context) => handler(event, context), ...(ports.api !== undefined && { port: ports.api }) });
    closers.push(() => gateway.close());
    progress(`API Gateway (REST proxy, 29 s timeout) on port ${port(gateway.url)}`);

    await runWebhookScript(['set', '--url', `${gateway.url}/webhook`, '--allowed-updates', 'message,callback_query,inline_query', '--drop-pending-updates'], {
      TELEGRAM_API_URL: telegram.url,
      TELEGRAM_BOT_TOKEN: token,
      TELEGRAM_WEBHOOK_SECRET: webhookSecret,
    });
    progress('webhook registered by dist/webhook.mjs');

    return {
      s3,
      polly,
      telegram,
      gateway,
      ...(sqs && { sqs }),
      ...(queues && { queues }),
      get handler() {
        return handler;
      },
      async restart() {
        handler = await loadHandler(bundle, env);
      },
      logs,
      rawLogs: () => raw.join(''),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

const port = (url: string) => new URL(url).port;
