/**
 * `make dev`: the built function against real Telegram, real Polly and a real bucket, without a
 * deployment. Telegram cannot reach a laptop, so instead of a webhook we long-poll getUpdates and
 * hand each update to the handler as the API Gateway event it would have been, with the secret
 * header of a webhook secret made up for this session.
 */
import { randomBytes } from 'node:crypto';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Update } from '@grammyjs/types';
import { API_GATEWAY_TIMEOUT_MS, lambdaContext, loadHandler, proxyEvent, type ProxyHandler } from '../apigateway/adapter.ts';
import { DEFAULT_BUNDLE } from '../demo/stack.ts';
import { runWebhookScript } from '../demo/webhook-script.ts';

/** A problem the person running `make dev` can fix; the message says how. */
export class DevSetupError extends Error {
  override name = 'DevSetupError';
}

export interface DevOptions {
  /** Read like the function reads it; the handler is loaded with it too. */
  env?: NodeJS.ProcessEnv;
  bundle?: string;
  say?: (line: string) => void;
  /** getUpdates' long-poll timeout. */
  pollSeconds?: number;
}

export interface DevRunner {
  botUsername: string;
  /** Settles when polling ends: after stop(), or with the error that ended it. */
  done: Promise<void>;
  stop(): Promise<void>;
}

const TOKEN = /^\d+:[A-Za-z0-9_-]{20,}$/;
const RETRY_MS = 3000;
const LAMBDA_TIMEOUT_MS = 28_000;

type BotAnswer<T> = { ok: boolean; result?: T; error_code?: number; description?: string };

export async function startDev({ env = process.env, bundle = DEFAULT_BUNDLE, say = () => {}, pollSeconds = 25 }: DevOptions = {}): Promise<DevRunner> {
  const token = env.TELEGRAM_BOT_TOKEN ?? '';
  const apiUrl = (env.TELEGRAM_API_URL || 'https://api.telegram.org').replace(/\/+$/, '');
  if (!token) throw new DevSetupError('TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token');
  if (!TOKEN.test(token)) throw new DevSetupError('TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then letters, digits, _ and -)');

  const call = async <T>(method: string, params: object, signal?: AbortSignal): Promise<BotAnswer<T>> => {
    const response = await fetch(`${apiUrl}/bot${token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params), ...(signal && { signal }) });
    return (await response.json()) as BotAnswer<T>;
  };

  let me: BotAnswer<{ username: string }>;
  try {
    me = await call('getMe', {});
  } catch (error) {
    throw new DevSetupError(`cannot reach Telegram at ${apiUrl}: ${(error as Error).cause ?? (error as Error).message}`);
  }
  if (me.error_code === 401 || me.error_code === 404) throw new DevSetupError('Telegram rejected the token (401 Unauthorized): check TELEGRAM_BOT_TOKEN, or ask @BotFather for a new one with /token');
  if (!me.ok || !me.result) throw new DevSetupError(`getMe failed: ${me.description ?? 'no answer'}`);
  const botUsername = me.result.username;
  say(`bot @${botUsername}: token accepted`);

  await checkAws(env);
  say(`AWS: credentials found, bucket ${env.S3_BUCKET_NAME} reachable`);

  const webhookSecret = randomBytes(24).toString('base64url');
  say('long polling cannot run while a webhook is set: deleting any webhook of this bot (scripts/webhook.mjs delete); `make apply` sets it again');
  await runWebhookScript(['delete'], { TELEGRAM_API_URL: apiUrl, TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: webhookSecret });

  const handler = await loadHandler(bundle, { ...definedOnly(env), TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: webhookSecret, TELEGRAM_API_URL: apiUrl });
  say(`function ${bundle} loaded`);

  const stopping = new AbortController();
  const done = poll({ call, handler, webhookSecret, pollSeconds, say, signal: stopping.signal });
  return {
    botUsername,
    done,
    async stop() {
      stopping.abort();
      await done.catch(() => {});
    },
  };
}

interface PollContext {
  call: <T>(method: string, params: object, signal?: AbortSignal) => Promise<BotAnswer<T>>;
  handler: ProxyHandler;
  webhookSecret: string;
  pollSeconds: number;
  say: (line: string) => void;
  signal: AbortSignal;
}

/** getUpdates until stopped; each batch is handled concurrently, as Telegram's webhook connections would. */
async function poll({ call, handler, webhookSecret, pollSeconds, say, signal }: PollContext): Promise<void> {
  let offset: number | undefined;
  while (!signal.aborted) {
    let answer: BotAnswer<Update[]>;
    try {
      answer = await call<Update[]>('getUpdates', { timeout: pollSeconds, allowed_updates: ['message', 'callback_query'], ...(offset !== undefined && { offset }) }, signal);
    } catch (error) {
      if (signal.aborted) return;
      say(`getUpdates failed (${(error as Error).message}); retrying in ${RETRY_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      continue;
    }
    if (answer.error_code === 401) throw new DevSetupError('Telegram rejected the token (401 Unauthorized) while polling');
    if (answer.error_code === 409) throw new DevSetupError(`Telegram refused long polling: ${answer.description} (a webhook was set again, or another \`make dev\` runs with this token)`);
    if (!answer.ok || !answer.result) {
      say(`getUpdates: ${answer.description ?? 'no answer'}; retrying in ${RETRY_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      continue;
    }
    await Promise.all(answer.result.map((update) => deliver(handler, update, webhookSecret, say)));
    const last = answer.result.at(-1);
    if (last) offset = last.update_id + 1;
  }
}

/** One update as API Gateway would pass it on: the REST proxy event with the webhook's secret header. */
async function deliver(handler: ProxyHandler, update: Update, webhookSecret: string, say: (line: string) => void): Promise<void> {
  const event = proxyEvent({
    method: 'POST',
    path: '/webhook',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': webhookSecret },
    body: Buffer.from(JSON.stringify(update)),
  });
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, API_GATEWAY_TIMEOUT_MS, 'timeout').unref());
  try {
    const result = await Promise.race([handler(event, lambdaContext(LAMBDA_TIMEOUT_MS)), timeout]);
    if (result === 'timeout') say(`update ${update.update_id}: the function ran past API Gateway's 29 s (a webhook would get 504)`);
    else if (result.statusCode !== 200) say(`update ${update.update_id}: the function answered ${result.statusCode}`);
  } catch (error) {
    say(`update ${update.update_id}: the function threw ${(error as Error).message} (a webhook would get 502)`);
  }
}

/** Region, credentials and bucket, checked before the first update so each has its own clear message. */
async function checkAws(env: NodeJS.ProcessEnv): Promise<void> {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new DevSetupError('AWS_REGION is not set: export the region the stack is deployed in (e.g. AWS_REGION=eu-west-1)');
  const bucket = env.S3_BUCKET_NAME;
  if (!bucket) throw new DevSetupError('S3_BUCKET_NAME is not set: export it from the deployed stack, e.g. S3_BUCKET_NAME=$(terraform -chdir=terraform output -raw bucket_name)');
  const s3 = new S3Client({ region, forcePathStyle: env.S3_FORCE_PATH_STYLE === 'true' });
  try {
    try {
      await s3.config.credentials();
    } catch {
      throw new DevSetupError('no AWS credentials found: set AWS_PROFILE (after `aws sso login`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    }
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) throw new DevSetupError(`bucket ${bucket} does not exist: check S3_BUCKET_NAME (terraform output) and that the stack is applied`);
      if (status === 403) throw new DevSetupError(`these AWS credentials may not use bucket ${bucket} (403 Forbidden)`);
      if (status === 301) throw new DevSetupError(`bucket ${bucket} is in another region than ${region}: set AWS_REGION to the stack's region`);
      throw new DevSetupError(`cannot check bucket ${bucket}: ${(error as Error).name}: ${(error as Error).message}`);
    }
  } finally {
    s3.destroy();
  }
}

const definedOnly = (env: NodeJS.ProcessEnv) => Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
