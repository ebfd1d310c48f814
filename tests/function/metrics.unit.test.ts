/** The metrics of each update, in its log line as Embedded Metric Format (docs/metrics.md), over in-memory ports. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { directivesOf, emfProblems } from './support/emf.ts';
import type { InlineQueryResultVoice } from '@grammyjs/types';
import { inlineQuery, TestBot, type LogLine } from './support/bot.ts';
import { serviceError } from './support/ports.ts';

/** The line's problems as EMF, and its namespace and dimensions as the contract wants them. */
function assertContract(line: LogLine, functionName = 'voicebot-local'): void {
  assert.deepEqual(emfProblems(line), []);
  const aws = line._aws as { CloudWatchMetrics: { Namespace: string }[] };
  assert.ok(aws.CloudWatchMetrics.every((d) => d.Namespace === 'Voicebot'));
  assert.equal(line.FunctionName, functionName);
  for (const [set] of directivesOf(line)) {
    assert.equal(set[0], 'FunctionName');
    assert.ok(set.every((name) => ['FunctionName', 'Reason', 'ErrorKind', 'Engine'].includes(name)), `dimension set ${set.join(',')}`);
  }
}

/** Characters as Polly bills them (code points) over every request the synthesizer received. */
const received = (bot: TestBot, from = 0) => bot.synthesizer.requests.slice(from).reduce((sum, r) => sum + [...r.text].length, 0);

describe('the EMF validator', () => {
  const valid = () => ({
    _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: 'Voicebot', Dimensions: [['FunctionName']], Metrics: [{ Name: 'Updates', Unit: 'Count' }] }] },
    FunctionName: 'f',
    Updates: 1,
  });

  test('accepts a line whose directive names fields of the line', () => {
    assert.deepEqual(emfProblems(valid()), []);
  });

  test('finds a missing metric field, a missing dimension field, a bad unit, a timestamp in seconds and unknown members', () => {
    const { Updates: _, ...noMetric } = valid();
    assert.match(emfProblems(noMetric).join(), /metric Updates is not a number/);
    const { FunctionName: __, ...noDimension } = valid();
    assert.match(emfProblems(noDimension).join(), /dimension FunctionName is not a string field/);
    const line = valid();
    line._aws.Timestamp = Math.floor(Date.now() / 1000);
    Object.assign(line._aws.CloudWatchMetrics[0]!.Metrics[0]!, { Unit: 'Characters' });
    Object.assign(line._aws.CloudWatchMetrics[0]!, { Extra: true });
    assert.equal(emfProblems(line).length, 3);
    assert.deepEqual(emfProblems({ level: 'INFO' }), ['no _aws object']);
    assert.match(emfProblems({ ...valid(), Updates: '1' }).join(), /metric Updates is not a number/);
  });
});

describe('the metrics of an update', () => {
  test('a voice made by Polly: one update, one voice, no cache hit, and the characters Polly received', async () => {
    const bot = new TestBot();
    const { final } = await bot.say(1, 'Good evening! The weather today is perfect for a walk.');
    assertContract(final);
    assert.equal(bot.synthesizer.requests.length, 1);
    assert.deepEqual(
      [final.Updates, final.Voices, final.CacheHits, final.Refusals, final.Errors, final.PollyRequests, final.PollyErrors, final.PollyCharacters],
      [1, 1, 0, 0, 0, 1, 0, received(bot)],
    );
    assert.equal(final.Engine, 'neural');
    assert.ok(directivesOf(final).some(([set, names]) => set.join() === 'FunctionName,Engine' && names.join() === 'PollyCharacters'));
    for (const name of ['LatencyMs', 'PollyMs', 'S3Ms', 'TelegramMs']) assert.equal(typeof final[name], 'number', name);
  });

  test('PollyCharacters counts code points, as Polly bills them, not UTF-16 units', async () => {
    const bot = new TestBot();
    const { final } = await bot.say(2, 'Party time 🎉🎉 with friends 👋 tonight');
    assert.equal(final.PollyCharacters, received(bot));
    assert.ok((final.PollyCharacters as number) < bot.synthesizer.requests[0]!.text.length, 'emoji are one character each');
  });

  test('a long text split into several Polly requests counts exactly the characters of every part', async () => {
    const bot = new TestBot();
    const text = 'The quick brown fox jumps over the lazy dog near the river bank.   '.repeat(55);
    const { final } = await bot.say(3, text);
    assert.ok(bot.synthesizer.requests.length >= 2);
    assert.equal(final.PollyRequests, bot.synthesizer.requests.length);
    assert.equal(final.PollyCharacters, received(bot));
    assert.ok((final.PollyCharacters as number) < text.length, 'the spaces cut away between parts are not sent, so not billed');
  });

  test('a cached phrase costs nothing: PollyCharacters 0, one cache hit, by file_id and from the store', async () => {
    const bot = new TestBot();
    const phrase = 'A phrase worth repeating, exactly as written here.';
    await bot.say(4, phrase);
    const warm = await bot.say(5, phrase);
    bot.restart();
    const cold = await bot.say(6, phrase);
    for (const { final } of [warm, cold]) {
      assertContract(final);
      assert.deepEqual([final.Voices, final.CacheHits, final.PollyRequests, final.PollyCharacters], [1, 1, 0, 0]);
    }
    assert.equal(bot.synthesizer.requests.length, 1);
  });

  test('a refusal by the rate limit or the allowlist carries its Reason', async () => {
    const limited = new TestBot({ RATE_LIMIT_PER_MINUTE: '1' });
    await limited.say(7, '/say');
    const { final } = await limited.say(7, '/say');
    assertContract(final);
    assert.deepEqual([final.Refusals, final.Reason], [1, 'rate_limit']);
    assert.ok(directivesOf(final).some(([set, names]) => set.join() === 'FunctionName,Reason' && names.join() === 'Refusals'));

    const privateBot = new TestBot({ ALLOWED_CHAT_IDS: '1' });
    const refused = (await privateBot.say(8, 'hello')).final;
    assertContract(refused);
    assert.deepEqual([refused.Refusals, refused.Reason, refused.PollyRequests], [1, 'allowlist', 0]);
  });

  test('a line without a refusal, error or engine has no directive for those dimensions', async () => {
    const bot = new TestBot();
    const { final } = await bot.say(9, '/help');
    assertContract(final);
    assert.deepEqual(directivesOf(final).map(([set]) => set.join()), ['FunctionName']);
    assert.ok(!('Reason' in final) && !('ErrorKind' in final) && !('Engine' in final));
  });

  test('a Polly failure is a Polly error and an error of kind polly', async () => {
    const bot = new TestBot();
    bot.synthesizer.faults.add('synthesize', () => serviceError('ServiceFailureException', 'Polly is down'));
    const { final } = await bot.say(10, 'Nobody will hear this one.');
    assertContract(final);
    assert.deepEqual([final.Errors, final.ErrorKind, final.PollyRequests, final.PollyErrors, final.Voices], [1, 'polly', 1, 1, 0]);
  });

  test('a failure to store the audio is an error of kind s3, and a lost voice message one of kind telegram', async () => {
    const bot = new TestBot();
    bot.audioStore.faults.add('save', () => serviceError('SlowDown', 'Please reduce your request rate'));
    const stored = (await bot.say(11, 'This voice is never stored.')).final;
    assertContract(stored);
    assert.deepEqual([stored.Errors, stored.ErrorKind, stored.PollyErrors], [1, 's3', 0]);

    bot.telegram.failNext('sendVoice', { error_code: 500, description: 'Internal Server Error' });
    const sent = (await bot.say(12, 'This voice never arrives.')).final;
    assertContract(sent);
    assert.deepEqual([sent.Errors, sent.ErrorKind], [1, 'telegram']);
  });

  test('FunctionName is the Lambda function, never a chat', async () => {
    const bot = new TestBot({ AWS_LAMBDA_FUNCTION_NAME: 'voicebot-prod' });
    const { final } = await bot.say(13, 'Hello there.');
    assertContract(final, 'voicebot-prod');
    const dimensions = new Set(directivesOf(final).flatMap(([set]) => set));
    for (const name of dimensions) assert.notEqual(final[name], 13);
  });
});

/** The names of the metrics a line's directives carry, in each dimension set. */
const metricSets = (line: LogLine) => directivesOf(line).map(([set, names]) => `${set.join()}: ${names.join()}`);

/** A user types `text` after @bot; the one result's signed voice URL, and the inline query's update_id. */
async function inlineResult(bot: TestBot, fromId: number, text: string): Promise<{ url: string; updateId: number }> {
  const update = inlineQuery(fromId, text);
  await bot.deliver(update);
  const answer = bot.telegram.calls.findLast((call) => call.method === 'answerInlineQuery')!;
  return { url: (answer.params.results as InlineQueryResultVoice[])[0]!.voice_url, updateId: update.update_id };
}

describe('the metrics of an inline pick (Telegram fetching the chosen voice)', () => {
  test('carries the metrics of a chat voice: one voice, the characters Polly received, its engine; then a cache hit; its lease ends done', async () => {
    const bot = new TestBot();
    const chat = (await bot.say(20, 'A chat voice, to compare the lines with.')).final;
    const { url, updateId } = await inlineResult(bot, 7020, 'An inline voice, metered the same way.');
    const before = bot.synthesizer.requests.length;
    const { status, line } = await bot.fetchVoice(url);
    assert.equal(status, 200);
    assertContract(line);
    assert.deepEqual(metricSets(line), metricSets(chat), 'the same metrics in the same dimension sets');
    assert.deepEqual(
      [line.Updates, line.Voices, line.CacheHits, line.Refusals, line.Errors, line.PollyRequests, line.PollyErrors, line.PollyCharacters],
      [1, 1, 0, 0, 0, 1, 0, received(bot, before)],
    );
    assert.ok((line.PollyCharacters as number) > 0);
    assert.equal(line.Engine, 'neural');
    assert.equal(bot.ledger.record({ kind: 'message', updateId })?.state, 'done');

    const again = (await bot.fetchVoice(url)).line;
    assertContract(again);
    assert.deepEqual([again.Voices, again.CacheHits, again.PollyRequests, again.PollyCharacters], [1, 1, 0, 0]);
  });

  test('a pick refused by the rate limit or the budget carries its Reason, and a failed one its ErrorKind', async () => {
    const limited = new TestBot({ RATE_LIMIT_PER_MINUTE: '1' });
    const picks = [await inlineResult(limited, 7021, 'One.'), await inlineResult(limited, 7021, 'Two.')];
    await limited.fetchVoice(picks[0]!.url);
    const overLimit = (await limited.fetchVoice(picks[1]!.url)).line;
    assertContract(overLimit);
    assert.deepEqual([overLimit.Refusals, overLimit.Reason, overLimit.Voices, overLimit.PollyCharacters], [1, 'rate_limit', 0, 0]);

    const poor = new TestBot({ DAILY_CHARACTER_BUDGET: '5' });
    const overBudget = (await poor.fetchVoice((await inlineResult(poor, 7022, 'Far more than five characters.')).url)).line;
    assertContract(overBudget);
    assert.deepEqual([overBudget.Refusals, overBudget.Reason, overBudget.BudgetCharacters, overBudget.PollyRequests], [1, 'budget', 0, 0]);

    const broken = new TestBot();
    broken.synthesizer.faults.add('synthesize', () => serviceError('ServiceFailureException', 'Polly is down'));
    const failed = (await broken.fetchVoice((await inlineResult(broken, 7023, 'Nobody will hear this one.')).url)).line;
    assertContract(failed);
    assert.deepEqual([failed.Errors, failed.ErrorKind, failed.PollyRequests, failed.PollyErrors, failed.Voices], [1, 'polly', 1, 1, 0]);
  });
});
