/**
 * dist/dev.mjs, run by `make dev`: the built function (dist/index.mjs, beside this file) against real
 * Telegram, Polly and a bucket, without a deployment. Telegram cannot reach a laptop, so instead of a
 * webhook it long-polls getUpdates and hands each update to the handler as the API Gateway event it
 * would have been, with the secret header of a webhook secret made up for this session; a method call
 * in the handler's answer it then makes itself, as Telegram does with a webhook's answer.
 *
 * Needs TELEGRAM_BOT_TOKEN, AWS credentials, AWS_REGION and S3_BUCKET_NAME (TELEGRAM_API_URL and the
 * AWS endpoint variables are honoured; DEV_POLL_SECONDS sets the long-poll timeout, default 25).
 * Output: its own progress as JSON lines on stderr; the function's log lines on stdout, as in Lambda.
 * Exit codes: 1 when something must be fixed first (one line for each thing), 0 after SIGINT/SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Update } from '@grammyjs/types';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { API_GATEWAY_TIMEOUT_MS } from '../constants.ts';
import type { MethodName, Params } from '../context.ts';
import { BotApi, BotApiRefusal, runTool, telegramApiUrl, ToolError, ToolOutput } from './cli.ts';
import { checkDevSetup, liveDevProbes } from './dev-setup.ts';
import { lambdaContext, webhookEvent } from './proxy-event.ts';
import { deleteWebhook } from './webhook-commands.ts';

type Handler = (typeof import('../index.ts'))['handler'];

const RETRY_MS = 3000;
const LAMBDA_TIMEOUT_MS = 28_000;
/**
 * The update kinds the deployed webhook asks for (terraform's webhook module), less inline_query:
 * Telegram fetches inline voices from the API's public GET /voice, which a dev machine does not have.
 */
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

const output = new ToolOutput();
const say = (message: string, fields?: Record<string, unknown>) => output.log.info(message, fields);

await runTool(output, main);

async function main(): Promise<void> {
  const env = process.env;
  output.redact(env.TELEGRAM_BOT_TOKEN?.trim());
  const { token, botUsername, pollSeconds, bucket } = await checkDevSetup(env, liveDevProbes(env));
  say(`bot @${botUsername}: token accepted`);
  say(`AWS: credentials found, bucket ${bucket} reachable`);
  const api = new BotApi(telegramApiUrl(env), token, (pollSeconds + 10) * 1000);

  say('long polling cannot run while a webhook is set: deleting any webhook of this bot; `make apply` sets it again');
  await deleteWebhook(api, false, output);

  // The handler reads its configuration at import, like a cold start: the session's secret, not a deployment's.
  const webhookSecret = randomBytes(24).toString('base64url');
  output.redact(webhookSecret);
  delete env.BOT_SECRET_ARN;
  Object.assign(env, { TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: webhookSecret, TELEGRAM_API_URL: api.apiUrl });
  const bundle = new URL('./index.mjs', import.meta.url);
  const { handler } = (await import(bundle.href)) as { handler: Handler };
  say(`function ${bundle.pathname} loaded`);
  // The worker is Lambda's to run: its event source mapping polls the queue, and a second poller here
  // would be a copy of it. With the deployed queue named, the deployed worker answers what is queued.
  say(
    env.JOB_QUEUE_URL
      ? 'JOB_QUEUE_URL is set: what Polly throttles, and documents, go to that queue, and the deployed worker answers them (make dev runs no worker of its own)'
      : 'no JOB_QUEUE_URL: what Polly throttles gets the apology and documents are not read; set it to `terraform -chdir=terraform output -raw job_queue_url` to hand them to the deployed worker',
  );

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say('stopping; the webhook stays deleted until `make apply` or `node dist/webhook.mjs set` sets it again');
      process.exit(0);
    });
  }
  say(`ready: write to @${botUsername} in Telegram (Ctrl-C stops)`, { bot_username: botUsername });
  await poll(api, handler, webhookSecret, pollSeconds);
}

/** getUpdates until stopped; each batch is handled concurrently, as Telegram's webhook connections would. */
async function poll(api: BotApi, handler: Handler, webhookSecret: string, pollSeconds: number): Promise<never> {
  let offset: number | undefined;
  for (;;) {
    let updates: Update[];
    try {
      updates = await api.call('getUpdates', { timeout: pollSeconds, allowed_updates: ALLOWED_UPDATES, ...(offset !== undefined && { offset }) });
    } catch (error) {
      if (error instanceof BotApiRefusal && error.errorCode === 401) throw new ToolError('Telegram rejected the token (401 Unauthorized) while polling');
      if (error instanceof BotApiRefusal && error.errorCode === 409)
        throw new ToolError(`Telegram refused long polling: ${error.message} (a webhook was set again, or another \`make dev\` runs with this token)`);
      say(`getUpdates failed (${(error as Error).message}); retrying in ${RETRY_MS / 1000} s`);
      await sleep(RETRY_MS);
      continue;
    }
    await Promise.all(updates.map((update) => deliver(api, handler, update, webhookSecret)));
    const last = updates.at(-1);
    if (last) offset = last.update_id + 1;
  }
}

/** One update as API Gateway passes it on: a REST proxy event with the webhook's secret header. */
async function deliver(api: BotApi, handler: Handler, update: Update, webhookSecret: string): Promise<void> {
  const timeout = sleep(API_GATEWAY_TIMEOUT_MS, 'timeout' as const, { ref: false });
  let result;
  try {
    result = await Promise.race([handler(webhookEvent(update, webhookSecret, 'dev'), lambdaContext(LAMBDA_TIMEOUT_MS)), timeout]);
  } catch (error) {
    say(`update ${update.update_id}: the function threw (a webhook would get 502)`, { error });
    return;
  }
  if (result === 'timeout') say(`update ${update.update_id}: the function ran past API Gateway's 29 s (a webhook would get 504)`);
  else if (result.statusCode !== 200) say(`update ${update.update_id}: the function answered ${result.statusCode}`);
  else await callFromAnswer(api, result, update.update_id);
}

/**
 * What Telegram does with a webhook's answer whose JSON body names a method: makes that call. Telegram
 * tells the bot nothing of how it went; here a failure is at least said.
 */
async function callFromAnswer(api: BotApi, result: APIGatewayProxyResult, updateId: number): Promise<void> {
  if (!String(result.headers?.['content-type'] ?? '').startsWith('application/json')) return;
  try {
    const { method, ...params } = JSON.parse(result.body) as { method?: MethodName };
    if (method) await api.call(method, params as Params<typeof method>);
  } catch (error) {
    say(`update ${updateId}: the call in the function's answer failed (Telegram would tell nobody)`, { error });
  }
}

