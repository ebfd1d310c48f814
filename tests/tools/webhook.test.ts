// The built dist/webhook.mjs against the local Telegram Bot API emulator, run as a child process exactly
// as Terraform's local-exec and the local demo run it (`make build` first; `make test` does).
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath as toPath } from 'node:url';
import { readConfig } from '../../function/src/config.ts';
import { startSecretsManager, type LocalSecretsManager } from '../../local/secretsmanager/server.ts';
import { startTelegramEmulator } from '../../local/telegram/emulator.ts';
import { runScript, type ScriptRun } from '../scripts/run-script.ts';

// Paths below are relative to the repository root, wherever the runner was started.
process.chdir(toPath(new URL('../..', import.meta.url)));

const TOKEN = '123456:AAE-webhook-test-token_0123';
const SCRIPT = 'dist/webhook.mjs';
const SECRET = 'test_webhook-secret_0123456789';
const URL_ = 'https://example.execute-api.eu-central-1.amazonaws.com/live/webhook';

type Emulator = Awaited<ReturnType<typeof startTelegramEmulator>>;
type Run = ScriptRun;
const run = (args: string[], env: Record<string, string | undefined>, script = SCRIPT) => runScript(script, args, env);
/** The JSON log lines a run wrote to one stream. */
const lines = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);

function assertNoSecrets(r: Run, ...secrets: string[]) {
  for (const s of secrets) {
    assert.ok(!r.stdout.includes(s), `stdout contains a secret: ${r.stdout}`);
    assert.ok(!r.stderr.includes(s), `stderr contains a secret: ${r.stderr}`);
  }
}

describe('dist/webhook.mjs', () => {
  let tg: Emulator;
  let env: Record<string, string>;

  beforeEach(async () => {
    tg = await startTelegramEmulator({ token: TOKEN });
    env = { TELEGRAM_API_URL: tg.url, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: SECRET };
  });
  afterEach(async () => {
    await tg.close();
  });

  test('set registers the URL, secret token, allowed updates and max connections, then verifies them', async () => {
    const r = await run(['set', '--url', URL_, '--allowed-updates', 'message,callback_query', '--max-connections', '7', '--drop-pending-updates'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      { url: tg.webhook?.url, secret_token: tg.webhook?.secret_token, allowed_updates: tg.webhook?.allowed_updates, max_connections: tg.webhook?.max_connections },
      { url: URL_, secret_token: SECRET, allowed_updates: ['message', 'callback_query'], max_connections: 7 },
    );
    const methods = tg.calls.map((c) => c.method);
    assert.deepEqual(methods, ['setWebhook', 'getWebhookInfo']);
    assert.equal((tg.calls[0]!.params as Record<string, unknown>).drop_pending_updates, true);
    assert.deepEqual(lines(r.stdout).map(({ message, url }) => ({ message, url })), [{ message: 'webhook set', url: URL_ }]);
    assertNoSecrets(r, TOKEN, SECRET);
  });

  test('delete removes the webhook and verifies it is gone', async () => {
    assert.equal((await run(['set', '--url', URL_], env)).code, 0);
    assert.equal(tg.webhook?.url, URL_);
    const r = await run(['delete', '--drop-pending-updates'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!tg.webhook?.url, 'webhook still set');
    const del = tg.calls.find((c) => c.method === 'deleteWebhook');
    assert.equal((del?.params as Record<string, unknown>).drop_pending_updates, true);
    assert.equal(tg.calls.at(-1)!.method, 'getWebhookInfo');
    assertNoSecrets(r, TOKEN, SECRET);
  });

  test('info prints the webhook as Telegram reports it, without secrets', async () => {
    await run(['set', '--url', URL_], env);
    const r = await run(['info'], { TELEGRAM_API_URL: tg.url, TELEGRAM_BOT_TOKEN: TOKEN });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((lines(r.stdout)[0]!.webhook as { url: string }).url, URL_);
    assertNoSecrets(r, TOKEN, SECRET);
  });

  test('a Telegram error makes set exit non-zero with Telegram\'s description', async () => {
    tg.failNext('setWebhook', { error_code: 400, description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook' });
    const r = await run(['set', '--url', URL_], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /setWebhook failed: 400 Bad Request: bad webhook: HTTPS url must be provided for webhook/);
    assert.ok(!tg.calls.some((c) => c.method === 'getWebhookInfo'), 'should stop at the failed call');
    assertNoSecrets(r, TOKEN, SECRET);
  });

  test('a Telegram error on delete exits non-zero with the description', async () => {
    tg.failNext('deleteWebhook', { error_code: 401, description: 'Unauthorized' });
    const r = await run(['delete'], env);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /deleteWebhook failed: 401 Unauthorized/);
    assertNoSecrets(r, TOKEN, SECRET);
  });

  test('set waits and retries when Telegram answers 429 with retry_after', async () => {
    tg.failNext('setWebhook', { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    const r = await run(['set', '--url', URL_], env);
    assert.equal(r.code, 0, r.stderr);
    const sets = tg.calls.filter((c) => c.method === 'setWebhook');
    assert.deepEqual(sets.map((c) => c.status), [429, 200]);
    assert.ok(sets[1]!.at - sets[0]!.at >= 1000, 'waited retry_after before trying again');
    assert.equal(tg.webhook?.url, URL_);
  });

  test('an unreachable Bot API fails without printing the token', async () => {
    const r = await run(['set', '--url', URL_], { ...env, TELEGRAM_API_URL: 'http://127.0.0.1:9' });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot reach the Bot API/);
    assertNoSecrets(r, TOKEN, SECRET);
  });

  test('accepts and refuses bot tokens and webhook secrets exactly as the function configuration does', async () => {
    const base = { S3_BUCKET_NAME: 'voicebot-test', AWS_REGION: 'eu-west-1' };
    const cases = [
      [TOKEN, SECRET],
      ['123:abc', SECRET], // the old script took any characters after the colon
      ['123456:AAE-webhook-test-token_012', 'spaces are not allowed'],
      ['not-a-token-at-all-not-a-token-at-all', SECRET],
      [`123456:${'x'.repeat(40)}`, 'x'.repeat(257)],
    ];
    for (const [token, secret] of cases) {
      const functionAccepts = (() => {
        try {
          readConfig({ ...base, TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: secret });
          return true;
        } catch {
          return false;
        }
      })();
      const r = await run(['set', '--url', URL_], { TELEGRAM_API_URL: tg.url, TELEGRAM_BOT_TOKEN: token, TELEGRAM_WEBHOOK_SECRET: secret });
      const scriptAccepts = !/does not look like a bot token|webhook secret is not/.test(r.stderr);
      assert.equal(scriptAccepts, functionAccepts, `token ${token!.slice(0, 12)}…, secret ${secret!.slice(0, 12)}…: ${r.stderr}`);
      assertNoSecrets(r, token!, secret!);
    }
  });

  test('runs with nothing but itself: no node_modules beside it', async () => {
    const alone = await mkdtemp(join(tmpdir(), 'voicebot-webhook-'));
    try {
      await copyFile(SCRIPT, join(alone, 'webhook.mjs'));
      const r = await run(['set', '--url', URL_], env, join(alone, 'webhook.mjs'));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(tg.webhook?.url, URL_);
    } finally {
      await rm(alone, { recursive: true, force: true });
    }
  });

  test('bad usage exits 2 and explains', async () => {
    const noCredentials = await run(['set', '--url', URL_], { TELEGRAM_API_URL: tg.url });
    assert.equal(noCredentials.code, 2);
    assert.match(noCredentials.stderr, /no credentials/);
    const badMax = await run(['set', '--url', URL_, '--max-connections', '101'], env);
    assert.equal(badMax.code, 2);
    assert.match(badMax.stderr, /--max-connections/);
    const noCommand = await run([], env);
    assert.equal(noCommand.code, 2);
    assert.equal(tg.calls.length, 0, 'nothing should reach Telegram');
  });
});

describe('dist/webhook.mjs with Secrets Manager', () => {
  let sm: LocalSecretsManager;
  let ARN: string;
  let tg: Emulator;

  before(async () => {
    sm = await startSecretsManager({ region: 'eu-central-1' });
    ARN = sm.put('voicebot-bot', JSON.stringify({ bot_token: TOKEN, webhook_secret: SECRET }));
    tg = await startTelegramEmulator({ token: TOKEN });
  });
  after(async () => {
    await tg.close();
    await sm.close();
  });

  const awsEnv = () => ({
    TELEGRAM_API_URL: tg.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'example-secret-key',
    AWS_EC2_METADATA_DISABLED: 'true',
  });

  test('set reads token and webhook secret by ARN, taking the region from the ARN', async () => {
    const r = await run(['set', '--url', URL_, '--secret-arn', ARN], awsEnv());
    assert.equal(r.code, 0, r.stderr);
    const [request] = sm.requests.slice(-1);
    assert.equal(request?.target, 'secretsmanager.GetSecretValue');
    assert.equal(request?.secretId, ARN);
    assert.match(request?.authorization ?? '', /\/eu-central-1\/secretsmanager\/aws4_request/);
    assert.equal(tg.webhook?.secret_token, SECRET);
    assertNoSecrets(r, TOKEN, SECRET);
  });

  test('BOT_SECRET_ARN works like --secret-arn, and an unknown secret fails cleanly', async () => {
    const ok = await run(['info'], { ...awsEnv(), BOT_SECRET_ARN: ARN });
    assert.equal(ok.code, 0, ok.stderr);
    const missing = await run(['info', '--secret-arn', `${ARN}x`], awsEnv());
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /cannot read the bot secret from Secrets Manager: ResourceNotFoundException/);
  });
});
