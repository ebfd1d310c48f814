import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { credentialLoader, parseSecret, SecretError } from '../../function/src/secrets.ts';

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
    const load = credentialLoader({ kind: 'environment', botToken: TOKEN, webhookSecret: 's' }, 'eu-west-1');
    assert.deepEqual(await load(), { botToken: TOKEN, webhookSecret: 's' });
  });
});
