#!/usr/bin/env node
// Registers, removes or shows the bot's Telegram webhook. Used by Terraform (modules/webhook) and by
// the local demo, so both register webhooks the same way.
//
//   node scripts/webhook.mjs set --url URL [--secret-arn ARN] [--allowed-updates message,callback_query]
//                                [--max-connections N] [--drop-pending-updates]
//   node scripts/webhook.mjs delete [--secret-arn ARN] [--drop-pending-updates]
//   node scripts/webhook.mjs info [--secret-arn ARN]
//
// Credentials: the Secrets Manager secret {"bot_token", "webhook_secret"} named by --secret-arn or
// BOT_SECRET_ARN; otherwise TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET (the local demo has no
// Secrets Manager). TELEGRAM_API_URL points at another Bot API server (default https://api.telegram.org);
// AWS_ENDPOINT_URL_SECRETS_MANAGER is honoured by the AWS SDK itself.
// The token and the secret are never printed: every message passes through redact().
// Exit codes: 0 done, 1 Telegram or AWS refused, 2 bad usage.
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

const USAGE = `usage:
  webhook.mjs set --url URL [--secret-arn ARN] [--allowed-updates a,b] [--max-connections 1-100] [--drop-pending-updates]
  webhook.mjs delete [--secret-arn ARN] [--drop-pending-updates]
  webhook.mjs info [--secret-arn ARN]`;

const TOKEN_RE = /^[0-9]+:[A-Za-z0-9_-]+$/;
const SECRET_TOKEN_RE = /^[A-Za-z0-9_-]{1,256}$/;
// Telegram answers 429 with parameters.retry_after; wait at most this long per retry, this many times.
const MAX_RETRIES = 3;
const MAX_RETRY_AFTER_S = 30;

class UsageError extends Error {}
class FailedError extends Error {}

const secrets = new Set();
function redact(text) {
  let out = String(text);
  for (const s of secrets) if (s) out = out.split(s).join('<redacted>');
  return out;
}
const log = (msg) => process.stderr.write(`webhook: ${redact(msg)}\n`);

function parseCli(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        url: { type: 'string' },
        'secret-arn': { type: 'string' },
        'allowed-updates': { type: 'string' },
        'max-connections': { type: 'string' },
        'drop-pending-updates': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError(e.message);
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help) return { command: 'help' };
  if (!['set', 'delete', 'info'].includes(command) || positionals.length !== 1) throw new UsageError('expected one command: set, delete or info');

  const opts = { command, secretArn: values['secret-arn'], dropPendingUpdates: values['drop-pending-updates'] };
  if (command === 'set') {
    if (!values.url) throw new UsageError('set needs --url');
    try {
      new URL(values.url);
    } catch {
      throw new UsageError(`--url is not a URL: ${values.url}`);
    }
    opts.url = values.url;
    if (values['allowed-updates'] !== undefined)
      opts.allowedUpdates = values['allowed-updates'].split(',').map((s) => s.trim()).filter(Boolean);
    if (values['max-connections'] !== undefined) {
      const n = Number(values['max-connections']);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new UsageError('--max-connections must be a whole number from 1 to 100');
      opts.maxConnections = n;
    }
  } else if (values.url || values['allowed-updates'] || values['max-connections']) {
    throw new UsageError(`${command} takes no --url, --allowed-updates or --max-connections`);
  }
  return opts;
}

// The region is part of the ARN, so the script works without AWS_REGION (as under Terraform).
function regionOf(arn) {
  const m = /^arn:[a-z-]+:secretsmanager:([a-z0-9-]+):/.exec(arn);
  if (!m) throw new UsageError('--secret-arn / BOT_SECRET_ARN is not a Secrets Manager ARN');
  return m[1];
}

async function readCredentials(secretArn) {
  const arn = secretArn ?? process.env.BOT_SECRET_ARN;
  let token;
  let webhookSecret;
  if (arn) {
    // Imported only when needed, so the local demo runs without touching the AWS SDK.
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    // The secret lives in the ARN's region, whatever the shell's default region is.
    const client = new SecretsManagerClient({ region: regionOf(arn) });
    let value;
    try {
      const out = await client.send(new GetSecretValueCommand({ SecretId: arn }));
      value = out.SecretString;
    } catch (e) {
      throw new FailedError(`cannot read the bot secret from Secrets Manager: ${e.name ?? 'Error'}: ${e.message}`);
    }
    let json;
    try {
      json = JSON.parse(value ?? '');
    } catch {
      throw new FailedError('the bot secret is not JSON of the form {"bot_token", "webhook_secret"}');
    }
    token = json.bot_token;
    webhookSecret = json.webhook_secret;
  } else {
    token = process.env.TELEGRAM_BOT_TOKEN;
    webhookSecret = process.env.TELEGRAM_WEBHOOK_SECRET;
    if (!token) throw new UsageError('no credentials: give --secret-arn (or BOT_SECRET_ARN), or TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET');
  }
  secrets.add(token);
  secrets.add(webhookSecret);
  if (typeof token !== 'string' || !TOKEN_RE.test(token)) throw new FailedError('the bot token is missing or malformed');
  return { token, webhookSecret };
}

function apiBase() {
  return (process.env.TELEGRAM_API_URL || 'https://api.telegram.org').replace(/\/+$/, '');
}

// One Bot API call; retries when Telegram says "too many requests". Throws FailedError with
// Telegram's own description on failure.
async function call(token, method, params = {}) {
  const url = `${apiBase()}/bot${token}/${method}`;
  for (let attempt = 0; ; attempt++) {
    let res;
    let body;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(params),
        signal: AbortSignal.timeout(30_000),
      });
      body = await res.json().catch(() => null);
    } catch (e) {
      const cause = e.cause?.code ?? e.cause?.message ?? e.message;
      throw new FailedError(`${method}: cannot reach the Bot API at ${apiBase()}: ${cause}`);
    }
    if (body?.ok === true) return body.result;
    const retryAfter = body?.parameters?.retry_after;
    if (res.status === 429 && typeof retryAfter === 'number' && attempt < MAX_RETRIES && retryAfter <= MAX_RETRY_AFTER_S) {
      log(`${method}: Telegram asks to retry after ${retryAfter} s`);
      await sleep(retryAfter * 1000);
      continue;
    }
    const description = body?.description ?? `HTTP ${res.status} without a Bot API answer`;
    throw new FailedError(`${method} failed: ${body?.error_code ?? res.status} ${description}`);
  }
}

function describeError(info) {
  if (!info.last_error_message) return null;
  const when = info.last_error_date ? ` at ${new Date(info.last_error_date * 1000).toISOString()}` : '';
  return `Telegram's last delivery error${when}: ${info.last_error_message}`;
}

async function set(opts, { token, webhookSecret }) {
  if (typeof webhookSecret !== 'string' || !SECRET_TOKEN_RE.test(webhookSecret))
    throw new FailedError('the webhook secret is missing or not 1-256 characters of A-Z a-z 0-9 _ -');
  const params = { url: opts.url, secret_token: webhookSecret, drop_pending_updates: opts.dropPendingUpdates };
  if (opts.allowedUpdates) params.allowed_updates = opts.allowedUpdates;
  if (opts.maxConnections) params.max_connections = opts.maxConnections;
  log(`setting webhook to ${opts.url}${opts.allowedUpdates ? ` for ${opts.allowedUpdates.join(',') || 'all updates'}` : ''}${opts.maxConnections ? `, max ${opts.maxConnections} connections` : ''}`);
  await call(token, 'setWebhook', params);

  const info = await call(token, 'getWebhookInfo');
  if (info.url !== opts.url) throw new FailedError(`getWebhookInfo reports url ${JSON.stringify(info.url)} instead of ${opts.url}`);
  const lastError = describeError(info);
  if (lastError) log(lastError);
  console.log(redact(`webhook set: ${info.url} (pending updates: ${info.pending_update_count ?? 0})`));
}

async function remove(opts, { token }) {
  log('deleting webhook');
  await call(token, 'deleteWebhook', { drop_pending_updates: opts.dropPendingUpdates });
  const info = await call(token, 'getWebhookInfo');
  if (info.url) throw new FailedError(`getWebhookInfo still reports url ${info.url}`);
  console.log('webhook deleted');
}

async function info(_opts, { token }) {
  const result = await call(token, 'getWebhookInfo');
  console.log(redact(JSON.stringify(result, null, 2)));
  const lastError = describeError(result);
  if (lastError) log(lastError);
}

async function main() {
  const opts = parseCli(process.argv.slice(2));
  if (opts.command === 'help') {
    console.log(USAGE);
    return;
  }
  const credentials = await readCredentials(opts.secretArn);
  await { set, delete: remove, info }[opts.command](opts, credentials);
}

try {
  await main();
} catch (e) {
  if (e instanceof UsageError) {
    log(e.message);
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = 2;
  } else {
    log(e instanceof FailedError ? e.message : `unexpected error: ${e?.stack ?? e}`);
    process.exitCode = 1;
  }
}
