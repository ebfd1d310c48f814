/** The daily character budget (DAILY_CHARACTER_BUDGET) over in-memory ports: several bots sharing one budget are several containers. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MESSAGES } from '../../../function/src/messages.ts';
import { TestBot } from '../support/bot.ts';
import { InMemoryBudget, serviceError } from '../support/ports.ts';

const received = (bot: TestBot) => bot.synthesizer.requests.reduce((sum, r) => sum + [...r.text].length, 0);
const today = () => new Date().toISOString().slice(0, 10);

describe('without DAILY_CHARACTER_BUDGET', () => {
  test('the budget is never asked', async () => {
    const bot = new TestBot();
    bot.budget.faults.add('reserve', () => new Error('the budget was asked'), { times: 5 });
    const { final } = await bot.say(1, 'No cap on this deployment.');
    assert.equal(final.outcome, 'voice_sent');
    assert.ok(!('budget_used' in final) && !('BudgetCharacters' in final));
    assert.equal(bot.budget.days.size, 0);
  });
});

describe('the daily character budget', () => {
  test('once spent, a text gets one polite message and no Polly call; a text that still fits and a cached phrase are read', async () => {
    const bot = new TestBot({ DAILY_CHARACTER_BUDGET: '60' });
    const first = 'Forty characters of text, give or take.';
    const spent = await bot.say(2, first);
    assert.deepEqual([spent.final.outcome, spent.final.budget_used, spent.final.BudgetCharacters], ['voice_sent', [...first].length, [...first].length]);

    const refused = await bot.say(2, 'This text does not fit in the twenty left.');
    assert.deepEqual(bot.textsTo(2), [MESSAGES.overBudget]);
    assert.deepEqual([refused.final.outcome, refused.final.Refusals, refused.final.Reason, refused.final.PollyRequests], ['text_sent', 1, 'budget', 0]);
    assert.equal(bot.synthesizer.requests.length, 1);
    assert.equal(bot.telegram.sent('sendChatAction', 2).length, 1, 'no "recording voice" for the refused text');

    const cached = await bot.say(3, first);
    assert.deepEqual([cached.final.outcome, cached.final.CacheHits, cached.final.PollyCharacters], ['voice_sent', 1, 0]);
    const fits = await bot.say(4, 'Short one.');
    assert.equal(fits.final.outcome, 'voice_sent');
    assert.equal(received(bot), bot.budget.days.get(today()));
    assert.ok(received(bot) <= 60);
  });

  test('a long text is reserved whole before its first part goes to Polly: it is read in full or not at all', async () => {
    const bot = new TestBot({ DAILY_CHARACTER_BUDGET: '3500' });
    const text = 'The quick brown fox jumps over the lazy dog near the river bank. '.repeat(55).trim();
    const { final } = await bot.say(5, text);
    assert.equal(final.Reason, 'budget');
    assert.equal(bot.synthesizer.requests.length, 0);
    assert.equal(bot.budget.days.get(today()) ?? 0, 0);
  });

  test("one grapheme longer than a Polly request is read in parts Polly accepts, and charged only for what Polly bills", async () => {
    const bot = new TestBot({ DAILY_CHARACTER_BUDGET: '10000' });
    const text = `a${'\u0301'.repeat(4095)}`; // one grapheme of 4,096 code points (4,095 once "a" and its first accent compose)
    const { final } = await bot.say(6, text);
    assert.equal(final.outcome, 'voice_sent');
    assert.deepEqual(bot.textsTo(6), [], 'no apology');
    assert.ok(bot.synthesizer.requests.length >= 2);
    for (const { text: part } of bot.synthesizer.requests) assert.ok([...part].length <= 3000, `a part of ${[...part].length} code points`);
    assert.equal(received(bot), bot.budget.days.get(today()), 'charged exactly what Polly billed');
  });

  test('holds across several containers answering at once: what Polly received never passes the budget', async () => {
    const budget = new InMemoryBudget();
    const limit = 1000;
    const containers = Array.from({ length: 4 }, () => new TestBot({ DAILY_CHARACTER_BUDGET: String(limit) }, { budget }));
    // 40 different texts of 30 to 69 characters, 10 per container, all in flight together: about 2,000 characters asked for.
    const deliveries = containers.flatMap((bot, c) =>
      Array.from({ length: 10 }, (_, i) => bot.say(100 + c * 10 + i, `Container ${c} text ${i} `.padEnd(30 + ((c * 10 + i) % 40), 'x') + '.')),
    );
    const finals = (await Promise.all(deliveries)).map((d) => d.final);
    const sent = containers.reduce((sum, bot) => sum + received(bot), 0);
    assert.ok(sent <= limit, `${sent} characters sent, budget ${limit}`);
    assert.equal(sent, budget.days.get(today()), 'every character reserved was sent, none twice');
    assert.equal(finals.reduce((sum, f) => sum + (f.PollyCharacters as number), 0), sent);
    const refused = finals.filter((f) => f.Reason === 'budget');
    assert.ok(refused.length > 0 && refused.length < finals.length, `${refused.length} of ${finals.length} refused`);
    assert.equal(finals.filter((f) => f.outcome === 'voice_sent').length + refused.length, finals.length);
    assert.ok(limit - sent < 70, 'the budget is used up to less than one text');
  });

  test('when the budget cannot be read, no voice is made: the user gets the apology and the error is of kind s3', async () => {
    const bot = new TestBot({ DAILY_CHARACTER_BUDGET: '1000' });
    bot.budget.faults.add('reserve', () => serviceError('SlowDown', 'Please reduce your request rate'));
    const { final } = await bot.say(6, 'Spend nothing on this.');
    assert.deepEqual([final.outcome, final.Errors, final.ErrorKind, final.PollyRequests], ['failed', 1, 's3', 0]);
    assert.deepEqual(bot.textsTo(6), [MESSAGES.failed]);
  });
});
