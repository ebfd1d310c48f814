/**
 * Bursts wait in the job queue: what the webhook hands over, and how the worker's door (worker.ts,
 * answerBatch) works through it, over in-memory ports (TestBot.work plays Lambda's event source
 * mapping). Every story ends in exactly one voice or one short text, never in an apology for a burst.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { backoffSeconds } from '../../../function/src/worker.ts';
import { QUEUED_REACTION } from '../../../function/src/constants.ts';
import { TestBot } from '../support/bot.ts';
import { InMemoryJobQueue, serviceError } from '../support/ports.ts';

const APOLOGY = /could not make a voice message/;
const throttled = () => serviceError('ThrottlingException', 'Rate exceeded');
let nextChat = 7_000;

function queuedBot(env: Record<string, string> = {}) {
  return new TestBot({ RATE_LIMIT_PER_MINUTE: '0', ...env }, { jobQueue: new InMemoryJobQueue() });
}

const reactions = (bot: TestBot, chatId: number) =>
  bot.telegram.calls.filter((c) => c.method === 'setMessageReaction' && c.params.chat_id === chatId).map((c) => (c.params.reaction as { emoji: string }[]).map((r) => r.emoji).join(''));

/** Runs the worker until the queue is empty (or `rounds` invocations), moving the queue's clock past each backoff. */
async function drain(bot: TestBot, { rounds = 20, jobMaxReceives }: { rounds?: number; jobMaxReceives?: number } = {}) {
  const lines = [];
  for (let i = 0; i < rounds && bot.jobQueue!.jobs.length; i++) {
    const invocation = await bot.work({ ...(jobMaxReceives && { jobMaxReceives }) });
    lines.push(...invocation.lines);
    if (!invocation.received) bot.jobQueue!.clockOffsetMs += 130_000;
  }
  return lines;
}

describe('the webhook with a job queue', () => {
  test('a short text while Polly answers is spoken in the webhook: nothing is queued and no reaction is shown', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    const { final } = await bot.say(chat, 'Hello there.');
    assert.equal(final.outcome, 'voice_sent');
    assert.equal(bot.voicesTo(chat).length, 1);
    assert.equal(bot.jobQueue!.jobs.length, 0);
    assert.deepEqual(reactions(bot, chat), []);
  });

  test('a text Polly throttles goes to the queue with a ✍ on it and no apology; the worker answers it with one voice and clears the ✍', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    bot.synthesizer.faults.add('synthesize', throttled);
    const { final, answer, update } = await bot.say(chat, 'Read me when you can.');
    assert.equal(answer, 'done', 'the webhook answers 200: Telegram does not redeliver');
    assert.equal(final.outcome, 'queued');
    assert.equal(final.queued, 'throttled');
    assert.equal(bot.jobQueue!.jobs.length, 1);
    assert.deepEqual(JSON.parse(bot.jobQueue!.jobs[0]!.body), { update });
    assert.equal(bot.ledger.record({ kind: 'message', updateId: update.update_id })!.state, 'queued');
    assert.deepEqual(bot.textsTo(chat), [], 'no apology, no chatter');
    assert.deepEqual(reactions(bot, chat), [QUEUED_REACTION]);

    const [job] = await drain(bot);
    assert.equal(job!.outcome, 'voice_sent');
    assert.equal(job!.receive, 1);
    assert.equal(bot.voicesTo(chat).length, 1);
    assert.equal(bot.jobQueue!.jobs.length, 0, 'the job is deleted');
    assert.equal(bot.ledger.record({ kind: 'message', updateId: update.update_id })!.state, 'done');
    assert.deepEqual(reactions(bot, chat), [QUEUED_REACTION, ''], 'the ✍ is taken off once the voice is there');
  });

  test('a text the webhook cannot finish before its deadline goes to the queue too', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    bot.synthesizer.slow(Infinity);
    const { final } = await bot.say(chat, 'A text that takes too long.', { lambdaTimeoutMs: 3_500 });
    assert.equal(final.outcome, 'queued');
    assert.equal(final.queued, 'out_of_time');
    await drain(bot);
    assert.equal(bot.voicesTo(chat).length, 1);
    assert.deepEqual(bot.textsTo(chat), []);
  });

  test('without a queue, a throttled text gets the apology as before', async () => {
    const bot = new TestBot({ RATE_LIMIT_PER_MINUTE: '0' });
    const chat = nextChat++;
    bot.synthesizer.faults.add('synthesize', throttled);
    const { final } = await bot.say(chat, 'No queue here.');
    assert.equal(final.outcome, 'failed');
    assert.match(bot.textsTo(chat)[0]!, APOLOGY);
  });

  test('a queue that refuses the job: the apology, and the update is done', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    bot.synthesizer.faults.add('synthesize', throttled);
    bot.jobQueue!.faults.add('enqueue', () => serviceError('QueueDoesNotExist', 'The specified queue does not exist.'));
    const { final, update } = await bot.say(chat, 'Nowhere to wait.');
    assert.equal(final.outcome, 'failed');
    assert.match(bot.textsTo(chat)[0]!, APOLOGY);
    assert.equal(bot.ledger.record({ kind: 'message', updateId: update.update_id })!.state, 'done');
  });
});

describe('exactly once across the hand-off', () => {
  test('Telegram redelivering a queued update stays silent and queues nothing more: one voice', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    bot.synthesizer.faults.add('synthesize', throttled);
    const { update } = await bot.say(chat, 'Once only.');
    const again = await bot.deliver(update);
    assert.equal(again.final.outcome, 'ignored');
    assert.match(String(again.final.reason), /job queue/);
    assert.equal(bot.jobQueue!.jobs.length, 1);
    await drain(bot);
    await bot.deliver(update);
    assert.equal(bot.voicesTo(chat).length, 1);
  });

  test('a job enqueued twice (SQS delivers at least once) makes one voice; the second copy is deleted', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    bot.synthesizer.faults.add('synthesize', throttled);
    const { update } = await bot.say(chat, 'Twice in the queue.');
    await bot.jobQueue!.enqueue({ update });
    const lines = await drain(bot);
    assert.deepEqual(lines.map((l) => l.outcome).sort(), ['ignored', 'voice_sent']);
    assert.equal(bot.voicesTo(chat).length, 1);
    assert.equal(bot.jobQueue!.jobs.length, 0);
  });

  test('a job whose webhook still holds the lease (it died before handing off) waits for the lease, then the worker takes it over: one voice', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    bot.synthesizer.faults.add('synthesize', throttled);
    bot.ledger.faults.add('handOff', () => serviceError('InternalError', 'We encountered an internal error.'));
    const { update } = await bot.say(chat, 'Lost my hand-off.');
    assert.equal(bot.ledger.record({ kind: 'message', updateId: update.update_id })!.state, 'leased');
    const first = await bot.work();
    assert.equal(first.lines[0]!.outcome, 'ignored');
    assert.deepEqual(first.back, [bot.jobQueue!.jobs[0]!.messageId]);
    const wait = bot.jobQueue!.delays.at(-1)!;
    assert.ok(wait >= 1 && wait <= 2, `a short first wait, within the backoff: ${wait}`);
    bot.ledger.clockOffsetMs += 60_000; // the webhook's lease has expired
    bot.jobQueue!.clockOffsetMs += 60_000;
    const second = await bot.work();
    assert.equal(second.lines[0]!.outcome, 'voice_sent');
    assert.equal(second.lines[0]!.lease, 'taken_over');
    assert.equal(bot.voicesTo(chat).length, 1);
  });
});

describe('the worker', () => {
  test('a job Polly throttles again goes back with a jittered, growing backoff, and so does the rest of its batch; then one voice each', async () => {
    const bot = queuedBot();
    const chats = [nextChat++, nextChat++, nextChat++];
    bot.synthesizer.faults.add('synthesize', throttled, { times: 3 });
    for (const chat of chats) await bot.say(chat, `Burst message for ${chat}.`);
    assert.equal(bot.jobQueue!.jobs.length, 3);

    bot.synthesizer.faults.add('synthesize', throttled, { times: 2 });
    const first = await bot.work();
    assert.equal(first.lines.length, 1, 'after the throttle, the rest of the batch is not tried');
    assert.equal(first.back.length, 3);
    assert.ok(bot.jobQueue!.delays.every((s) => s >= 1 && s <= 2), `receive 1 waits 1-2 s: ${bot.jobQueue!.delays}`);
    bot.jobQueue!.clockOffsetMs += 2_000;
    bot.jobQueue!.delays.length = 0;
    await bot.work();
    assert.ok(bot.jobQueue!.delays.every((s) => s >= 2 && s <= 4), `receive 2 waits 2-4 s: ${bot.jobQueue!.delays}`);
    await drain(bot);
    for (const chat of chats) {
      assert.equal(bot.voicesTo(chat).length, 1);
      assert.deepEqual(bot.textsTo(chat), []);
    }
  });

  test('the backoff doubles per receive up to its cap, half of it random', () => {
    assert.deepEqual([1, 2, 3, 4].map((r) => backoffSeconds(r, () => 0)), [1, 2, 4, 8]);
    assert.deepEqual([1, 2, 3, 4].map((r) => backoffSeconds(r, () => 1)), [2, 4, 8, 16]);
    assert.equal(backoffSeconds(30, () => 1), 120);
  });

  test('a job that can never succeed ends in one short text and is deleted, not retried: Polly refusing the text, the day\'s budget spent', async () => {
    const refused = queuedBot();
    const chat = nextChat++;
    refused.synthesizer.faults.add('synthesize', throttled);
    await refused.say(chat, 'Polly will refuse this one.');
    refused.synthesizer.faults.add('synthesize', () => serviceError('TextLengthExceededException', 'Maximum text length has been exceeded'));
    const [line] = await drain(refused);
    assert.equal(line!.outcome, 'failed');
    assert.equal(refused.textsTo(chat).length, 1);
    assert.match(refused.textsTo(chat)[0]!, APOLOGY);
    assert.equal(refused.jobQueue!.jobs.length, 0);

    const spent = queuedBot({ DAILY_CHARACTER_BUDGET: '40' });
    const other = nextChat++;
    spent.synthesizer.faults.add('synthesize', throttled);
    await spent.say(other, 'Twenty-five characters!!');
    await spent.budget.reserve(new Date().toISOString().slice(0, 10), 40, 1000);
    await drain(spent);
    assert.equal(spent.textsTo(other).length, 1);
    assert.match(spent.textsTo(other)[0]!, /read all I can for today/);
    assert.equal(spent.voicesTo(other).length, 0);
    assert.equal(spent.jobQueue!.jobs.length, 0);
  });

  test('on its last receive a job Polly still throttles gets the apology instead of the dead-letter queue', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    bot.synthesizer.faults.add('synthesize', throttled, { times: 100 });
    await bot.say(chat, 'Never gets through.');
    const lines = await drain(bot, { jobMaxReceives: 3 });
    assert.deepEqual(
      lines.map((l) => l.outcome),
      ['queued', 'queued', 'failed'],
    );
    assert.equal(bot.textsTo(chat).length, 1);
    assert.equal(bot.jobQueue!.jobs.length, 0);
  });

  test('a job the worker cannot read is dropped and logged, the rest of the batch still runs', async () => {
    const bot = queuedBot();
    const chat = nextChat++;
    bot.jobQueue!.jobs.push({ messageId: 'junk', body: 'not json', receives: 0, visibleAt: 0 });
    bot.synthesizer.faults.add('synthesize', throttled);
    await bot.say(chat, 'After the junk.');
    const { back } = await bot.work();
    assert.deepEqual(back, []);
    assert.equal(bot.voicesTo(chat).length, 1);
    assert.ok(bot.logs.some((l) => l.message === 'job dropped'));
  });
});
