import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { credentialStore, parseSecret, SecretError } from '../../function/src/secrets.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

describe('the bot secret', () => {
  test('is read from its JSON form', () => {
    assert.deepEqual(parseSecret(JSON.stringify({ bot_token: TOKEN, webhook_secret: 'abc_DEF-1' })), { botToken: TOKEN, webhookSecret: 'abc_DEF-1' });
  });

  test('is rejected when malformed, without quoting it', () => {
    for (const value of [undefined, 'not-json ' + TOKEN, '{}', JSON.stringify({ bot_token: TOKEN }), JSON.stringify({ bot_token: 'x', webhook_secret: 'y' }), JSON.stringify({ bot_token: TOKEN, webhook_secret: 'has space' })]) {
      assert.throws(
        () => parseSecret(value),
        (error: Error) => error instanceof SecretError && !error.message.includes(TOKEN),
      );
    }
  });

  test('comes straight from the environment for local use', async () => {
    const store = credentialStore({ kind: 'environment', botToken: TOKEN, webhookSecret: 's' }, 'eu-west-1');
    assert.deepEqual(await store.current(), { botToken: TOKEN, webhookSecret: 's' });
  });
});

describe('credentials from Secrets Manager', () => {
  test('are read once, and again after a rotation at most once a minute', async () => {
    const { startSecretsManager } = await import('../../local/secretsmanager/server.ts');
    const secrets = await startSecretsManager();
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' });
    try {
      const arn = secrets.put('bot', JSON.stringify({ bot_token: TOKEN, webhook_secret: 'first' }));
      let clock = 1_000_000;
      const store = credentialStore({ kind: 'secrets-manager', secretArn: arn }, 'eu-west-1', () => clock);
      assert.equal((await store.current()).webhookSecret, 'first');
      assert.equal((await store.current()).webhookSecret, 'first');
      assert.equal(secrets.reads.get(arn), 1);

      secrets.put('bot', JSON.stringify({ bot_token: TOKEN, webhook_secret: 'second' }));
      assert.equal(await store.refresh(), false, 'too soon after the last read');
      clock += 61_000;
      assert.equal(await store.refresh(), true);
      assert.equal((await store.current()).webhookSecret, 'second');
      clock += 61_000;
      assert.equal(await store.refresh(), false, 'nothing changed');
      assert.equal(secrets.reads.get(arn), 3);
    } finally {
      process.env = saved;
      await secrets.close();
    }
  });
});
