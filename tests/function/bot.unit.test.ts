/**
 * The gates every update passes before anything is said or synthesized — exactly once, the
 * allowlist, the per-chat rate limit — and the routing of what is left, over in-memory ports.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Update } from '@grammyjs/types';
import { LEASE_GRACE_MS } from '../../function/src/constants.ts';
import { buttonTap, TestBot, textMessage } from './support/bot.ts';

describe('exactly one answer per update', () => {
  test('two concurrent deliveries of one update make one synthesis and one voice; the loser asks Telegram to come back', async () => {
    const bot = new TestBot();
    const update = textMessage(1, 'Delivered twice at the same moment.');
    const results = await Promise.all([bot.deliver(update), bot.deliver(update)]);
    assert.equal(bot.synthesizer.requests.length, 1);
    assert.equal(bot.voicesTo(1).length, 1);
    const loser = results.find(({ final }) => final.outcome === 'ignored');
    assert.match(String(loser?.final.reason), /^lease live: attempt 1 in progress until \d{4}-/);
    assert.equal(loser?.answer, 'busy');
  });

  test('a redelivery after the first answer is ignored without a second text, with 200', async () => {
    const bot = new TestBot();
    const update = textMessage(2, '/say');
    await bot.deliver(update);
    const { final, answer } = await bot.deliver(update);
    assert.equal(final.reason, 'already answered by attempt 1');
    assert.equal(answer, 'done');
    assert.equal(bot.textsTo(2).length, 1);
  });
});

/** An attempt that claimed the update and died: its lease, never marked done, ends `msAgo` ago. */
async function diedHolding(bot: TestBot, update: Update, { expiredMsAgo }: { expiredMsAgo: number }) {
  const message = update.message!;
  const claim = await bot.ledger.claim({ kind: 'message', updateId: update.update_id, chatId: message.chat.id, date: message.date }, Date.now() - expiredMsAgo);
  assert.equal(claim.status, 'claimed');
}

describe('leases: a redelivery after a dead attempt', () => {
  test('during the dead attempt\'s live lease: no synthesis, no message, and 503 so that Telegram comes back', async () => {
    const bot = new TestBot();
    const update = textMessage(3, 'The first attempt died.');
    await diedHolding(bot, update, { expiredMsAgo: -30_000 });
    const { final, answer } = await bot.deliver(update);
    assert.equal(answer, 'busy');
    assert.equal(final.outcome, 'ignored');
    assert.match(String(final.reason), /lease live: attempt 1/);
    assert.equal(bot.synthesizer.requests.length, 0);
    assert.equal(bot.sentTo(3).length, 0);
  });

  test('after the lease expired: taken over as attempt 2, one voice, done, and the log line says so', async () => {
    const bot = new TestBot();
    const update = textMessage(4, 'Taken over after the lease ended.');
    await diedHolding(bot, update, { expiredMsAgo: 1 });
    const { final, answer } = await bot.deliver(update);
    assert.equal(answer, 'done');
    assert.equal(final.outcome, 'voice_sent');
    assert.equal(final.attempt, 2);
    assert.equal(final.lease, 'taken_over');
    assert.equal(typeof final.done_ms, 'number');
    assert.equal(bot.voicesTo(4).length, 1);
    assert.equal(bot.ledger.record({ kind: 'message', updateId: update.update_id })?.state, 'done');
    const again = await bot.deliver(update);
    assert.equal(again.final.reason, 'already answered by attempt 2');
    assert.equal(bot.voicesTo(4).length, 1);
  });

  test('a first attempt logs attempt 1 and a new lease', async () => {
    const bot = new TestBot();
    const { final } = await bot.say(5, 'Fresh.');
    assert.equal(final.attempt, 1);
    assert.equal(final.lease, 'new');
  });

  test('the takeover reuses the audio the dead attempt stored: no second synthesis', async () => {
    const bot = new TestBot();
    await bot.say(6, 'Stored before the container died.');
    bot.restart(); // the new container knows no file_id
    const update = textMessage(6, 'Stored before the container died.');
    await diedHolding(bot, update, { expiredMsAgo: 1 });
    const { final } = await bot.deliver(update);
    assert.equal(final.outcome, 'voice_sent');
    assert.equal(final.cache, 's3');
    assert.equal(bot.synthesizer.requests.length, 1);
  });

  test('the lease lasts until the invocation\'s own deadline (Lambda\'s remaining time here) plus the grace', async () => {
    const bot = new TestBot();
    const update = textMessage(7, '/say');
    const before = Date.now();
    bot.ledger.faults.add('complete', () => new Error('S3 unreachable'), { times: 2 }); // after the answer, and once more at the end
    const { final } = await bot.deliver(update, { lambdaTimeoutMs: 5_000 });
    const record = bot.ledger.record({ kind: 'message', updateId: update.update_id });
    assert.equal(record?.state, 'leased', 'done could not be written');
    assert.ok(record!.until >= before + 5_000 + LEASE_GRACE_MS && record!.until <= Date.now() + 5_000 + LEASE_GRACE_MS, String(record?.until));
    assert.equal(final.outcome, 'text_sent', 'a failed done write costs the user nothing');
    assert.match(JSON.stringify(bot.logs), /update not marked done/);
  });

  test('an apology after Polly hung until the deadline is marked done, so no takeover answers again', async () => {
    const bot = new TestBot();
    bot.synthesizer.slow(Infinity); // Polly never answers: cut off by the deadline, then the apology
    const update = textMessage(9, 'Polly hangs.');
    const { final } = await bot.deliver(update, { lambdaTimeoutMs: 3_000 });
    assert.equal(final.outcome, 'failed');
    assert.equal(bot.textsTo(9).length, 1);
    assert.equal(bot.ledger.record({ kind: 'message', updateId: update.update_id })?.state, 'done');
  });

  test('silent outcomes are marked done too: a rate-limited redelivery stays silent for good', async () => {
    const bot = new TestBot({ RATE_LIMIT_PER_MINUTE: '1' });
    await bot.say(8, 'one');
    await bot.say(8, 'two'); // the one "too many" text
    const { final, update } = await bot.say(8, 'three');
    assert.equal(final.reason, 'rate limited');
    assert.equal(bot.ledger.record({ kind: 'message', updateId: update.update_id })?.state, 'done');
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
    for (let i = 0; i < 6; i++) reasons.push((await bot.say(7, '/say', { date: date + i })).final.reason);
    const texts = bot.textsTo(7);
    assert.equal(texts.length, 3 + 1, 'three answers, one warning');
    assert.match(texts.at(-1)!, /up to 3 a minute/);
    assert.deepEqual(reasons.slice(3), ['rate limited', 'rate limited', 'rate limited']);
    await bot.say(7, '/say', { date: date + 60 });
    assert.equal(bot.textsTo(7).length, 5, 'the next minute is served again');
  });

  test("neither counts nor limits words alone: /start, /help and the hints past the limit, and the count never read", async () => {
    const bot = new TestBot({ RATE_LIMIT_PER_MINUTE: '1' });
    bot.ledger.faults.add('count', () => new Error('the count would fail'));
    const date = 1_800_000_000 - (1_800_000_000 % 60);
    for (const text of ['/start', '/help', '/nonsense', '/start']) assert.equal((await bot.say(9, text, { date })).final.outcome, 'text_sent', text);
    assert.equal(bot.textsTo(9).length, 4, 'every one answered, none refused');
    const { final } = await bot.say(9, '/say', { date });
    assert.equal(final.outcome, 'failed', 'the queued fault was still there for the first read');
  });

  test('is off at 0', async () => {
    const bot = new TestBot({ RATE_LIMIT_PER_MINUTE: '0' });
    for (let i = 0; i < 12; i++) await bot.say(8, '/say', { date: 1_800_000_000 });
    assert.equal(bot.textsTo(8).length, 12);
  });
});

describe('round trips: what an answer needs is read while the claim is on the network', () => {
  /** Spies on the ports: which call started (and when the claim was answered), in order. */
  function recordOrder(bot: TestBot, claimMs: number): string[] {
    const events: string[] = [];
    const spy = <A extends unknown[], R>(name: string, call: (...args: A) => Promise<R>) =>
      (...args: A) => {
        events.push(name);
        return call(...args);
      };
    const claim = bot.ledger.claim.bind(bot.ledger);
    bot.ledger.claim = async (...args) => {
      events.push('claim');
      await new Promise((resolve) => setTimeout(resolve, claimMs));
      const claimed = await claim(...args);
      events.push('claim answered');
      return claimed;
    };
    bot.ledger.countInMinute = spy('count', bot.ledger.countInMinute.bind(bot.ledger));
    bot.settings.get = spy('settings', bot.settings.get.bind(bot.settings));
    bot.audioStore.find = spy('find', bot.audioStore.find.bind(bot.audioStore));
    bot.synthesizer.synthesize = spy('polly', bot.synthesizer.synthesize.bind(bot.synthesizer));
    return events;
  }

  test("a text's rate-limit count, its chat's settings and the stored-copy look-up all start before the claim is answered; Polly only after", async () => {
    const bot = new TestBot({ RATE_LIMIT_PER_MINUTE: '10' });
    const events = recordOrder(bot, 30);
    await bot.say(31, 'Read ahead while the claim travels.');
    const answered = events.indexOf('claim answered');
    for (const read of ['count', 'settings', 'find']) assert.ok(events.indexOf(read) !== -1 && events.indexOf(read) < answered, `${read} in ${events.join(' → ')}`);
    assert.ok(events.indexOf('polly') > answered, events.join(' → '));
    assert.equal(bot.voicesTo(31).length, 1);
  });

  test("the stored-copy look-up for the voice a chat gets without a choice of its own starts while the chat's settings are being read", async () => {
    const bot = new TestBot();
    const events = recordOrder(bot, 0);
    const get = bot.settings.get;
    bot.settings.get = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      const settings = await get(...args);
      events.push('settings answered');
      return settings;
    };
    await bot.say(34, 'No voice was ever chosen in this chat.');
    assert.ok(events.indexOf('find') < events.indexOf('settings answered'), events.join(' → '));
  });

  test("a chat that chose a voice hears that voice, though the voice it would get otherwise already has this text's audio stored", async () => {
    const bot = new TestBot();
    const text = 'The same sentence in two chats.';
    await bot.say(35, text);
    const [first] = bot.synthesizer.requests;
    const chosen = first?.voice === 'Brian' ? 'Amy' : 'Brian';
    await bot.settings.update(36, { voice: chosen });
    bot.restart(); // no file_id either: only the store could hand back the wrong voice
    await bot.say(36, text);
    assert.deepEqual(bot.synthesizer.requests.map((r) => r.voice), [first?.voice, chosen]);
    assert.equal(bot.voicesTo(36).length, 1);
  });

  test('a text whose claim is not ours says nothing and pays nothing, even when the reads ahead fail', async () => {
    const bot = new TestBot({ RATE_LIMIT_PER_MINUTE: '10' });
    const update = textMessage(32, 'Delivered again after its answer.');
    await bot.deliver(update);
    bot.ledger.faults.add('count', () => new Error('S3 unreachable'));
    bot.audioStore.faults.add('find', () => new Error('S3 unreachable'));
    bot.restart(); // a new container: the file_id is forgotten, so the stored copy is looked up
    const { final, answer } = await bot.deliver(update);
    await new Promise((resolve) => setImmediate(resolve)); // an unhandled rejection would surface here
    assert.deepEqual([final.outcome, final.reason, answer], ['ignored', 'already answered by attempt 1', 'done']);
    assert.equal(bot.synthesizer.requests.length, 1);
    assert.equal(bot.sentTo(32).length, 1);
  });

  test('a failed read ahead is the answer\'s failure: the user hears the apology, as when it was read after the claim', async () => {
    const bot = new TestBot();
    bot.audioStore.faults.add('find', () => new Error('S3 unreachable'));
    const { final } = await bot.say(33, 'The stored copy cannot be looked up.');
    assert.deepEqual([final.outcome, final.error_kind], ['failed', 's3']);
    assert.equal(bot.synthesizer.requests.length, 0);
    assert.match(bot.textsTo(33).join(), /couldn|sorry/i);
  });
});

describe('routing', () => {
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
