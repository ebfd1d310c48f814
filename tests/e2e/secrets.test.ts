import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SECRET_REFRESH_INTERVAL_MS } from '../../function/src/constants.ts';
import { lambdaContext, proxyEvent } from '../../function/src/tools/proxy-event.ts';
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

  test('are not read again for the voice route, whose requests never carry the secret header', async () => {
    // The container's clock, moved past the refresh interval: the bundle takes Date.now at its cold start.
    const realNow = Date.now;
    let ahead = 0;
    Date.now = () => realNow() + ahead;
    const clockedArn = secrets.put('voicebot-clocked', JSON.stringify({ bot_token: BOT_TOKEN, webhook_secret: WEBHOOK_SECRET }));
    const clocked = await startStack({ env: { BOT_SECRET_ARN: clockedArn, AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint, TELEGRAM_BOT_TOKEN: '', TELEGRAM_WEBHOOK_SECRET: '' } });
    try {
      assert.deepEqual((await clocked.say(5, '/help')).statuses, [200]);
      const reads = secrets.reads.get(clockedArn);
      ahead += SECRET_REFRESH_INTERVAL_MS + 1000;
      for (let i = 0; i < 3; i++) {
        const fetch = proxyEvent({ method: 'GET', path: '/voice?t=eA&v=Joanna&e=standard&u=5&i=1&x=1&s=forged', headers: {}, body: Buffer.alloc(0) });
        assert.equal((await clocked.handler(fetch, lambdaContext(28_000))).statusCode, 403);
      }
      assert.equal(secrets.reads.get(clockedArn), reads, 'no read for a voice fetch');
      // The same clock lets a webhook request with a wrong secret read again (as after a rotation): the count can move.
      assert.equal((await clocked.post(textUpdate('/help', { chatId: 6 }), { secret: 'wrong' })).statusCode, 401);
      assert.equal(secrets.reads.get(clockedArn), reads! + 1);
    } finally {
      Date.now = realNow;
      await clocked.close();
    }
  });
});
