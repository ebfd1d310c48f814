import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startSecretsManager, type LocalSecretsManager } from '../../local/secretsmanager/server.ts';
import { BOT_TOKEN, startStack, textUpdate, WEBHOOK_SECRET, type Stack } from './stack.ts';

let secrets: LocalSecretsManager;
let stack: Stack;
let arn: string;

before(async () => {
  secrets = await startSecretsManager();
  arn = secrets.put('voicebot-bot', JSON.stringify({ bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET }));
  // No token in the environment: the bundle must take it from Secrets Manager.
  stack = await startStack({ env: { BOT_SECRET_ARN: arn, AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint, TELEGRAM_BOT_TOKEN: '', TELEGRAM_WEBHOOK_SECRET: '' } });
});
after(async () => {
  await stack.close();
  await secrets.close();
});

describe('credentials from Secrets Manager', () => {
  test('are fetched once per container and used for the secret check and the Bot API', async () => {
    assert.deepEqual((await stack.say(1, '/help')).statuses, [200]);
    assert.deepEqual((await stack.say(2, '/help')).statuses, [200]);
    assert.equal((await stack.post(textUpdate('/help', { chatId: 3 }), { secret: 'wrong' })).statusCode, 401);
    assert.equal(secrets.reads.get(arn), 1);
    assert.equal(stack.telegram.sent.filter((m) => m.kind === 'text').length, 2);
  });

  test('that cannot be read make the webhook answer 500 so Telegram retries, calling nothing else', async () => {
    const missing = await startStack({ env: { BOT_SECRET_ARN: arn.replace('voicebot-bot', 'no-such-secret') } });
    try {
      // The stack registers its webhook with dist/webhook.mjs (setWebhook, then getWebhookInfo) before the test starts.
      const stackCalls = missing.telegram.calls.length;
      const result = await missing.post(textUpdate('Hello', { chatId: 4 }));
      assert.equal(result.statusCode, 500);
      assert.deepEqual(missing.telegram.calls.slice(stackCalls).map((c) => c.method), [], 'only the stack itself talked to Telegram');
      assert.equal(missing.polly.requests.length, 0);
      assert.match(missing.rawLogs(), /bot credentials unavailable/);
    } finally {
      await missing.close();
    }
  });
});
