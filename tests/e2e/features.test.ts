/**
 * The features that need the real stores, end to end through the built bundle: a chat's voice
 * and speed choices and the audio cache surviving a cold start (S3), and exactly once across concurrent
 * deliveries (S3 conditional writes). The bot logic behind them, and the features that need no
 * real store (languages, /voice by name, groups, other bots' commands, the allowlist, the rate
 * limit, MAX_TEXT_LENGTH), are tested fast over in-memory ports in tests/function/.
 */
import assert from 'node:assert/strict';
import type { InlineKeyboardMarkup, Update } from '@grammyjs/types';
import { after, before, describe, test } from 'node:test';
import { chatIds, type Stack, startStack } from './stack.ts';

let stack: Stack;
const newChat = chatIds(9000);

before(async () => {
  stack = await startStack();
});
after(() => stack.close());

const pollyCallsDuring = async (work: () => Promise<unknown>) => {
  const before = stack.polly.requests.length;
  await work();
  return stack.polly.requests.slice(before);
};

/** The update Telegram sends when a user taps an inline keyboard button. */
function buttonTap(chatId: number, messageId: number, data: string, updateId: number): Update {
  const message = stack.telegram.sent.find((m) => m.chat_id === chatId && m.message_id === messageId)!.message;
  return {
    update_id: updateId,
    callback_query: { id: `cb${updateId}`, from: { id: chatId, is_bot: false, first_name: 'Tester' }, chat_instance: `ci${chatId}`, message, data },
  } as Update;
}

describe('chat settings', () => {
  test('the /voice keyboard choice is kept per chat and survives a cold start', async () => {
    const chatId = newChat();
    await stack.say(chatId, '/voice');
    const menu = stack.sentTo(chatId).at(-1)!;
    const keyboard = (menu.message.reply_markup as InlineKeyboardMarkup).inline_keyboard.flat();
    const matthew = keyboard.find((b) => 'callback_data' in b && b.callback_data === 'voice:Matthew');
    assert.ok(matthew, `the English menu offers Matthew: ${keyboard.map((b) => b.text).join(', ')}`);

    const statuses = await stack.telegram.deliverUpdate(buttonTap(chatId, menu.message_id, 'voice:Matthew', 77_000_001));
    assert.deepEqual(statuses.map((d) => d.status), [200]);
    const answer = stack.telegram.calls.findLast((c) => c.method === 'answerCallbackQuery');
    assert.equal(answer?.params.callback_query_id, 'cb77000001');
    assert.match(String(answer?.params.text), /Matthew/);

    await stack.restart();
    const [request] = await pollyCallsDuring(() => stack.say(chatId, 'Read this in the voice I picked from the menu, please.'));
    assert.equal(request?.VoiceId, 'Matthew');
    const [russian] = await pollyCallsDuring(() => stack.say(chatId, 'А этот текст прочитай по-русски, пожалуйста.'));
    assert.equal(russian?.VoiceId, 'Maxim', 'the English choice does not read Russian');
  });
});

describe('reading speed', () => {
  test('a /speed tap is kept per chat across a cold start; its texts go to Polly as SSML with the text escaped, and sound shorter', async () => {
    const [fast, normal] = [newChat(), newChat()];
    await stack.say(fast, '/speed');
    const menu = stack.sentTo(fast).at(-1)!;
    const keyboard = (menu.message.reply_markup as InlineKeyboardMarkup).inline_keyboard.flat();
    assert.ok(keyboard.some((b) => b.text === '✓ Normal'), keyboard.map((b) => b.text).join(', '));
    const statuses = await stack.telegram.deliverUpdate(buttonTap(fast, menu.message_id, 'speed:150', 77_000_101));
    assert.deepEqual(statuses.map((d) => d.status), [200]);

    await stack.restart();
    // Markup a careless bot would pass on: a closing tag, a slow-down of its own, an ampersand, quotes.
    const text = 'Tom & Jerry said "<b>hi</b>" and then </prosody></speak><speak><prosody rate="20%">slowly, and went home. '.repeat(3).trim();
    const [request] = await pollyCallsDuring(() => stack.say(fast, text));
    assert.equal(request?.TextType, 'ssml');
    assert.ok(request?.Text.startsWith('<speak><prosody rate="150%">Tom &amp; Jerry said &quot;&lt;b&gt;hi&lt;/b&gt;&quot;'), request?.Text);
    assert.equal(request?.Text.match(/<prosody/g)?.length, 1, 'the text made no tag of its own');
    const [plain] = await pollyCallsDuring(() => stack.say(normal, text));
    assert.deepEqual([plain?.TextType, plain?.Text], ['text', text], 'normal speed sends plain text as before');

    const seconds = (chatId: number) => stack.voicesTo(chatId).at(-1)!.message.voice!.duration;
    assert.ok(seconds(fast) < seconds(normal) * 0.8, `150 %: ${seconds(fast)} s, normal: ${seconds(normal)} s`);
    const line = stack.logs.findLast((l) => l.chat_id === fast && l.message === 'update handled');
    assert.deepEqual([line?.speed, line?.PollyCharacters], [150, [...text].length], 'billed: the text, not the tags');
  });
});

describe('the audio cache', () => {
  test('a repeated phrase is served without Polly, warm or after a cold start', async () => {
    const [a, b, c] = [newChat(), newChat(), newChat()];
    const phrase = 'A phrase worth repeating, exactly as written here.';
    assert.equal((await pollyCallsDuring(() => stack.say(a, phrase))).length, 1);
    assert.equal((await pollyCallsDuring(() => stack.say(b, phrase))).length, 0, 'warm: Telegram file_id or S3');
    await stack.restart();
    assert.equal((await pollyCallsDuring(() => stack.say(c, phrase))).length, 0, 'cold: from S3');
    for (const chatId of [a, b, c]) assert.equal(stack.voicesTo(chatId).length, 1);
    const viaFileId = stack.voicesTo(b)[0]!.via;
    assert.equal(viaFileId, 'file_id');
    assert.equal(stack.voicesTo(c)[0]!.message.voice!.duration, stack.voicesTo(a)[0]!.message.voice!.duration, 'the cached voice keeps its duration');
  });
});

describe('exactly one voice per update', () => {
  test('two concurrent deliveries of one update make one Polly call and one voice', async () => {
    const chatId = newChat();
    await stack.say(chatId, '/help'); // the chat now exists for the emulator
    const update = {
      update_id: 88_000_001,
      message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: 'T' }, from: { id: chatId, is_bot: false, first_name: 'T' }, text: 'Delivered twice at the same moment.' },
    } as Update;
    let answers: number[] = [];
    const requests = await pollyCallsDuring(async () => (answers = (await Promise.all([stack.post(update), stack.post(update)])).map((r) => r.statusCode)));
    assert.equal(requests.length, 1);
    assert.equal(stack.voicesTo(chatId).length, 1);
    const results = stack.logs.filter((l) => l.update_id === update.update_id && l.message === 'update handled').map((l) => String(l.reason ?? l.outcome));
    assert.deepEqual(results.sort().map((r) => r.replace(/ until .*/, '')), ['lease live: attempt 1 in progress', 'voice_sent']);
    // The loser asks Telegram to come back (503): had the winner died, the redelivery would take over.
    assert.deepEqual(answers.sort(), [200, 503]);
    assert.equal((await stack.post(update)).statusCode, 200, 'a redelivery after the voice is answered 200, silently');
    assert.equal(stack.voicesTo(chatId).length, 1);
  });
});
