import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InlineKeyboardButton } from '@grammyjs/types';
import { buttonTap, TestBot } from '../support/bot.ts';

/** The buttons of the last voice menu the bot sent to a chat. */
function menuButtons(bot: TestBot, chatId: number): InlineKeyboardButton.CallbackButton[] {
  const menu = bot.telegram.sent('sendMessage', chatId).at(-1)!;
  return (menu.params.reply_markup as { inline_keyboard: InlineKeyboardButton.CallbackButton[][] }).inline_keyboard.flat();
}

describe('/voice', () => {
  test("shows the voices of the user's language as buttons, with Automatic ticked while nothing is chosen", async () => {
    const bot = new TestBot();
    await bot.say(1, '/voice');
    const buttons = menuButtons(bot, 1);
    assert.ok(buttons.some((b) => b.callback_data === 'voice:Matthew'), `the English menu offers Matthew: ${buttons.map((b) => b.text).join(', ')}`);
    assert.deepEqual(buttons.at(-1), { text: '✓ Automatic', callback_data: 'voice:auto' });
    assert.match(bot.textsTo(1)[0]!, /Choose a voice for American English\. Now: automatic/);
  });

  test('a tap on a voice button keeps the choice for the chat, confirms it in the toast, and survives a cold start', async () => {
    const bot = new TestBot();
    const tap = buttonTap(2, 'voice:Matthew');
    await bot.deliver(tap);
    const [answer] = bot.telegram.sent('answerCallbackQuery');
    assert.equal(answer?.params.callback_query_id, tap.callback_query!.id);
    assert.match(String(answer?.params.text), /Matthew/);

    bot.restart();
    await bot.say(2, 'Read this in the voice I picked from the menu, please.');
    await bot.say(2, 'А этот текст прочитай по-русски, пожалуйста.');
    assert.deepEqual(
      bot.synthesizer.requests.map((r) => r.voice),
      ['Matthew', 'Maxim'],
      'the English choice does not read Russian',
    );
    await bot.say(2, '/voice');
    assert.ok(menuButtons(bot, 2).some((b) => b.text === '✓ Matthew'), 'the menu ticks the choice');
  });

  test('a tap updates the menu: the bot edits its "Now:" line and moves the tick; a failed edit costs nothing but a warning', async () => {
    const bot = new TestBot();
    await bot.say(5, '/voice');
    const menu = bot.telegram.sent('sendMessage', 5).at(-1)!;
    const message = { ...(menu.result as object), reply_markup: menu.params.reply_markup } as never;
    const tap = (data: string, id: string) => ({ update_id: Number(id), callback_query: { id, from: { id: 5, is_bot: false, first_name: 'T' }, chat_instance: 'c', message, data } }) as never;
    await bot.deliver(tap('voice:Matthew', '501'));
    const edit = bot.telegram.calls.findLast((c) => c.method === 'editMessageText')!;
    assert.equal(edit.params.message_id, (menu.result as { message_id: number }).message_id);
    assert.match(String(menu.params.text), /Now: automatic/);
    assert.equal(edit.params.text, String(menu.params.text).replace(/Now: .*$/, 'Now: Matthew.'), 'the same menu, now naming the choice');
    const buttons = (edit.params.reply_markup as { inline_keyboard: InlineKeyboardButton.CallbackButton[][] }).inline_keyboard.flat();
    assert.ok(buttons.some((b) => b.text === '✓ Matthew'));
    assert.ok(buttons.some((b) => b.text === 'Automatic'), 'Automatic is no longer ticked');

    bot.telegram.failNext('editMessageText', { error_code: 400, description: 'Bad Request: message is not modified' });
    const { final } = await bot.deliver(tap('voice:auto', '502'));
    assert.equal(final.outcome, 'text_sent');
    assert.ok(bot.logs.some((l) => l.message === 'menu not updated'));
    assert.deepEqual(await bot.settings.get(5), {});
  });

  test('/voice <name> sets a voice directly, and an unknown name gets examples instead', async () => {
    const bot = new TestBot();
    await bot.say(3, '/voice Amy');
    assert.match(bot.textsTo(3).at(-1)!, /From now on Amy reads your British English texts/);
    await bot.say(3, "Lovely weather for a cup of tea in the garden, isn't it?");
    assert.equal(bot.synthesizer.requests.at(-1)?.voice, 'Amy');
    await bot.say(3, '/voice Gandalf');
    assert.match(bot.textsTo(3).at(-1)!, /don't know a voice called “Gandalf”.*Try one of/);
  });

  test('/voice auto clears the choice: each text is read in its own language again', async () => {
    const bot = new TestBot();
    await bot.say(4, '/voice Amy');
    await bot.say(4, '/voice auto');
    assert.match(bot.textsTo(4).at(-1)!, /automatic again/);
    assert.deepEqual(await bot.settings.get(4), {});
  });

  test('without a chosen voice or a language hint, the menu is in the default voice’s language', async () => {
    const bot = new TestBot();
    await bot.say(5, '/voice', { languageCode: '' });
    assert.match(bot.textsTo(5)[0]!, /Choose a voice for Russian/, 'VOICE_NAME defaults to Maxim');
  });
});
