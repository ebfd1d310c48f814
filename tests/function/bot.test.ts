/**
 * The gates every update passes before anything is said or synthesized — exactly once, the
 * allowlist, the per-chat rate limit — and the routing of what is left, over in-memory ports.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buttonTap, TestBot, textMessage } from './support/bot.ts';

describe('exactly one answer per update', () => {
  test('two concurrent deliveries of one update make one synthesis and one voice', async () => {
    const bot = new TestBot();
    const update = textMessage(1, 'Delivered twice at the same moment.');
    const results = await Promise.all([bot.deliver(update), bot.deliver(update)]);
    assert.equal(bot.synthesizer.requests.length, 1);
    assert.equal(bot.voicesTo(1).length, 1);
    assert.deepEqual(results.map(({ final }) => final.reason ?? final.outcome).sort(), ['duplicate delivery', 'voice_sent']);
  });

  test('a redelivery after the first answer is ignored without a second text', async () => {
    const bot = new TestBot();
    const update = textMessage(2, '/help');
    await bot.deliver(update);
    const { final } = await bot.deliver(update);
    assert.equal(final.reason, 'duplicate delivery');
    assert.equal(bot.textsTo(2).length, 1);
  });
});

describe('the allowlist', () => {
  test('a chat outside it hears one polite refusal, then silence, and nothing is synthesized', async () => {
    const bot = new TestBot({ ALLOWED_CHAT_IDS: '-4242,4243' });
    await bot.say(5555, 'Hello?');
    const { final } = await bot.say(5555, 'Hello again?');
    assert.equal(final.reason, 'chat not allowed');
    const texts = bot.textsTo(5555);
    assert.equal(texts.length, 1);
    assert.match(texts[0]!, /private/);
    assert.equal(bot.synthesizer.requests.length, 0);
  });

  test('a chat on it is served', async () => {
    const bot = new TestBot({ ALLOWED_CHAT_IDS: '-4242,4243' });
    await bot.say(4243, 'Hello, may I hear this?');
    assert.equal(bot.voicesTo(4243).length, 1);
  });
});

describe('the per-chat rate limit', () => {
  test('a chat over its limit is told once, then ignored until the minute is over', async () => {
    const bot = new TestBot({ RATE_LIMIT_PER_MINUTE: '3' });
    const date = 1_800_000_000 - (1_800_000_000 % 60); // six messages dated inside one minute
    const reasons = [];
    for (let i = 0; i < 6; i++) reasons.push((await bot.say(7, '/help', { date: date + i })).final.reason);
    const texts = bot.textsTo(7);
    assert.equal(texts.length, 3 + 1, 'three answers, one warning');
    assert.match(texts.at(-1)!, /up to 3 a minute/);
    assert.deepEqual(reasons.slice(3), ['rate limited', 'rate limited', 'rate limited']);
    await bot.say(7, '/help', { date: date + 60 });
    assert.equal(bot.textsTo(7).length, 5, 'the next minute is served again');
  });

  test('is off at 0', async () => {
    const bot = new TestBot({ RATE_LIMIT_PER_MINUTE: '0' });
    for (let i = 0; i < 12; i++) await bot.say(8, '/help', { date: 1_800_000_000 });
    assert.equal(bot.textsTo(8).length, 12);
  });
});

describe('routing', () => {
  test('/start sends START_MESSAGE exactly as written, not as a reply', async () => {
    const startMessage = '  Hello!\n\n  Spaces and line breaks stay.  ';
    const bot = new TestBot({ START_MESSAGE: startMessage });
    await bot.say(10, '/start deep-link-payload');
    const [sent] = bot.telegram.sent('sendMessage', 10);
    assert.equal(sent?.params.text, startMessage);
    assert.equal(sent?.params.reply_parameters, undefined);
  });

  test('/help explains the commands', async () => {
    const bot = new TestBot();
    await bot.say(11, '/help');
    assert.match(bot.textsTo(11)[0]!, /\/voice[\s\S]*\/say/);
  });

  test('an unknown command in a private chat gets a hint, without a voice', async () => {
    const bot = new TestBot();
    const { final } = await bot.say(12, '/constructor');
    assert.match(bot.textsTo(12)[0]!, /don't know \/constructor/);
    assert.equal(final.reason, 'unknown command');
    assert.equal(bot.synthesizer.requests.length, 0);
  });

  test('a photo without a caption in a private chat is told that only text is read', async () => {
    const bot = new TestBot();
    const update = textMessage(13, 'x');
    delete (update.message as { text?: string }).text;
    Object.assign(update.message!, { photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }] });
    await bot.deliver(update);
    assert.match(bot.textsTo(13)[0]!, /only read text/);
  });

  test('a tap on a button the bot does not know stops the spinner and changes nothing', async () => {
    const bot = new TestBot();
    const { final } = await bot.deliver(buttonTap(14, 'something:else'));
    assert.equal(final.reason, 'unknown callback data');
    assert.deepEqual(bot.telegram.sent('answerCallbackQuery').map((c) => c.params.text), [undefined]);
  });
});

describe('groups', () => {
  test('plain text is ignored; /say, /say as a reply and /say@bot are read aloud', async () => {
    const bot = new TestBot();
    const group = -100;
    const { update } = await bot.say(group, 'Please read this one, it is important.', { chatType: 'supergroup' });
    assert.equal(bot.sentTo(group).length, 0);
    await bot.say(group, '/say', { chatType: 'supergroup', replyTo: update.message! });
    await bot.say(group, `/say@${bot.telegram.botUsername} Hello group, this is the bot speaking.`, { chatType: 'supergroup' });
    assert.equal(bot.voicesTo(group).length, 2);
    assert.deepEqual(bot.synthesizer.requests.map((r) => r.text), ['Please read this one, it is important.', 'Hello group, this is the bot speaking.']);
    await bot.say(group, '/say', { chatType: 'supergroup' });
    assert.match(bot.textsTo(group).at(-1)!, /reply \/say/);
  });

  test("other bots' commands and our unknown ones are neither counted against the limit nor answered", async () => {
    const bot = new TestBot();
    const group = -101;
    for (let i = 0; i < 12; i++) await bot.say(group, `/stats@some_other_bot ${i}`, { chatType: 'supergroup' });
    const { final } = await bot.say(group, '/unknown_to_us', { chatType: 'supergroup' });
    assert.equal(final.reason, 'unknown command in a group');
    assert.equal(bot.sentTo(group).length, 0);
    await bot.say(group, '/say Still allowed to speak here.', { chatType: 'supergroup' });
    assert.equal(bot.voicesTo(group).length, 1);
  });
});
