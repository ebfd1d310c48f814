/**
 * Inline mode end to end, through the built bundle and the local API Gateway: typing `@bot text`
 * costs no synthesis; choosing the result makes the emulator fetch the signed voice URL from the GET
 * route like Telegram, and the voice appears "via @bot"; a tampered, expired or unsigned URL gets 403
 * with no Polly call and no S3 write.
 */
import assert from 'node:assert/strict';
import type { InlineQueryResultVoice } from '@grammyjs/types';
import { after, before, describe, test } from 'node:test';
import { emfProblems } from '../function/support/emf.ts';
import { chatIds, inlineUpdate, type Stack, startStack } from './stack.ts';

let stack: Stack;
const newUser = chatIds(14_000);

before(async () => {
  stack = await startStack();
});
after(() => stack.close());

/** Types `text` one keystroke at a time, as Telegram sends it; the last answer's one result. */
async function typeOut(fromId: number, text: string, step = 5) {
  let last: { queryId: string; result: InlineQueryResultVoice } | undefined;
  for (let end = step; end < text.length + step; end += step) {
    const { update, deliveries, results } = await stack.telegram.typeInline({ fromId, query: text.slice(0, end) });
    assert.deepEqual(deliveries.map((d) => d.status), [200]);
    assert.equal(results?.length, 1, `one result for ${JSON.stringify(text.slice(0, end))}`);
    last = { queryId: update.inline_query!.id, result: results![0] as unknown as InlineQueryResultVoice };
  }
  return last!;
}

const objectCount = async () => (await stack.audioObjects()).length;

describe('inline mode', () => {
  test('keystrokes cost no synthesis; the chosen result is one voice via the bot, from the cache the second time', async () => {
    const user = newUser();
    const text = 'Hello everyone, this is read aloud in any chat.';
    const polly = stack.polly.requests.length;
    const { queryId, result } = await typeOut(user, text);
    assert.equal(stack.polly.requests.length, polly, 'no Polly call per keystroke');
    assert.equal(result.type, 'voice');
    assert.match(result.title, /^🔊 Read aloud — (American )?English$/, 'the language');
    assert.match(result.voice_url, /\/local\/voice\?/);

    const groupChat = -1_000_014;
    const { message, deliveries } = await stack.telegram.chooseInline({ chatId: groupChat, queryId, resultId: result.id });
    assert.equal(stack.polly.requests.length, polly + 1, 'one synthesis when chosen');
    assert.equal(message.via_bot?.username, 'voicebot_demo_bot');
    assert.ok(message.voice && message.voice.duration >= 1, 'a playable voice');
    assert.deepEqual(deliveries.map((d) => d.status), [200]);

    // Telegram fetching the same URL again, and another user choosing the same text: the cache.
    const again = await fetch(result.voice_url);
    assert.equal(again.status, 200);
    assert.equal(again.headers.get('content-type'), 'audio/ogg');
    assert.equal(Buffer.from(await again.arrayBuffer()).subarray(0, 4).toString('latin1'), 'OggS');
    const other = await typeOut(newUser(), text, text.length);
    await stack.telegram.chooseInline({ chatId: groupChat, queryId: other.queryId, resultId: other.result.id });
    assert.equal(stack.polly.requests.length, polly + 1, 'the second choice comes from the audio cache');

    const served = stack.logs.filter((line) => line.message === 'voice link handled');
    assert.ok(served.some((line) => line.outcome === 'voice_served' && line.cache === 'miss'));
    assert.ok(served.some((line) => line.outcome === 'voice_served' && line.cache === 's3'));
    // Metered like a chat's voice: valid EMF, the characters the local Polly received, then a cache hit.
    const made = served.find((line) => line.cache === 'miss')!;
    const cached = served.find((line) => line.cache === 's3')!;
    for (const line of [made, cached]) assert.deepEqual(emfProblems(line), []);
    const billed = [...stack.polly.requests[polly]!.Text].length;
    assert.deepEqual([made.Updates, made.Voices, made.CacheHits, made.PollyRequests, made.PollyCharacters, made.Engine], [1, 1, 0, 1, billed, 'neural']);
    assert.deepEqual([cached.Voices, cached.CacheHits, cached.PollyRequests, cached.PollyCharacters], [1, 1, 0, 0]);
    assert.ok(!stack.rawLogs().includes(text), 'the text never reaches the logs');
    // The voice posted via the bot in the bot's own chat is not a message for the bot.
    const echo = await stack.telegram.chooseInline({ chatId: user, queryId: other.queryId, resultId: other.result.id });
    assert.deepEqual(echo.deliveries.map((d) => d.status), [200]);
    assert.equal(stack.sentTo(user).length, 0, 'the bot does not answer its own inline voice');
  });

  test("the user's /voice choice reads their inline texts", async () => {
    const user = newUser();
    await stack.say(user, '/voice Matthew');
    const { queryId, result } = await typeOut(user, 'Which voice reads this one?', 100);
    const polly = stack.polly.requests.length;
    await stack.telegram.chooseInline({ chatId: -1_000_015, queryId, resultId: result.id });
    assert.deepEqual(stack.polly.requests.slice(polly).map((r) => r.VoiceId), ['Matthew']);
  });

  test("a cold keystroke is answered in the webhook's response, with no request to S3, Polly or the Bot API", async () => {
    const user = newUser();
    await stack.say(user, '/voice Matthew'); // a choice the keystroke does not need to read
    await stack.restart();
    const before = stack.requestCounts();
    const result = await stack.post(inlineUpdate(user, 'Nothing read, nothing called.'));
    assert.deepEqual(stack.requestCounts(), before);
    assert.equal(result.statusCode, 200);
    const answer = JSON.parse(result.body) as { method: string; results: InlineQueryResultVoice[] };
    assert.equal(answer.method, 'answerInlineQuery');
    assert.equal(answer.results.length, 1);
    assert.match(answer.results[0]!.title, /^🔊 Read aloud — (American )?English$/);
  });

  test('a tampered, expired or unsigned URL gets 403 with no Polly call and no S3 write', async () => {
    const { result } = await typeOut(newUser(), 'Only what was signed is read.', 100);
    const url = new URL(result.voice_url);
    const variants: Record<string, (p: URLSearchParams) => void> = {
      'other text': (p) => p.set('t', Buffer.from('Something else, at our expense.').toString('base64url')),
      'other language': (p) => p.set('l', 'ru-RU'),
      'later expiry': (p) => p.set('x', String(Number(p.get('x')) + 3600)),
      'expired and re-signed by a guess': (p) => p.set('x', '1'),
      'no signature': (p) => p.delete('s'),
      'no parameters': (p) => [...p.keys()].forEach((k) => p.delete(k)),
    };
    const polly = stack.polly.requests.length;
    const objects = await objectCount();
    for (const [name, change] of Object.entries(variants)) {
      const params = new URLSearchParams(url.search);
      change(params);
      const response = await fetch(`${url.origin}${url.pathname}?${params}`);
      assert.equal(response.status, 403, name);
    }
    assert.equal(stack.polly.requests.length, polly);
    assert.equal(await objectCount(), objects);
    assert.ok(stack.logs.some((line) => line.message === 'voice link refused' && line.reason === 'bad signature'));
  });

  test('an empty query gets no results, and the webhook path still takes POST only', async () => {
    const { results } = await stack.telegram.typeInline({ fromId: newUser(), query: '   ' });
    assert.deepEqual(results, []);
    const get = await stack.post('', { method: 'GET' });
    assert.equal(get.statusCode, 405);
  });
});
