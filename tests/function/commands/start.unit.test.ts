/**
 * Answers made of words alone — /start, /help, the hints for an unknown command and for a message
 * without text — ride the webhook's own HTTP response, with nothing asked of the world before it:
 * no claim, no read, no Bot API call. Telegram makes that call only on our 2xx, so a redelivery means
 * the answer never arrived: each delivery says them at most once (docs/reliability.md).
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

/** A private-chat photo without a caption: a message with no text. */
function photo(chatId: number): Update {
  const update = textMessage(chatId, 'x');
  delete (update.message as { text?: string }).text;
  Object.assign(update.message!, { photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }] });
  return update;
}

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

  test('a cold /start asks nothing of the world before it answers: no claim, no read, no call', async () => {
    const bot = new TestBot();
    const { portCalls } = await bot.say(3, '/start');
    assert.deepEqual(portCalls, []);
    assert.equal(bot.ledger.claims, 0);
    assert.deepEqual(callsByTheBot(bot), []);
    assert.deepEqual(bot.textsTo(3), [START_MESSAGE], 'the chat gets the welcome from Telegram reading the answer');
  });

  test("logs one line that says the answer rode the webhook's response, with no time on any service and no lease", async () => {
    const { final } = await new TestBot().say(4, '/start');
    assert.deepEqual([final.outcome, final.reason, final.delivery], ['text_sent', '/start', 'webhook_response']);
    assert.deepEqual([final.s3_ms, final.polly_ms, final.telegram_ms], [0, 0, 0]);
    assert.deepEqual([final.attempt, final.lease, final.done_ms], [undefined, undefined, undefined]);
    assert.deepEqual([final.Updates, final.Voices, final.Refusals, final.Errors], [1, 0, 0, 0], 'metered like any update');
  });

  test('a redelivered /start, its answer lost on the way, gets the welcome again', async () => {
    const bot = new TestBot();
    const update = textMessage(5, '/start');
    bot.telegram.dropNext('sendMessage'); // Telegram never made the first answer's call
    const first = await bot.deliver(update);
    assert.equal(first.answer, 'reply');
    assert.deepEqual(bot.textsTo(5), [], 'the first welcome never arrived');
    const again = await bot.deliver(update);
    assert.equal(again.answer, 'reply');
    assert.equal(textOf(again), START_MESSAGE);
    assert.deepEqual(again.portCalls, []);
    assert.deepEqual(bot.textsTo(5), [START_MESSAGE]);
  });

  test('two deliveries at once each carry the welcome: said at most once per delivery, and nothing between them to wait for', async () => {
    const bot = new TestBot();
    const update = textMessage(6, '/start');
    const answers = await Promise.all([bot.deliver(update), bot.deliver(update)]);
    assert.deepEqual(answers.map((a) => [a.answer, textOf(a)]), [['reply', START_MESSAGE], ['reply', START_MESSAGE]]);
  });

  test('/start@name asks Telegram for our own username first; /start@another_bot is not ours and gets nothing', async () => {
    const bot = new TestBot();
    const ours = await bot.say(7, '/start@VoiceBot_Demo_Bot');
    assert.deepEqual(ours.portCalls, ['telegram.username']);
    assert.equal(textOf(ours), START_MESSAGE);
    const theirs = await bot.say(8, '/start@another_bot');
    assert.deepEqual([theirs.answer, theirs.final.reason], ['done', 'command for another bot']);
    assert.deepEqual(bot.textsTo(8), []);
  });

  test('a chat outside the allowlist hears the refusal once, never a welcome, and then silence', async () => {
    const bot = new TestBot({ ALLOWED_CHAT_IDS: '1' });
    const first = await bot.say(9, '/start');
    assert.equal(first.webhookReply, undefined);
    assert.deepEqual(first.portCalls, ['ledger.claimRefusal', 'telegram.call sendMessage']);
    assert.deepEqual(bot.textsTo(9), ['Sorry, this bot is private and does not serve this chat.']);
    const again = await bot.say(9, '/start');
    assert.deepEqual([again.answer, again.final.outcome, again.final.reason], ['done', 'ignored', 'chat not allowed']);
    assert.equal(bot.textsTo(9).length, 1);
  });
});

describe('the other answers made of words alone', () => {
  const cases: [string, (chatId: number) => Update, RegExp, string][] = [
    ['/help', (chatId) => textMessage(chatId, '/help'), /\/voice[\s\S]*\/say/, '/help'],
    ['an unknown command', (chatId) => textMessage(chatId, '/nonsense'), /don't know \/nonsense/, 'unknown command'],
    ['a message without text', photo, /only read text/, 'not text'],
  ];
  for (const [name, update, text, reason] of cases) {
    test(`${name}: answered in the webhook's response, with nothing asked of the world before it`, async () => {
      const bot = new TestBot();
      const { answer, webhookReply, portCalls, final } = await bot.deliver(update(20));
      assert.deepEqual([answer, webhookReply?.method, final.reason, final.delivery], ['reply', 'sendMessage', reason, 'webhook_response']);
      assert.deepEqual(portCalls, []);
      assert.equal(bot.ledger.claims, 0);
      assert.match(bot.textsTo(20)[0] ?? '', text);
    });
  }

  test('the hints thread under the message they answer; /help does not', async () => {
    const bot = new TestBot();
    const update = photo(21);
    const hint = await bot.deliver(update);
    assert.deepEqual((hint.webhookReply?.params as { reply_parameters?: unknown }).reply_parameters, { message_id: update.message!.message_id, allow_sending_without_reply: true });
    assert.equal(((await bot.say(21, '/help')).webhookReply?.params as { reply_parameters?: unknown }).reply_parameters, undefined);
  });
});
