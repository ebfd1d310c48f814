import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, readConfig } from '../../function/src/config.ts';
import { DEFAULT_START_MESSAGE, DEFAULT_TELEGRAM_API_URL } from '../../function/src/constants.ts';
import { VOICES } from '../../function/src/speech/voices.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const local = { S3_BUCKET_NAME: 'voice-bucket', AWS_REGION: 'eu-west-1', TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_WEBHOOK_SECRET: 'hook_secret-1' };

describe('reading the configuration', () => {
  test('fills in defaults for everything optional', () => {
    const config = readConfig(local);
    assert.equal(config.voice, 'Maxim');
    assert.equal(config.startMessage, DEFAULT_START_MESSAGE);
    assert.equal(config.telegramApiUrl, DEFAULT_TELEGRAM_API_URL);
    assert.equal(config.s3ForcePathStyle, false);
    assert.equal(config.logLevel, 'INFO');
    assert.deepEqual(config.credentials, { kind: 'environment', botToken: TOKEN, webhookSecret: 'hook_secret-1' });
  });

  test('prefers the Secrets Manager ARN when one is given', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:voicebot-AbCdEf';
    assert.deepEqual(readConfig({ ...local, BOT_SECRET_ARN: arn }).credentials, { kind: 'secrets-manager', secretArn: arn });
  });

  test('keeps START_MESSAGE exactly as written, line breaks and symbols included', () => {
    const startMessage = 'Hi & welcome #1?\nSecond line';
    assert.equal(readConfig({ ...local, START_MESSAGE: startMessage }).startMessage, startMessage);
  });

  test('names every wrong variable in one error, without quoting secret values', () => {
    const error = (() => {
      try {
        readConfig({ S3_BUCKET_NAME: 'Not_A_Bucket', VOICE_NAME: 'maxim!', TELEGRAM_BOT_TOKEN: 'oops-token', TELEGRAM_WEBHOOK_SECRET: 'bad secret!', LOG_LEVEL: 'loud', S3_FORCE_PATH_STYLE: 'yes', TELEGRAM_API_URL: 'ftp://x' });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(error instanceof ConfigError);
    for (const name of ['S3_BUCKET_NAME', 'AWS_REGION', 'VOICE_NAME', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET', 'LOG_LEVEL', 'S3_FORCE_PATH_STYLE', 'TELEGRAM_API_URL']) {
      assert.match(error.message, new RegExp(name));
    }
    assert.doesNotMatch(error.message, /oops-token|bad secret!/);
  });

  test('accepts only a VOICE_NAME the bot can speak with: in the voice table, with a standard or neural engine', () => {
    assert.equal(readConfig({ ...local, VOICE_NAME: 'Joanna' }).voice, 'Joanna');
    assert.throws(() => readConfig({ ...local, VOICE_NAME: 'Joana' }), /VOICE_NAME Joana is not a standard or neural Polly voice/);
    const generativeOnly = VOICES.find((v) => !v.engines.includes('standard') && !v.engines.includes('neural'));
    assert.ok(generativeOnly, 'the table has a generative-only voice to try');
    assert.throws(() => readConfig({ ...local, VOICE_NAME: generativeOnly.id }), /is not a standard or neural Polly voice/);
  });

  test('sends the bot token over plain http:// only to this machine', () => {
    for (const url of ['https://api.telegram.org', 'https://bot-api.example.com:8443/', 'http://127.0.0.1:8081', 'http://localhost:8081', 'http://[::1]:8081', 'http://127.1:9']) {
      assert.equal(readConfig({ ...local, TELEGRAM_API_URL: url }).telegramApiUrl, url.replace(/\/+$/, ''), url);
    }
    for (const url of ['http://api.telegram.org', 'http://10.0.0.5:8081', 'http://localhost.example.com', 'http://localhost@example.com', 'http://127.0.0.1.nip.io']) {
      assert.throws(() => readConfig({ ...local, TELEGRAM_API_URL: url }), /TELEGRAM_API_URL must use https:\/\/ .*clear text.*localhost, 127\.x\.x\.x and \[::1\]/, url);
    }
    for (const url of ['ftp://x', 'api.telegram.org', 'https://']) assert.throws(() => readConfig({ ...local, TELEGRAM_API_URL: url }), /TELEGRAM_API_URL is not an http\(s\) URL/, url);
  });

  test('asks for credentials when neither the ARN nor both local values are set', () => {
    assert.throws(() => readConfig({ ...local, TELEGRAM_WEBHOOK_SECRET: '' }), /BOT_SECRET_ARN is required/);
    assert.throws(() => readConfig({ ...local, BOT_SECRET_ARN: 'arn:aws:s3:::bucket' }), /BOT_SECRET_ARN is not a Secrets Manager secret ARN/);
  });

  test('reads DAILY_CHARACTER_BUDGET as a whole number of characters, at least 1; unset or empty is no cap', () => {
    assert.equal(readConfig(local).dailyCharacterBudget, undefined);
    assert.equal(readConfig({ ...local, DAILY_CHARACTER_BUDGET: ' ' }).dailyCharacterBudget, undefined);
    assert.equal(readConfig({ ...local, DAILY_CHARACTER_BUDGET: '250000' }).dailyCharacterBudget, 250_000);
    for (const wrong of ['0', '-5', '1.5', 'lots', '1e400']) {
      assert.throws(() => readConfig({ ...local, DAILY_CHARACTER_BUDGET: wrong }), /DAILY_CHARACTER_BUDGET must be a whole number/, wrong);
    }
  });

  test("names the metrics' FunctionName after the Lambda function, voicebot-local elsewhere", () => {
    assert.equal(readConfig(local).functionName, 'voicebot-local');
    assert.equal(readConfig({ ...local, AWS_LAMBDA_FUNCTION_NAME: 'voicebot-prod' }).functionName, 'voicebot-prod');
  });
});
