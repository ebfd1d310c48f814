/**
 * /start is answered in the webhook's own HTTP response: no call to Telegram, and no "done" either,
 * since nobody learns whether Telegram made that call. The lease alone keeps it to one answer per delivery.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Update } from '@grammyjs/types';
import type { ReplyCall } from '../../../function/src/context.ts';
import { START_MESSAGE, TestBot, textMessage } from '../support/bot.ts';

/** The bot's own calls to Telegram, leaving out what Telegram made from a webhook's answer. */
const callsByTheBot = (bot: TestBot) => bot.telegram.calls.filter((call) => !call.fromWebhookResponse);
/** The text of a sendMessage in a webhook's answer. */
const textOf = ({ webhookReply }: { webhookReply?: ReplyCall }) => (webhookReply?.params as { text?: string } | undefined)?.text;
const recordOf = (bot: TestBot, update: Update) => bot.ledger.record({ kind: 'message', updateId: update.update_id });
/** Far past any lease: the ledger's clock moves on, as a redelivery minutes later sees it. */
const LONG_AFTER_MS = 10 * 60_000;

describe('/start', () => {
  test("answers with sendMessage in the webhook's response: START_MESSAGE to the chat, not as a reply", async () => {
    const { webhookReply, answer } = await new TestBot().say(1, '/start');
    assert.equal(answer, 'reply');
    assert.deepEqual(webhookReply, { method: 'sendMessage', params: { chat_id: 1, text: START_MESSAGE } });
  });

  test('keeps START_MESSAGE exactly as written, with or without a deep-link payload', async () => {
    const startMessage = '  Hello!\n\n  Spaces and line breaks stay.  ';
    const bot = new TestBot({ START_MESSAGE: startMessage });
    for (const text of ['/start', '/start deep-link-payload', '/start@voicebot_demo_bot']) {
      assert.equal(textOf(await bot.say(2, text)), startMessage, text);
    }
  });

  test('sends nothing through the messenger: the chat gets the welcome only from Telegram reading the answer', async () => {
    const bot = new TestBot();
    await bot.say(3, '/start');
    assert.deepEqual(callsByTheBot(bot), []);
    assert.deepEqual(bot.textsTo(3), [START_MESSAGE]);
  });

  test("logs one line that says the answer rode the webhook's response, with no Telegram time and no done write", async () => {
    const { final } = await new TestBot().say(4, '/start');
    assert.equal(final.outcome, 'text_sent');
    assert.equal(final.reason, '/start');
    assert.equal(final.delivery, 'webhook_response');
    assert.equal(final.telegram_ms, 0);
    assert.equal(final.done_ms, undefined);
  });

  test('claims the update but leaves its lease to expire: "done" would claim a confirmation we never get', async () => {
    const bot = new TestBot();
    const { update, final } = await bot.say(5, '/start');
    const record = recordOf(bot, update);
    assert.equal(record?.state, 'leased');
    assert.equal(record?.attempt, 1);
    assert.equal(final.lease, 'new');
  });

  test('a redelivery during the live lease is busy (503) and gets no second welcome', async () => {
    const bot = new TestBot();
    const { update } = await bot.say(6, '/start');
    const again = await bot.deliver(update);
    assert.equal(again.answer, 'busy');
    assert.equal(again.webhookReply, undefined);
    assert.equal(bot.textsTo(6).length, 1);
  });

  test('a redelivery after the lease expired means the answer never arrived: it takes the update over and answers again', async () => {
    const bot = new TestBot();
    const { update } = await bot.say(7, '/start');
    bot.ledger.clockOffsetMs = LONG_AFTER_MS;
    const again = await bot.deliver(update);
    assert.equal(again.answer, 'reply');
    assert.equal(textOf(again), START_MESSAGE);
    assert.equal(again.final.attempt, 2);
    assert.equal(again.final.lease, 'taken_over');
    assert.equal(recordOf(bot, update)?.state, 'leased');
  });

  test('of two concurrent deliveries one answers in its response and the other asks Telegram to come back', async () => {
    const bot = new TestBot();
    const update = textMessage(8, '/start');
    const answers = await Promise.all([bot.deliver(update), bot.deliver(update)]);
    assert.deepEqual(answers.map((a) => a.answer).sort(), ['busy', 'reply']);
    assert.equal(answers.filter((a) => a.webhookReply).length, 1);
    assert.deepEqual(bot.textsTo(8), [START_MESSAGE]);
  });

  test('the other commands still send their answer themselves and mark it done', async () => {
    const bot = new TestBot();
    const { update, webhookReply } = await bot.say(9, '/help');
    assert.equal(webhookReply, undefined);
    assert.equal(callsByTheBot(bot).filter((call) => call.method === 'sendMessage').length, 1);
    assert.equal(recordOf(bot, update)?.state, 'done');
  });
});
