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

describe('voices and languages', () => {
  test('a Russian text is read by a Russian voice and an English text by an English neural voice', async () => {
    const chatId = newChat();
    const [russian] = await pollyCallsDuring(() => stack.say(chatId, 'Добрый вечер! Сегодня отличная погода для прогулки по парку.'));
    const [english] = await pollyCallsDuring(() => stack.say(chatId, 'Good evening! The weather today is perfect for a walk in the park.'));
    assert.equal(russian?.VoiceId, 'Maxim');
    assert.equal(russian?.Engine, 'standard');
    assert.ok(english && english.VoiceId !== 'Maxim', `English read by ${english?.VoiceId}`);
    assert.equal(english?.Engine, 'neural');
    assert.equal(stack.voicesTo(chatId).length, 2);
  });

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

  test('/voice with a name sets it directly, and an unknown name gets a helpful answer', async () => {
    const chatId = newChat();
    await stack.say(chatId, '/voice Amy');
    assert.match(stack.sentTo(chatId).at(-1)!.text ?? '', /Amy/);
    const [request] = await pollyCallsDuring(() => stack.say(chatId, 'Lovely weather for a cup of tea in the garden, isn\'t it?'));
    assert.equal(request?.VoiceId, 'Amy');
    await stack.say(chatId, '/voice Gandalf');
    assert.match(stack.sentTo(chatId).at(-1)!.text ?? '', /don't know a voice called “Gandalf”.*Try one of/);
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
    const requests = await pollyCallsDuring(() => Promise.all([stack.post(update), stack.post(update)]));
    assert.equal(requests.length, 1);
    assert.equal(stack.voicesTo(chatId).length, 1);
    const results = stack.logs.filter((l) => l.update_id === update.update_id && l.message === 'update handled').map((l) => l.reason ?? l.outcome);
    assert.deepEqual(results.sort(), ['duplicate delivery', 'voice_sent']);
  });
});

describe('groups', () => {
  test('plain text is ignored, /say and /say as a reply are read aloud', async () => {
    const group = -newChat();
    await stack.say(group, 'Just chatting with friends here.', { chatType: 'supergroup' });
    assert.equal(stack.sentTo(group).length, 0);
    const { update } = await stack.say(group, 'Please read this one, it is important.', { chatType: 'supergroup' });
    await stack.say(group, '/say', { chatType: 'supergroup', replyTo: update.message!.message_id });
    await stack.say(group, '/say@voicebot_demo_bot Hello group, this is the bot speaking.', { chatType: 'supergroup' });
    assert.equal(stack.voicesTo(group).length, 2);
    await stack.say(group, '/say', { chatType: 'supergroup' });
    assert.match(stack.sentTo(group).at(-1)!.text ?? '', /reply \/say/);
  });
});

describe("other bots' commands in a group", () => {
  test('are neither counted against the rate limit nor answered', async () => {
    const group = -newChat();
    for (let i = 0; i < 12; i++) await stack.say(group, `/stats@some_other_bot ${i}`, { chatType: 'supergroup' });
    await stack.say(group, '/unknown_to_us', { chatType: 'supergroup' });
    assert.equal(stack.sentTo(group).length, 0);
    await stack.say(group, '/say Still allowed to speak here.', { chatType: 'supergroup' });
    assert.equal(stack.voicesTo(group).length, 1);
  });
});

describe('limits', () => {
  let limited: Stack;
  const allowed = [-4242, 4243];
  before(async () => {
    limited = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '3', ALLOWED_CHAT_IDS: allowed.join(','), MAX_TEXT_LENGTH: '100' } });
  });
  after(() => limited.close());

  test('a chat outside the allowlist hears one polite refusal, then silence', async () => {
    await limited.say(5555, 'Hello?');
    await limited.say(5555, 'Hello again?');
    const sent = limited.sentTo(5555);
    assert.equal(sent.length, 1);
    assert.match(sent[0]!.text ?? '', /private/);
    assert.equal(limited.polly.requests.length, 0);
  });

  test('a chat over its per-minute limit is told once, then ignored until the minute is over', async () => {
    const chatId = allowed[1]!;
    await limited.say(chatId, '/help'); // the chat now exists for the emulator
    // Updates dated inside one minute, so the test cannot straddle a minute boundary.
    const date = Math.floor(Date.now() / 60_000) * 60 - 600;
    for (let i = 1; i <= 6; i++) {
      const update = { update_id: 99_000_000 + i, message: { message_id: 1, date, chat: { id: chatId, type: 'private', first_name: 'T' }, from: { id: chatId, is_bot: false, first_name: 'T' }, text: '/help' } } as Update;
      assert.equal((await limited.post(update)).statusCode, 200);
    }
    const texts = limited.sentTo(chatId).map((m) => m.text ?? '');
    assert.equal(texts.length, 1 + 3 + 1, 'the first /help, three answers, one warning');
    assert.match(texts.at(-1)!, /up to 3 a minute/);
  });

  test('a text over MAX_TEXT_LENGTH gets a refusal instead of a voice', async () => {
    const chatId = allowed[0]!;
    await limited.say(chatId, `/say ${'word '.repeat(30)}`, { chatType: 'group' });
    const sent = limited.sentTo(chatId);
    assert.equal(sent.length, 1);
    assert.match(sent[0]!.text ?? '', /at most 100 characters/);
  });
});
