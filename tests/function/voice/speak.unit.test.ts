/** The voice pipeline over in-memory ports: text → voice choice → synthesis → store → delivery. */
import assert from 'node:assert/strict';
import type { Message } from '@grammyjs/types';
import { describe, test } from 'node:test';
import { oggDurationFromTail } from '../../../function/src/speech/ogg.ts';
import { TelegramError } from '../../../function/src/telegram/errors.ts';
import { TestBot } from '../support/bot.ts';

describe('voices and languages', () => {
  test('a Russian text is read by a Russian standard voice and an English text by an English neural voice', async () => {
    const bot = new TestBot();
    await bot.say(1, 'Добрый вечер! Сегодня отличная погода для прогулки по парку.');
    await bot.say(1, 'Good evening! The weather today is perfect for a walk in the park.');
    const [russian, english] = bot.synthesizer.requests;
    assert.deepEqual([russian?.voice, russian?.engine], ['Maxim', 'standard']);
    assert.ok(english && english.voice !== 'Maxim', `English read by ${english?.voice}`);
    assert.equal(english?.engine, 'neural');
    assert.equal(bot.voicesTo(1).length, 2);
  });

  test('the voice arrives as a reply, by a temporary URL, with the duration of the stored audio', async () => {
    const bot = new TestBot();
    const { update, final } = await bot.say(2, 'A short sentence to hear.');
    const [voice] = bot.voicesTo(2);
    assert.match(String(voice?.params.voice), /^memory:\/\/audio\//);
    assert.deepEqual(voice?.params.reply_parameters, { message_id: update.message!.message_id, allow_sending_without_reply: true });
    const seconds = oggDurationFromTail(voice!.audio!)!;
    assert.equal(voice?.params.duration, Math.max(1, Math.round(seconds)));
    assert.equal(final.delivery, 'url');
  });

  test("a text over Polly's 3,000 characters is synthesized in parts and arrives as one voice", async () => {
    const bot = new TestBot();
    await bot.say(3, 'The quick brown fox jumps over the lazy dog near the river bank. '.repeat(60).trim());
    assert.equal(bot.synthesizer.requests.length, 2);
    assert.ok(bot.synthesizer.requests.every((r) => r.text.length <= 3000));
    assert.equal(bot.voicesTo(3).length, 1);
  });

  test('a voice over 1 MB is uploaded as a file part instead of sent by URL', async () => {
    const bot = new TestBot();
    const stored = Buffer.alloc(1_100_000);
    // The cache holds a big voice for this text already: a real Ogg Opus file, padded at the front.
    await bot.say(4, 'Make me once.');
    const [key] = bot.audioStore.objects.keys();
    bot.audioStore.objects.set(key!, Buffer.concat([stored, bot.audioStore.objects.get(key!)!]));
    bot.restart();
    const { final } = await bot.say(40, 'Make me once.');
    assert.equal(final.delivery, 'upload');
    assert.equal(bot.voicesTo(40)[0]?.audio?.length, bot.audioStore.objects.get(key!)!.length);
  });
});

describe('what is not read aloud', () => {
  test('whitespace and invisible characters get a hint instead of a voice', async () => {
    const bot = new TestBot();
    await bot.say(5, ' \u200b\u2060 ');
    assert.match(bot.textsTo(5)[0]!, /nothing to read aloud/);
    assert.equal(bot.synthesizer.requests.length, 0);
  });

  test('a text over MAX_TEXT_LENGTH gets a refusal instead of a voice', async () => {
    const bot = new TestBot({ MAX_TEXT_LENGTH: '100' });
    await bot.say(-6, `/say ${'word '.repeat(30)}`, { chatType: 'group' });
    const texts = bot.textsTo(-6);
    assert.equal(texts.length, 1);
    assert.match(texts[0]!, /at most 100 characters/);
    assert.equal(bot.synthesizer.requests.length, 0);
  });
});

describe('the audio cache', () => {
  test('a repeated phrase is served without synthesis: by file_id while warm, from the store after a cold start', async () => {
    const bot = new TestBot();
    const phrase = 'A phrase worth repeating, exactly as written here.';
    await bot.say(7, phrase);
    assert.equal(bot.synthesizer.requests.length, 1);
    const warm = await bot.say(8, phrase);
    bot.restart();
    const cold = await bot.say(9, phrase);
    assert.equal(bot.synthesizer.requests.length, 1, 'made once');
    assert.deepEqual([warm.final.delivery, warm.final.cache], ['file_id', 'telegram']);
    assert.deepEqual([cold.final.delivery, cold.final.cache], ['url', 's3']);
    const durations = [7, 8, 9].map((chat) => bot.voicesTo(chat));
    assert.ok(durations.every((voices) => voices.length === 1));
    assert.equal(bot.voicesTo(9)[0]!.params.duration, bot.voicesTo(7)[0]!.params.duration, 'the cached voice keeps its duration');
  });

  test('the same text in another voice is another file', async () => {
    const bot = new TestBot();
    await bot.say(10, 'Hello there, how are you today?');
    await bot.say(11, '/voice Amy');
    await bot.say(11, 'Hello there, how are you today?');
    assert.equal(bot.synthesizer.requests.length, 2);
    assert.equal(bot.audioStore.objects.size, 2);
  });

  test('a file_id Telegram no longer knows is forgotten, and the stored copy is sent instead', async () => {
    const bot = new TestBot();
    const phrase = 'Remember me by my file id.';
    await bot.say(12, phrase);
    const stale = (bot.voicesTo(12)[0]!.result as Message).voice!.file_id;
    bot.telegram.forgetFileIds();
    // The stale file_id is refused; then the ordinary delivery fails too, so no new file_id replaces it.
    bot.telegram.faults.add('sendVoice', () => new TelegramError('sendVoice', 500, 'Internal Server Error'), { after: 1 });
    assert.equal((await bot.say(13, phrase)).final.outcome, 'failed');
    const { final } = await bot.say(14, phrase);
    assert.equal(final.delivery, 'url');
    const fileIdAttempts = bot.telegram.calls.filter((c) => c.method === 'sendVoice' && c.params.voice === stale);
    assert.equal(fileIdAttempts.length, 1, 'the refused file_id is not tried again');
    assert.equal((await bot.say(15, phrase)).final.delivery, 'file_id', 'the new file_id is remembered');
    assert.equal(bot.synthesizer.requests.length, 1);
  });

  test('a phrase Telegram already holds reaches a user who refuses voices as a file, not an apology', async () => {
    const bot = new TestBot();
    await bot.say(15, 'Known to Telegram already.');
    bot.telegram.forbidsVoices.add(16);
    const { final } = await bot.say(16, 'Known to Telegram already.');
    assert.equal(final.delivery, 'document');
    assert.equal(bot.telegram.sent('sendDocument', 16).length, 1);
    assert.equal(bot.textsTo(16).length, 0);
  });
});
