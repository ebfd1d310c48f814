/**
 * Inline mode over the in-memory ports: each keystroke is answered in the webhook's response with one
 * signed voice result, nothing asked of the world before it; the voice route checks the signature
 * before anything else, counts the user's rate limit once per chosen result, picks the user's own
 * voice, and serves the content-hash cache or one synthesis into it.
 */
import assert from 'node:assert/strict';
import type { InlineQueryResultVoice } from '@grammyjs/types';
import { describe, test } from 'node:test';
import { inlineQuery, TestBot } from '../support/bot.ts';

/** The bot's one answer to the last inline query, and its one result. */
function lastAnswer(bot: TestBot) {
  const answer = bot.telegram.calls.findLast((call) => call.method === 'answerInlineQuery');
  assert.ok(answer?.ok, 'answerInlineQuery was called');
  return { params: answer.params, results: answer.params.results as InlineQueryResultVoice[] };
}

async function typeAndPick(bot: TestBot, fromId: number, text: string): Promise<InlineQueryResultVoice> {
  await bot.deliver(inlineQuery(fromId, text));
  const { results } = lastAnswer(bot);
  assert.equal(results.length, 1);
  return results[0]!;
}

describe('inline queries', () => {
  test("each keystroke gets one personal voice result naming the language, in the webhook's response, and no synthesis", async () => {
    const bot = new TestBot();
    const text = 'Good morning, everyone in this group!';
    for (let end = 3; end <= text.length; end += 3) {
      const { final, answer, webhookReply } = await bot.deliver(inlineQuery(7001, text.slice(0, end)));
      assert.deepEqual([final.outcome, final.user_id, final.delivery], ['inline_answered', 7001, 'webhook_response']);
      assert.deepEqual([answer, webhookReply?.method], ['reply', 'answerInlineQuery']);
    }
    assert.equal(bot.synthesizer.requests.length, 0);
    assert.equal(bot.ledger.claims, 0, 'keystrokes are not counted as messages');
    const { params, results } = lastAnswer(bot);
    assert.equal(params.is_personal, true);
    assert.equal(results[0]!.type, 'voice');
    assert.match(results[0]!.title, /^🔊 Read aloud — (American )?English$/);
    assert.match(results[0]!.voice_url, /^https:\/\/api\.test\/live\/voice\?/);
  });

  test('a keystroke asks nothing of the world before it answers: no settings read, no claim, no Bot API call', async () => {
    const bot = new TestBot();
    await bot.say(7005, '/voice Matthew');
    bot.restart();
    const { portCalls } = await bot.deliver(inlineQuery(7005, 'Read this in my voice.'));
    assert.deepEqual(portCalls, []);
    assert.equal(lastAnswer(bot).results.length, 1);
  });

  test("the user's own /voice choice reads the chosen result when it speaks the text's language", async () => {
    const bot = new TestBot();
    await bot.say(7002, '/voice Matthew');
    const english = await typeAndPick(bot, 7002, 'Read this in my voice.');
    const russian = await typeAndPick(bot, 7002, 'А это прочитай по-русски, пожалуйста.');
    assert.match(russian.title, /— Russian/);
    assert.equal((await bot.fetchVoice(english.voice_url)).line.voice, 'Matthew');
    assert.equal((await bot.fetchVoice(russian.voice_url)).line.voice, 'Maxim');
    assert.deepEqual(bot.synthesizer.requests.map((r) => r.voice), ['Matthew', 'Maxim']);
  });

  test('nothing to read, too long, or a user outside the allowlist: no results', async () => {
    const bot = new TestBot({ ALLOWED_CHAT_IDS: '7003' });
    for (const [fromId, query, reason] of [
      [7003, ' \u200b ', 'empty query'],
      [7003, 'x'.repeat(257), 'too long'],
      [7004, 'hello', 'user not allowed'],
    ] as const) {
      const { final } = await bot.deliver(inlineQuery(fromId, query));
      assert.equal(final.reason, reason);
      assert.deepEqual(lastAnswer(bot).results, []);
    }
  });
});

describe('the voice route', () => {
  test('the chosen result is synthesized once, then served from the audio cache', async () => {
    const bot = new TestBot();
    const result = await typeAndPick(bot, 7010, 'Hello from inline mode.');
    const first = await bot.fetchVoice(result.voice_url);
    assert.equal(first.status, 200);
    assert.equal(first.audio?.subarray(0, 4).toString('latin1'), 'OggS');
    assert.equal(first.line.cache, 'miss');
    assert.equal(bot.synthesizer.requests.length, 1);
    assert.equal(bot.synthesizer.requests[0]!.text, 'Hello from inline mode.');
    const again = await bot.fetchVoice(result.voice_url);
    assert.deepEqual([again.status, again.line.cache], [200, 's3']);
    assert.equal(bot.synthesizer.requests.length, 1);
    assert.equal(bot.telegram.calls.filter((c) => c.method === 'sendChatAction').length, 0, 'no chat to show "recording" in');
  });

  test('a tampered, expired or unsigned URL gets 403 with no synthesis, no ledger entry and nothing stored', async () => {
    const bot = new TestBot();
    const url = new URL((await typeAndPick(bot, 7011, 'Only what was signed.')).voice_url);
    const tampered = (name: string, value: string | undefined) => {
      const copy = new URL(url);
      if (value === undefined) copy.searchParams.delete(name);
      else copy.searchParams.set(name, value);
      return copy.href;
    };
    const claims = bot.ledger.claims;
    for (const bad of [tampered('t', Buffer.from('Something longer, at our cost.').toString('base64url')), tampered('l', 'ru-RU'), tampered('u', '1'), tampered('s', undefined), tampered('s', 'A'.repeat(43)), 'https://api.test/live/voice']) {
      const { status, line } = await bot.fetchVoice(bad);
      assert.equal(status, 403, bad);
      assert.equal(line.outcome, 'refused');
    }
    bot.now += 2 * 3600 * 1000;
    const expired = await bot.fetchVoice(url.href);
    assert.deepEqual([expired.status, expired.line.reason], [403, 'expired']);
    assert.equal(bot.synthesizer.requests.length, 0);
    assert.equal(bot.ledger.claims, claims);
    assert.equal(bot.audioStore.objects.size, 0);
  });

  test('only the signature exactly as signed is accepted, not another spelling that decodes to the same bytes', async () => {
    const bot = new TestBot();
    const url = new URL((await typeAndPick(bot, 7015, 'One URL per voice.')).voice_url);
    const signature = url.searchParams.get('s')!;
    // 32 bytes are 43 base64url characters whose last carries 2 spare bits: flipping them decodes alike.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1)!);
    const spareBitsFlipped = signature.slice(0, -1) + alphabet[last ^ 1];
    assert.deepEqual(Buffer.from(spareBitsFlipped, 'base64url'), Buffer.from(signature, 'base64url'), 'the test spells the same bytes');
    for (const respelled of [`${signature}.`, `${signature}=`, `${signature}==`, ` ${signature}`, spareBitsFlipped]) {
      const copy = new URL(url);
      copy.searchParams.set('s', respelled);
      const { status, line } = await bot.fetchVoice(copy.href);
      assert.deepEqual([status, line.reason], [403, 'bad signature'], JSON.stringify(respelled));
    }
    assert.equal(bot.synthesizer.requests.length, 0);
    assert.equal((await bot.fetchVoice(url.href)).status, 200, 'the URL as signed still works');
  });

  test("chosen results count towards the user's per-minute limit, once each however often Telegram fetches", async () => {
    const bot = new TestBot({ RATE_LIMIT_PER_MINUTE: '2' });
    const urls = [];
    for (const text of ['One.', 'Two.', 'Three.']) urls.push((await typeAndPick(bot, 7012, text)).voice_url);
    assert.equal((await bot.fetchVoice(urls[0]!)).status, 200);
    assert.equal((await bot.fetchVoice(urls[0]!)).status, 200, 'a fetch again is not another message');
    assert.equal((await bot.fetchVoice(urls[1]!)).status, 200);
    const third = await bot.fetchVoice(urls[2]!);
    assert.deepEqual([third.status, third.line.reason], [429, 'rate limited']);
    assert.equal(bot.synthesizer.requests.length, 2);
  });

  test("a chosen result the day's character budget cannot pay for gets 429 and no synthesis; a cached one is still served", async () => {
    const bot = new TestBot({ DAILY_CHARACTER_BUDGET: '30' });
    const cheap = await typeAndPick(bot, 7014, 'Short and sweet.');
    assert.equal((await bot.fetchVoice(cheap.voice_url)).status, 200);
    const dear = await typeAndPick(bot, 7014, 'This one is longer than what is left today.');
    const refused = await bot.fetchVoice(dear.voice_url);
    assert.deepEqual([refused.status, refused.line.reason], [429, 'over the daily character budget']);
    assert.equal(bot.synthesizer.requests.length, 1, 'the refused text never reached Polly');
    assert.equal((await bot.fetchVoice(cheap.voice_url)).status, 200, 'the cached voice costs nothing');
  });

  test('a failed synthesis answers 500 and logs the error, without an apology to any chat', async () => {
    const bot = new TestBot();
    const result = await typeAndPick(bot, 7013, 'This one will fail.');
    bot.synthesizer.faults.add('synthesize', () => new Error('Polly is down'));
    const { status, line } = await bot.fetchVoice(result.voice_url);
    assert.deepEqual([status, line.outcome, line.level], [500, 'failed', 'ERROR']);
    assert.match(JSON.stringify(line.error), /Polly is down/, 'the one line says why');
    assert.equal(bot.telegram.calls.filter((c) => c.method === 'sendMessage').length, 0);
  });
});
