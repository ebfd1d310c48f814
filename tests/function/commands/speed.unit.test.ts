import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InlineKeyboardButton, InlineQueryResultVoice } from '@grammyjs/types';
import { buttonTap, inlineQuery, TestBot } from '../support/bot.ts';

/** The buttons of the last menu the bot sent to a chat. */
function menuButtons(bot: TestBot, chatId: number): InlineKeyboardButton.CallbackButton[] {
  const menu = bot.telegram.sent('sendMessage', chatId).at(-1)!;
  return (menu.params.reply_markup as { inline_keyboard: InlineKeyboardButton.CallbackButton[][] }).inline_keyboard.flat();
}

const HOSTILE = 'Read <this> & "that", then </prosody></speak> it\'s done.';

describe('/speed', () => {
  test('shows the steps as buttons, Normal ticked while nothing is chosen', async () => {
    const bot = new TestBot();
    await bot.say(1, '/speed');
    assert.match(bot.textsTo(1)[0]!, /Choose how fast I read\. Now: normal/);
    assert.deepEqual(
      menuButtons(bot, 1).map((b) => [b.text, b.callback_data]),
      [['75 %', 'speed:75'], ['90 %', 'speed:90'], ['✓ Normal', 'speed:100'], ['115 %', 'speed:115'], ['130 %', 'speed:130'], ['150 %', 'speed:150']],
    );
  });

  test('a tap stores the speed, confirms it in the toast, moves the tick, and the next text is read at it', async () => {
    const bot = new TestBot();
    await bot.deliver(buttonTap(2, 'speed:130'));
    const answer = bot.telegram.sent('answerCallbackQuery').at(-1)!;
    assert.match(String(answer.params.text), /130 % of normal speed/);
    const edit = bot.telegram.calls.findLast((c) => c.method === 'editMessageText')!;
    assert.match(String(edit.params.text), /Now: 130 %/, 'the menu says the new speed');
    const ticked = (edit.params.reply_markup as { inline_keyboard: InlineKeyboardButton.CallbackButton[][] }).inline_keyboard.flat().filter((b) => b.text.startsWith('✓'));
    assert.deepEqual(ticked.map((b) => b.text), ['✓ 130 %']);
    assert.deepEqual(await bot.settings.get(2), { speed: 130 });

    bot.restart();
    const { final } = await bot.say(2, 'Read this a little faster, please.');
    assert.equal(bot.synthesizer.requests.at(-1)?.speed, 130);
    assert.equal(final.speed, 130, 'the speed is on the log line');
  });

  test('/speed 150 sets any speed from 50 to 200; out of range, or not a number, changes nothing', async () => {
    const bot = new TestBot();
    await bot.say(3, '/speed 150');
    assert.match(bot.textsTo(3).at(-1)!, /150 % of normal speed/);
    for (const wrong of ['49', '201', '0', '-100', 'fast', '1.5', '150%%']) {
      await bot.say(3, `/speed ${wrong}`);
      assert.match(bot.textsTo(3).at(-1)!, /^A speed is a percentage from 50 to 200.*Nothing changed\.$/, wrong);
    }
    assert.deepEqual(await bot.settings.get(3), { speed: 150 });
    await bot.say(3, '/speed 50%');
    assert.deepEqual(await bot.settings.get(3), { speed: 50 });
    await bot.say(3, '/speed normal');
    assert.match(bot.textsTo(3).at(-1)!, /normal speed again/);
    assert.deepEqual(await bot.settings.get(3), {}, 'normal is stored as no choice');
  });

  test('is kept with the voice: /voice and /speed each change only their own setting', async () => {
    const bot = new TestBot();
    await bot.say(4, '/voice Amy');
    await bot.say(4, '/speed 75');
    assert.deepEqual(await bot.settings.get(4), { voice: 'Amy', speed: 75 });
    await bot.say(4, '/voice auto');
    assert.deepEqual(await bot.settings.get(4), { speed: 75 });
    await bot.say(4, '/speed');
    assert.ok(menuButtons(bot, 4).some((b) => b.text === '✓ 75 %'));
  });

  test('at normal speed the text goes to Polly as before, and the same text at another speed is another file', async () => {
    const bot = new TestBot();
    const text = 'The same words at two speeds.';
    await bot.say(5, text);
    await bot.say(6, '/speed 150');
    await bot.say(6, text);
    await bot.say(7, '/speed 150');
    await bot.say(7, text); // same text, same speed: from the store, no synthesis
    assert.deepEqual(bot.synthesizer.requests.map((r) => r.speed), [undefined, 150]);
    assert.equal(bot.audioStore.objects.size, 2);
    assert.equal(bot.voicesTo(7).length, 1);
  });

  test("the day's budget and Polly's meter count the text's characters, not the SSML around it", async () => {
    const bot = new TestBot({ DAILY_CHARACTER_BUDGET: '1000' });
    await bot.say(8, '/speed 130');
    const { final } = await bot.say(8, HOSTILE);
    assert.equal(bot.synthesizer.requests.at(-1)?.text, HOSTILE, 'the port gets the text; only the Polly adapter wraps it');
    assert.equal(final.budget_used, [...HOSTILE].length);
    assert.equal(final.PollyCharacters, [...HOSTILE].length);
  });

  test('a text full of quotes at a speed is split so each request fits 6,000 characters with its SSML, though it bills under 3,000', async () => {
    const bot = new TestBot();
    await bot.say(9, '/speed 90');
    const text = '"Yes," "no." '.repeat(190).trim(); // 2,469 characters, 6,269 escaped
    await bot.say(9, text);
    const requests = bot.synthesizer.requests.filter((r) => r.speed === 90);
    assert.ok(requests.length >= 2, `${requests.length} requests`);
    assert.equal(requests.map((r) => r.text).join(' '), text);
    assert.equal(bot.voicesTo(9).length, 1);
  });

  test("inline results read at the speed of the user's private chat, looked up when the result is chosen", async () => {
    const bot = new TestBot();
    await bot.say(10, '/speed 115');
    const { portCalls } = await bot.deliver(inlineQuery(10, 'Inline, a bit faster.'));
    assert.deepEqual(portCalls, [], 'the keystroke reads no settings');
    const answer = bot.telegram.calls.findLast((c) => c.method === 'answerInlineQuery')!;
    const [result] = answer.params.results as InlineQueryResultVoice[];
    const fetched = await bot.fetchVoice(result!.voice_url);
    assert.equal(fetched.status, 200);
    assert.deepEqual([bot.synthesizer.requests.at(-1)?.speed, fetched.line.speed], [115, 115]);
    assert.equal(new URL(result!.voice_url).searchParams.has('r'), false, 'no speed in the link to tamper with');
  });

  test('an unknown speed button only stops the spinner', async () => {
    const bot = new TestBot();
    const { final } = await bot.deliver(buttonTap(12, 'speed:999'));
    assert.equal(final.outcome, 'ignored');
    assert.deepEqual(await bot.settings.get(12), {});
    assert.equal(bot.telegram.sent('answerCallbackQuery').at(-1)?.params.text, undefined);
  });
});
