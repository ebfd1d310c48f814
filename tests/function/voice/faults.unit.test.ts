/**
 * What the bot logic does when an outside system fails, one row per fault, over in-memory ports.
 * Every row keeps the same invariants: the user gets at most one voice (or audio file) and at most
 * one text, any text is the apology and holds no internals, exactly one final log line, and the
 * update is answered before the deadline. Retries inside the real clients (the AWS SDK's attempts,
 * Telegram's retry_after) are tested with those clients: tests/function/telegram/client.test.ts and
 * tests/reliability/faults.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BOT_TOKEN, TestBot, WEBHOOK_SECRET, type DeliverOptions } from '../support/bot.ts';
import { INTERNAL_SERVER_ERROR, serviceError, TOO_MANY_REQUESTS, VOICE_MESSAGES_FORBIDDEN } from '../support/ports.ts';

const APOLOGY = /could not make a voice message/;
/** A text that needs two synthesis requests (over 3,000 characters). */
const LONG_TEXT = 'The quick brown fox jumps over the lazy dog near the river bank. '.repeat(50).trim();
const throttled = () => serviceError('ThrottlingException', 'Rate exceeded');

interface Row extends DeliverOptions {
  name: string;
  inject(bot: TestBot, chatId: number): void;
  /** More to check than the counts. */
  check?(bot: TestBot): void;
  text?: string;
  expect: {
    voice: 0 | 1;
    document?: 0 | 1;
    apology: 0 | 1;
    outcome: string;
    delivery?: string;
    /** Exact number of synthesis requests, and of Telegram calls by method. */
    counts?: Record<string, number>;
    /** Something in the logs that says what happened. */
    logs?: RegExp;
    /** Answered within this many ms (default: the Lambda timeout). */
    maxMs?: number;
  };
}

const ROWS: Row[] = [
  // The synthesizer (Polly)
  {
    name: 'a synthesizer that fails ends in one apology and no voice, and the logs name the error',
    inject: (bot) => bot.synthesizer.faults.add('synthesize', throttled, { times: 10 }),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { synthesize: 1, sendVoice: 0 }, logs: /ThrottlingException/ },
  },
  {
    name: 'a two-part text whose second part fails ends in one apology, and the first part is closed',
    text: LONG_TEXT,
    inject: (bot) => bot.synthesizer.faults.add('synthesize', () => serviceError('ServiceFailureException', 'An unknown condition has caused a service failure.'), { after: 1 }),
    check: (bot) => assert.ok(bot.synthesizer.streams[0]?.destroyed, 'the part that arrived holds no connection'),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { synthesize: 2, sendVoice: 0 }, logs: /ServiceFailureException/ },
  },
  {
    name: 'a slow synthesizer (300 ms) within the deadline: the voice arrives',
    lambdaTimeoutMs: 8_000,
    inject: (bot) => bot.synthesizer.slow(300),
    expect: { voice: 1, apology: 0, outcome: 'voice_sent', counts: { synthesize: 1 } },
  },
  {
    name: 'a synthesizer slower than the Lambda deadline is cut off in time to apologise',
    lambdaTimeoutMs: 3_500,
    inject: (bot) => bot.synthesizer.slow(Infinity),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { synthesize: 1 }, logs: /abort|deadline|timeout/i, maxMs: 3_500 },
  },
  {
    name: "a request that already waited 26 s at API Gateway is cut off before the gateway's 29 s",
    arrivedMsAgo: 26_000,
    inject: (bot) => bot.synthesizer.slow(Infinity),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { synthesize: 1 }, maxMs: 3_000 },
  },
  {
    name: 'with less time left than the reserve, nothing is synthesized, the short text still fits, and the answer comes at once',
    lambdaTimeoutMs: 1_500,
    inject: () => undefined,
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { synthesize: 0, sendVoice: 0 }, maxMs: 1_500 },
  },

  // The ledger and the audio store (S3)
  {
    name: 'a ledger that cannot be reached: one short text, no synthesis, the update logged as failed',
    inject: (bot) => bot.ledger.faults.add('claim', () => serviceError('SlowDown', 'Please reduce your request rate.')),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { synthesize: 0, sendVoice: 0 }, logs: /update failed.*SlowDown/ },
  },
  {
    name: 'an audio store that cannot save: one apology, no voice',
    inject: (bot) => bot.audioStore.faults.add('save', () => serviceError('SlowDown', 'Please reduce your request rate.')),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { synthesize: 1, sendVoice: 0 }, logs: /SlowDown/ },
  },
  {
    name: 'a temporary URL Telegram cannot fetch: the audio is uploaded instead',
    inject: (bot) => {
      bot.audioStore.urlsFetchable = false;
    },
    expect: { voice: 1, apology: 0, outcome: 'voice_sent', delivery: 'upload', counts: { sendVoice: 2 }, logs: /voice URL refused/ },
  },

  // Telegram
  {
    name: 'a 429 the client could not wait out (retry_after 60): one apology',
    inject: (bot) => bot.telegram.failNext('sendVoice', TOO_MANY_REQUESTS(60)),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { sendVoice: 1, sendMessage: 1 }, logs: /429/ },
  },
  {
    name: 'a 500 on sendVoice is not retried (it may have been delivered): one apology',
    inject: (bot) => bot.telegram.failNext('sendVoice', INTERNAL_SERVER_ERROR),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { sendVoice: 1, sendMessage: 1 }, logs: /sendVoice: 500/ },
  },
  {
    name: 'a failed chat action costs nothing: the voice still arrives',
    inject: (bot) => bot.telegram.failNext('sendChatAction', INTERNAL_SERVER_ERROR),
    expect: { voice: 1, apology: 0, outcome: 'voice_sent', counts: { sendChatAction: 1, sendVoice: 1 }, logs: /chat action not shown/ },
  },
  {
    name: 'VOICE_MESSAGES_FORBIDDEN: the audio arrives as a file with the reason',
    inject: (bot) => bot.telegram.failNext('sendVoice', VOICE_MESSAGES_FORBIDDEN),
    expect: { voice: 0, document: 1, apology: 0, outcome: 'voice_sent', delivery: 'document', counts: { sendVoice: 1, sendDocument: 1, sendMessage: 0 } },
  },
  {
    name: 'VOICE_MESSAGES_FORBIDDEN and the file upload fails with 500: one apology',
    inject: (bot, chatId) => {
      bot.telegram.forbidsVoices.add(chatId);
      bot.telegram.failNext('sendDocument', INTERNAL_SERVER_ERROR);
    },
    expect: { voice: 0, document: 0, apology: 1, outcome: 'failed', counts: { sendVoice: 1, sendDocument: 1, sendMessage: 1 }, logs: /sendDocument: 500/ },
  },
  {
    // Ambiguous: the voice may have arrived, so neither a retry (two voices) nor an apology (a voice and an apology).
    name: 'Telegram unreachable during sendVoice: not retried, no apology, and the logs say why it stayed silent',
    inject: (bot) => bot.telegram.dropNext('sendVoice'),
    expect: { voice: 0, apology: 0, outcome: 'failed', counts: { sendVoice: 1, sendMessage: 0 }, logs: /Telegram not reached.*staying silent|ambiguous send/ },
  },
  {
    name: 'Telegram unreachable for every call: each call made once, no apology tried after the ambiguous send',
    inject: (bot) => {
      for (const method of ['sendChatAction', 'sendVoice', 'sendMessage', 'sendDocument']) bot.telegram.dropNext(method, 3);
    },
    expect: { voice: 0, apology: 0, outcome: 'failed', counts: { sendChatAction: 1, sendVoice: 1, sendMessage: 0 }, logs: /may have been delivered/ },
  },
  {
    name: 'Telegram answering 500 to every call: each call made once, and the logs tell',
    inject: (bot) => {
      for (const method of ['sendChatAction', 'sendVoice', 'sendMessage', 'sendDocument']) bot.telegram.failNext(method, INTERNAL_SERVER_ERROR, 3);
    },
    expect: { voice: 0, apology: 0, outcome: 'failed', counts: { sendChatAction: 1, sendVoice: 1, sendMessage: 1 }, logs: /apology not delivered/ },
  },
  {
    name: 'an error description that echoes the bot token and the webhook secret is logged redacted',
    inject: (bot) => bot.telegram.failNext('sendVoice', { error_code: 400, description: `Bad Request: token ${BOT_TOKEN} secret ${WEBHOOK_SECRET} not accepted` }, 2),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { sendVoice: 2 }, logs: /REDACTED/ },
  },
];

const count = (bot: TestBot, what: string) => (what === 'synthesize' ? bot.synthesizer.requests.length : bot.telegram.calls.filter((c) => c.method === what).length);

describe('faults of the outside systems (a fresh bot per row)', () => {
  let chatId = 1000;
  for (const row of ROWS) {
    test(row.name, async () => {
      const bot = new TestBot();
      const chat = ++chatId;
      row.inject(bot, chat);
      const lambdaTimeoutMs = row.lambdaTimeoutMs ?? 20_000;
      const { final, ms } = await bot.say(chat, row.text ?? `Please read fault number ${chat} aloud.`, { lambdaTimeoutMs, ...(row.arrivedMsAgo && { arrivedMsAgo: row.arrivedMsAgo }) });
      const sent = bot.sentTo(chat);
      const context = `\n  calls: ${bot.telegram.calls.map((c) => `${c.method}:${c.ok}`).join(' ')}\n  logs: ${bot.logs.map((l) => JSON.stringify(l).slice(0, 300)).join('\n        ')}`;

      // The invariants of every row.
      assert.ok(ms < (row.expect.maxMs ?? lambdaTimeoutMs), `answered within the budget (took ${Math.round(ms)} ms)`);
      assert.ok(sent.filter((c) => c.method !== 'sendMessage').length <= 1, `at most one voice or audio file${context}`);
      const texts = sent.filter((c) => c.method === 'sendMessage').map((c) => String(c.params.text));
      assert.ok(texts.length <= 1, `at most one text${context}`);
      for (const text of texts) assert.match(text, APOLOGY);
      const raw = JSON.stringify(bot.logs);
      for (const secret of [BOT_TOKEN, WEBHOOK_SECRET]) assert.ok(!raw.includes(secret), 'no secret in the logs');

      const { expect } = row;
      assert.equal(bot.voicesTo(chat).length, expect.voice, `voices${context}`);
      assert.equal(bot.telegram.sent('sendDocument', chat).length, expect.document ?? 0, `audio files${context}`);
      if (expect.document) assert.match(String(bot.telegram.sent('sendDocument', chat)[0]?.params.caption), /privacy/i);
      assert.equal(texts.length, expect.apology, `apologies${context}`);
      for (const [what, n] of Object.entries(expect.counts ?? {})) assert.equal(count(bot, what), n, `${what} calls${context}`);
      assert.equal(final.outcome, expect.outcome, `outcome${context}`);
      if (expect.delivery) assert.equal(final.delivery, expect.delivery, `delivery${context}`);
      if (expect.logs) assert.match(raw, expect.logs, `the logs say what happened${context}`);
      row.check?.(bot);
    });
  }
});
